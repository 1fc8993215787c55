"""What the views of every import share."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.messages.storage.base import BaseStorage
from django.http import HttpRequest


def success_once(request: HttpRequest, text: str) -> None:
    """Adds a success message unless the same words are already waiting to be shown (a second
    confirmation of the same import must not show its outcome twice)."""
    waiting = messages.get_messages(request)
    already = any(str(message) == text for message in waiting)
    if isinstance(waiting, BaseStorage):
        waiting.used = False  # looking at them must not use them up
    if not already:
        messages.success(request, text)
