"""Celery tasks: thin, idempotent, called with ids (and nothing a worker cannot serialise)."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse

from organizations.emails import send_templated_email
from organizations.models import Invitation, User


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=6,
)
def send_invitation_email(invitation_id: int, token: str) -> str:
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    # A withdrawn, replaced or already used invitation is not worth a message.
    if invitation is None or invitation.state != "pending":
        return "skipped"
    existing = User.objects.filter(email__iexact=invitation.email).first()
    language = (existing and existing.language) or invitation.organization.written_standard
    send_templated_email(
        name="invitation",
        to=invitation.email,
        language=language,
        context={
            "invitation": invitation,
            "organization": invitation.organization,
            "accept_path": reverse("invitation_accept", args=[token]),
        },
        headers={"Message-ID": f"<invitation-{invitation.pk}@tiltakshjulet>"},
    )
    return "sent"


@shared_task
def ping() -> str:
    """Answers from a worker; the integration tests and operators use it to see one is alive."""
    return "pong"
