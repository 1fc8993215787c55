"""Writing an email to the outbox, and waking the dispatcher up for it."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from config.celery import app
from organizations.models import Organization
from outbox.models import Email

log = logging.getLogger(__name__)

DISPATCH_TASK = "notifications.tasks.dispatch_reminders"


def email_enqueue(
    *,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    organization: Organization | None = None,
    about: str = "",
    expires_at: datetime | None = None,
    headers: dict[str, str] | None = None,
    message_id: str = "",
) -> Email:
    """Writes the email as a row in the caller's transaction (so it exists exactly when what
    caused it does) and asks for a dispatch once that transaction commits."""
    email = Email.objects.create(
        kind=kind,
        to=to,
        subject=subject,
        text=text,
        html=html,
        organization=organization,
        about=about,
        expires_at=expires_at,
        headers=headers or {},
        message_id=message_id or Email.new_message_id(kind),
    )
    transaction.on_commit(kick, robust=True)
    return email


def kick() -> None:
    """Asks a worker to dispatch now rather than at the next beat, best effort: with the
    broker down the row simply waits for the beat's next dispatch, and the request that
    wrote it still succeeds. ``retry=False``: a person is waiting for the page, not for the
    broker to come back."""
    try:
        app.send_task(DISPATCH_TASK, retry=False)
    except Exception:  # the broker's errors vary by transport (kombu, redis, OSError)
        log.warning("outbox: could not reach the broker; the next scheduled dispatch sends")
