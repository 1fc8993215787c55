"""The outbox's half of the dispatcher (``notifications.dispatch.dispatch`` runs both):
claims waiting emails under a lease, sends them, records the outcome and clears the body."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from outbox import leases
from outbox.models import Email

log = logging.getLogger(__name__)

BATCH = 50
# Settling a row removes what may hold a token (outbox.models explains why it was kept).
CLEARED = {"text": "", "html": ""}


def _invitation_pending(pk: int) -> bool:
    from organizations.models import Invitation

    return Invitation.objects.pending().filter(pk=pk).exists()


# What an email is about, read again just before sending: a withdrawn, replaced or used
# invitation is not worth a message.
STILL_WANTED = {"invitation": _invitation_pending}


def still_wanted(email: Email) -> bool:
    kind, _, pk = email.about.rpartition("-")
    check = STILL_WANTED.get(kind)
    return check is None or not pk.isdigit() or check(int(pk))


def claim(now: datetime | None = None, limit: int = BATCH) -> leases.Claim:
    """Claims waiting emails; those past ``expires_at`` are settled as missed on the way
    (their link no longer works), however many there are."""
    now = now or timezone.now()

    def settle(rows: list[Email]) -> list[int]:
        late = [row.pk for row in rows if row.expires_at is not None and row.expires_at < now]
        if late:
            Email.objects.filter(pk__in=late).update(
                state=Email.State.MISSED,
                problem=Email.Problem.TOO_LATE,
                claim_token=None,
                lease_until=None,
                updated_at=now,
                **CLEARED,
            )
        return late

    while True:
        batch, locked = leases.claim(
            Email.objects.all(), now=now, limit=limit, order_by=("created_at", "pk"), settle=settle
        )
        if batch.ids or locked < limit:
            return batch


def deliver(email_id: int, token: uuid.UUID) -> str:
    """Sends one held email; returns the state it ended in."""
    email = leases.held(Email, token).filter(pk=email_id).first()
    if email is None:
        return "gone"  # taken over by another dispatcher after this one's lease ran out
    if not still_wanted(email):
        leases.finish(Email, email.pk, token, state=Email.State.CANCELLED, **CLEARED)
        return Email.State.CANCELLED
    outcome = leases.attempt(lambda: send(email), log.exception)
    if outcome.state == leases.PENDING:
        return leases.retry(Email, email, token, outcome.error, None, **CLEARED)
    recorded = leases.finish(
        Email,
        email.pk,
        token,
        state=outcome.state,
        problem=outcome.problem,
        error=outcome.error,
        **CLEARED,
    )
    if not recorded:
        log.warning("outbox email %s: lease lost before the outcome was recorded", email.pk)
    return outcome.state


def send(email: Email) -> None:
    message = EmailMultiAlternatives(
        email.subject,
        email.text,
        to=[email.to],
        headers={**email.headers, "Message-ID": email.message_id},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    message.send()


QUEUE = leases.Queue(Email, claim, lambda pk, token, now: deliver(pk, token))


def dispatch(now: datetime | None = None, *, budget: timedelta = timedelta(seconds=45)) -> int:
    """The outbox alone (the scheduled dispatcher runs it with the reminders)."""
    return leases.work_through([QUEUE], now, budget=budget)
