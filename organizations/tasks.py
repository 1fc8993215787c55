"""Celery tasks: thin, idempotent, called with ids (and nothing a worker cannot serialise)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from organizations.emails import invitation_email_enqueue
from organizations.models import Invitation


@shared_task
def send_invitation_email(invitation_id: int, token: str) -> str:
    """Invitations go through the outbox now (organizations.services.invitation_create); this
    task stays for messages queued by an older version during an upgrade: it writes the
    outbox row, once, and sends what the outbox holds."""
    from outbox import dispatch
    from outbox.models import Email

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_related("organization", "invited_by")
            .select_for_update(of=("self",))
            .filter(pk=invitation_id)
            .first()
        )
        # A withdrawn, replaced or already used invitation is not worth a message.
        if invitation is None or invitation.state != "pending":
            return "skipped"
        email = Email.objects.filter(about=f"invitation-{invitation.pk}").first()
        if email is None:
            email = invitation_email_enqueue(invitation, token)
    dispatch.dispatch()
    email.refresh_from_db()
    return "sent" if email.state == Email.State.SENT else "queued"


@shared_task
def ping() -> str:
    """Answers from a worker; the integration tests and operators use it to see one is alive."""
    return "pong"
