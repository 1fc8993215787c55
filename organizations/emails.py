"""Emails from a template triple (``<name>-subject.txt``, ``-body.txt``, ``-body.html``),
rendered in the recipient's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

if TYPE_CHECKING:
    from organizations.models import Invitation
    from outbox.models import Email


def render_email(name: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, "language": language, **context}
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    # A subject is one line, whatever the template's trailing newline.
    return " ".join(subject.split()), text, html


def invitation_email_enqueue(invitation: Invitation, token: str) -> Email:
    """Writes the invitation's email to the outbox, in the caller's transaction.

    The raw token exists only in this email (the invitation keeps a hash), so the outbox row
    holds it until the email is sent and then forgets it (docs/outbox.md)."""
    from organizations.models import User
    from outbox.models import Email
    from outbox.services import email_enqueue

    existing = User.objects.filter(email__iexact=invitation.email).first()
    language = (existing and existing.language) or invitation.organization.written_standard
    subject, text, html = render_email(
        "invitation",
        {
            "invitation": invitation,
            "organization": invitation.organization,
            "accept_path": reverse("invitation_accept", args=[token]),
        },
        language,
    )
    return email_enqueue(
        kind=Email.Kind.INVITATION,
        to=invitation.email,
        subject=subject,
        text=text,
        html=html,
        organization=invitation.organization,
        about=f"invitation-{invitation.pk}",
        expires_at=invitation.expires_at,
        message_id=f"<invitation-{invitation.pk}@tiltakshjulet>",
    )
