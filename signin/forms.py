"""The password forms, with the password rule in plain words under the new password."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.template import loader
from django.utils import timezone

from organizations.forms import PASSWORD_HELP


class PlainPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = PASSWORD_HELP


class PlainSetPasswordForm(SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = PASSWORD_HELP


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset request, with the email written to the outbox instead of sent inside
    the request: a mail server or broker outage delays the link, never loses it, and the
    page is the same either way (docs/outbox.md)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from outbox.models import Email
        from outbox.services import email_enqueue

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        html = ""
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
        email_enqueue(
            kind=Email.Kind.PASSWORD_RESET,
            to=to_email,
            subject=subject,
            text=loader.render_to_string(email_template_name, context),
            html=html,
            # The link stops working then: an email that late is not worth sending.
            expires_at=timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
        )
