"""The embedded email backend used when no SMTP server is configured."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.message import EmailMessage


class FileAndConsoleBackend(FileBackend):
    """Writes each message to a file under EMAIL_FILE_PATH and echoes it on the console, so a
    developer sees invitations and password resets in the terminal and can open them later."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._console = ConsoleBackend(fail_silently=self.fail_silently)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = super().send_messages(email_messages)
        self._console.send_messages(email_messages)
        return sent
