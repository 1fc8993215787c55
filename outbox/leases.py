"""Claiming rows with a lease, shared by the reminders and the outbox.

A dispatcher claims a batch of rows in one short transaction
(``select_for_update(skip_locked=True)``, so two dispatchers never take the same row) and
marks them ``sending`` with a fresh claim token and ``lease_until = now + LEASE``. While it
works through the batch it renews the lease whenever a third of it has passed, checked
before each message. Another dispatcher may take
over a ``sending`` row only once its lease has run out (``lease_until < now``): a worker that
was killed loses its batch within LEASE, and the next dispatch (every minute) sends it.

Every later update of a row (its outcome, a retry, giving it back) is conditional on the
claim token: a worker whose lease was taken over cannot record a stale outcome over the new
holder's. The one window where a message can go out twice: a worker hands a message to the
mail server and then does not record it within LEASE of its last renewal (it was killed, or
it stalled longer than the lease). Messages carry the same Message-ID on every attempt, so
mail systems that drop duplicates do.
"""

from __future__ import annotations

import smtplib
import socket
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=2)  # then 4, 8, 16 minutes
REJECTED = "rejected"
GAVE_UP = "gave_up"

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    socket.timeout,
    TimeoutError,
)


def lease() -> timedelta:
    """How long a claim holds without renewal (``DISPATCH_LEASE_SECONDS``, 60 by default)."""
    return timedelta(seconds=settings.DISPATCH_LEASE_SECONDS)


@dataclass
class Claim:
    """A batch this process holds: the rows' ids and the token every update must carry."""

    token: uuid.UUID
    ids: list[int] = field(default_factory=list)


def takeable(now: datetime) -> Q:
    """Rows a dispatcher may claim: waiting and due for another attempt, or "sending" under
    a lease that ran out (its worker died or stalled). A lease holds up to and including
    ``lease_until``. Rows claimed before leases existed (no ``lease_until``) count as expired."""
    waiting = Q(state=PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    expired = Q(state=SENDING) & (Q(lease_until__lt=now) | Q(lease_until__isnull=True))
    return waiting | expired


def claim(
    queryset: models.QuerySet[Any],
    *,
    now: datetime,
    limit: int,
    order_by: Sequence[str],
    settle: Callable[[list[Any]], list[int]] | None = None,
) -> tuple[Claim, int]:
    """Claims up to ``limit`` takeable rows of ``queryset``; returns the claim and how many
    rows were locked (settled ones included). ``settle`` may settle some of the locked rows
    on the way (a reminder too late to send) and returns their ids, which are not claimed."""
    token = uuid.uuid4()
    with transaction.atomic():
        rows = list(
            queryset.select_for_update(skip_locked=True)
            .filter(takeable(now))
            .order_by(*order_by)[:limit]
        )
        settled = set(settle(rows)) if settle else set()
        ids = [row.pk for row in rows if row.pk not in settled]
        if ids:
            queryset.model.objects.filter(pk__in=ids).update(
                state=SENDING,
                claim_token=token,
                lease_until=now + lease(),
                claimed_at=now,
                updated_at=now,
            )
    return Claim(token=token, ids=ids), len(rows)


def held(model: type[models.Model], token: uuid.UUID) -> models.QuerySet[Any]:
    """The rows this claim still holds (nobody took them over, none settled yet)."""
    return model._default_manager.filter(claim_token=token, state=SENDING)


def renew(model: type[models.Model], token: uuid.UUID, now: datetime | None = None) -> int:
    """Extends the lease of every row the claim still holds; returns how many."""
    now = now or timezone.now()
    return held(model, token).update(lease_until=now + lease())


def finish(
    model: type[models.Model],
    pk: int,
    token: uuid.UUID,
    *,
    state: str,
    problem: str = "",
    error: str = "",
    **extra: Any,
) -> bool:
    """Records a held row's outcome (one attempt more); False when the lease was lost."""
    now = timezone.now()
    return bool(
        held(model, token)
        .filter(pk=pk)
        .update(
            state=state,
            problem=problem,
            last_error=error[:2000],
            attempts=F("attempts") + 1,
            sent_at=now if state == SENT else None,
            claim_token=None,
            lease_until=None,
            updated_at=now,
            **extra,
        )
    )


def retry(
    model: type[models.Model],
    row: Any,
    token: uuid.UUID,
    error: str,
    now: datetime | None = None,
    **on_give_up: Any,
) -> str:
    """Another attempt later, with exponential backoff; failed after MAX_ATTEMPTS."""
    now = now or timezone.now()
    attempts = row.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        finish(model, row.pk, token, state=FAILED, problem=GAVE_UP, error=error, **on_give_up)
        return FAILED
    held(model, token).filter(pk=row.pk).update(
        state=PENDING,
        attempts=attempts,
        next_attempt_at=now + FIRST_RETRY * 2 ** (attempts - 1),
        claim_token=None,
        lease_until=None,
        claimed_at=None,
        last_error=error[:2000],
        updated_at=now,
    )
    return PENDING


def give_back(model: type[models.Model], ids: Sequence[int], token: uuid.UUID) -> int:
    """Held rows this process will not try after all go back to waiting at once, untried."""
    return (
        held(model, token)
        .filter(pk__in=ids)
        .update(
            state=PENDING,
            claim_token=None,
            lease_until=None,
            claimed_at=None,
            updated_at=timezone.now(),
        )
    )


@dataclass(frozen=True)
class Outcome:
    """What one send came to: sent, a permanent failure (``problem``), or worth a retry."""

    state: str  # SENT, FAILED or PENDING (retry)
    problem: str = ""
    error: str = ""


class PermanentFailure(Exception):
    """Sending can never succeed (no address, refused address): ``problem`` says why."""

    def __init__(self, problem: str, detail: str = "") -> None:
        super().__init__(detail or problem)
        self.problem = problem


def attempt(send: Callable[[], None], log: Callable[..., None]) -> Outcome:
    """Runs ``send`` and sorts what happened into an outcome. A soft time limit is raised
    on: the caller gives its rows back and ends the task, as Celery expects."""
    try:
        send()
    except SoftTimeLimitExceeded:
        raise
    except PermanentFailure as failure:
        return Outcome(FAILED, failure.problem, str(failure))
    except smtplib.SMTPRecipientsRefused as error:
        # Refused for good (5xx), or only for now (4xx: greylisting, a full mailbox, a rate
        # limit), which is worth another try.
        if all(code >= 500 for code, _message in error.recipients.values()):
            return Outcome(FAILED, REJECTED, str(error))
        return Outcome(PENDING, error=f"{type(error).__name__}: {error}")
    except smtplib.SMTPResponseException as error:
        if 500 <= error.smtp_code < 600:
            return Outcome(FAILED, REJECTED, str(error))
        return Outcome(PENDING, error=str(error))
    except TRANSIENT_ERRORS as error:
        return Outcome(PENDING, error=f"{type(error).__name__}: {error}")
    except Exception as error:
        # Anything else (a name server that did not answer, a template that does not render)
        # is retried and counted like a transient error: raising would end the run and leave
        # the rest of the batch waiting for its lease to run out, and this row would be tried
        # again and again without ever using up its attempts.
        log("unexpected error while sending")
        return Outcome(PENDING, error=f"{type(error).__name__}: {error}")
    return Outcome(SENT)


@dataclass(frozen=True)
class Queue:
    """One table the dispatcher works through: how to claim a batch, how to deliver a row."""

    model: type[models.Model]
    claim: Callable[[datetime | None], Claim]
    deliver: Callable[[int, uuid.UUID, datetime | None], str]


def work_through(queues: Sequence[Queue], now: datetime | None = None, *, budget: timedelta) -> int:
    """Claims and delivers due rows of each queue in turn until none are due or the time
    budget is spent (the next run carries on). Returns how many were delivered or settled.

    The budget is checked before each row, well inside the task's time limits, so a slow
    mail server makes the run stop early and hand the rest of its batch back. Before a row,
    once a third of the lease has passed since the last renewal, the lease of the rows the
    batch still holds is renewed: each message starts with at least two thirds of the lease
    left, and a fast batch costs no renewals."""
    started = timezone.now()
    handled = 0
    for queue in queues:
        while timezone.now() - started < budget:
            batch = queue.claim(now)
            if not batch.ids:
                break
            renewed_at = now or timezone.now()
            for index, pk in enumerate(batch.ids):
                if timezone.now() - started >= budget:
                    give_back(queue.model, batch.ids[index:], batch.token)
                    return handled
                if (now or timezone.now()) - renewed_at >= lease() / 3:
                    renewed_at = now or timezone.now()
                    renew(queue.model, batch.token, renewed_at)
                try:
                    queue.deliver(pk, batch.token, now)
                except SoftTimeLimitExceeded:
                    give_back(queue.model, batch.ids[index:], batch.token)
                    raise
                handled += 1
    return handled
