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
KICK_TIMEOUT = 1  # seconds


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
    wrote it still succeeds. A person is waiting for the page, not for the broker: one
    connection attempt bounded by KICK_TIMEOUT, no retries (Celery's defaults retry for
    seconds)."""
    try:
        with app.connection_for_write() as connection:
            connection.transport_options = {
                **(connection.transport_options or {}),
                "socket_connect_timeout": KICK_TIMEOUT,
                "socket_timeout": KICK_TIMEOUT,
            }
            connection.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=KICK_TIMEOUT
            )
            app.send_task(DISPATCH_TASK, connection=connection, retry=False)
    except Exception:  # the broker's errors vary by transport (kombu, redis, OSError)
        log.warning("outbox: could not reach the broker; the next scheduled dispatch sends")
