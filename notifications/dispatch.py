"""The dispatcher: due reminder rows are claimed, sent and their outcome recorded.

1. ``recover_stale`` gives rows back that a worker claimed and never finished (it was killed):
   they are sent again. This is the one window where a person can get a reminder twice:
   the mail server accepted it, and the worker died before it recorded ``sent``. The
   Message-ID is the same on every attempt, so mail systems that drop duplicates do.
2. ``claim`` takes up to ``BATCH`` due rows in a short transaction with
   ``select_for_update(skip_locked=True)``: two dispatchers never take the same row. Rows
   too far past due are marked *missed* instead (sent late never).
3. ``deliver`` sends one claimed row and records sent, failed (a permanent refusal, or
   transient errors past ``MAX_ATTEMPTS``), or a retry with exponential backoff. Every update
   is conditional on the row still being ``sending``.

Nothing here waits for the broker: the rows are the queue, so long delays never sit in a
task's ETA and a restarted broker loses nothing.
"""

from __future__ import annotations

import logging
import re
import smtplib
import socket
from datetime import date, datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.models import Notification, Reminder
from notifications.planned import MISSED_AFTER
from yearwheel.models import Event

log = logging.getLogger(__name__)

BATCH = 50
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=2)  # then 4, 8, 16 minutes
# A claimed row not finished after this long belongs to a worker that died.
STALE_AFTER = timedelta(minutes=10)

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    socket.timeout,
    TimeoutError,
)


class PermanentFailure(Exception):
    """Sending can never succeed (no address, refused address): ``problem`` says why."""

    def __init__(self, problem: str, detail: str = "") -> None:
        super().__init__(detail or problem)
        self.problem = problem


def recover_stale(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return Reminder.objects.filter(
        state=Reminder.State.SENDING, claimed_at__lt=now - STALE_AFTER
    ).update(state=Reminder.State.PENDING, claimed_at=None, updated_at=now)


def claim(now: datetime | None = None, limit: int = BATCH) -> list[int]:
    """Claims due rows for this process; returns the ids to deliver.

    Rows past the missed cut-off are settled on the way, however many there are: a batch of
    nothing but missed rows does not end the search, or a backlog (after the dispatcher was
    down) would end every run with rows still in time waiting behind it."""
    now = now or timezone.now()
    while True:
        with transaction.atomic():
            rows = list(
                Reminder.objects.select_for_update(skip_locked=True)
                .filter(state=Reminder.State.PENDING, due_at__lte=now)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .order_by("due_at", "pk")[:limit]
            )
            missed = [row.pk for row in rows if row.due_at + MISSED_AFTER < now]
            claimed = [row.pk for row in rows if row.pk not in missed]
            if missed:
                Reminder.objects.filter(pk__in=missed).update(
                    state=Reminder.State.MISSED, problem=Reminder.Problem.TOO_LATE, updated_at=now
                )
            if claimed:
                Reminder.objects.filter(pk__in=claimed).update(
                    state=Reminder.State.SENDING, claimed_at=now, updated_at=now
                )
        if claimed or len(rows) < limit:
            return claimed


def deliver(reminder_id: int, now: datetime | None = None) -> str:
    """Sends one claimed reminder; returns the state it ended in."""
    from notifications.emails import check_recipient, send_reminder  # needs the app registry

    reminder = (
        Reminder.objects.select_related("recipient", "organization")
        .filter(pk=reminder_id, state=Reminder.State.SENDING)
        .first()
    )
    if reminder is None:
        return "gone"  # someone else finished it, or it was recovered and claimed again
    if not still_wanted(reminder):
        return _finish(reminder, Reminder.State.CANCELLED, "", "")
    try:
        # Checked first: a person who left the organisation gets neither email nor notice.
        check_recipient(reminder)
        _notify_in_app(reminder)
        send_reminder(reminder)
    except SoftTimeLimitExceeded:
        # The task is out of time: the row goes back untried (no attempt counted) and the
        # exception ends the task, as Celery expects.
        give_back([reminder.pk])
        raise
    except PermanentFailure as failure:
        return _finish(reminder, Reminder.State.FAILED, failure.problem, str(failure))
    except smtplib.SMTPRecipientsRefused as error:
        # The address was refused for good (5xx), or only for now (4xx: greylisting, a full
        # mailbox, a rate limit), which is worth another try.
        if all(code >= 500 for code, _message in error.recipients.values()):
            return _finish(reminder, Reminder.State.FAILED, Reminder.Problem.REJECTED, str(error))
        return _retry(reminder, f"{type(error).__name__}: {error}", now)
    except smtplib.SMTPResponseException as error:
        if 500 <= error.smtp_code < 600:
            return _finish(reminder, Reminder.State.FAILED, Reminder.Problem.REJECTED, str(error))
        return _retry(reminder, str(error), now)
    except TRANSIENT_ERRORS as error:
        return _retry(reminder, f"{type(error).__name__}: {error}", now)
    except Exception as error:
        # Anything else (a name server that did not answer, a template that does not render)
        # is retried and counted like a transient error: raising here would end the run and
        # leave the rest of the batch "sending" until recover_stale, and this row would be
        # tried again every ten minutes without ever using up its attempts.
        log.exception("reminder %s: unexpected error", reminder.pk)
        return _retry(reminder, f"{type(error).__name__}: {error}", now)
    return _finish(reminder, Reminder.State.SENT, "", "")


_OWN_EVENT = re.compile(r"^event-(\d+)-(\d{4}-\d{2}-\d{2})$")
# An action item's reminders ("action-12") and escalations ("action-12-2026-10-15").
_ACTION_ITEM = re.compile(r"^action-(\d+)(?:-\d{4}-\d{2}-\d{2})?$")


def still_wanted(reminder: Reminder) -> bool:
    """Whether a reminder of an own event or an action item still stands, read again just
    before sending.

    The planner runs every 15 minutes; an event moved, archived or handed to someone else in
    between would otherwise be reminded of as it was. Derived items (evaluations, plans,
    routines) are left to the planner: their sources change seldom and far ahead."""
    action = _ACTION_ITEM.match(reminder.subject_key)
    if action is not None:
        return _action_item_still_open(reminder, int(action.group(1)))
    match = _OWN_EVENT.match(reminder.subject_key)
    if reminder.kind != Reminder.Kind.BEFORE or match is None or reminder.recipient_id is None:
        return True
    event = (
        Event.objects.active()
        .filter(
            pk=int(match.group(1)),
            organization_id=reminder.organization_id,
            ring__is_archived=False,
        )
        .first()
    )
    if event is None:
        return False
    day = date.fromisoformat(match.group(2))
    if day not in event.occurrences(day, day):
        return False
    if event.reminder_days is not None and reminder.offset_days not in event.reminder_days:
        return False
    return (
        event.responsible_id == reminder.recipient_id
        or event.participants.filter(pk=reminder.recipient_id).exists()
    )


def _action_item_still_open(reminder: Reminder, pk: int) -> bool:
    """An action item ticked off, dropped, moved or handed on since the planner's last run is
    not reminded of, nor escalated: the team may well close items between midnight and seven."""
    from reflections.models import ActionItem

    item = (
        ActionItem.objects.open()
        .filter(pk=pk, organization_id=reminder.organization_id, meeting__is_archived=False)
        .values("owner_id", "due_date")
        .first()
    )
    if item is None or item["due_date"] != reminder.starts_on:
        return False
    return reminder.kind != Reminder.Kind.BEFORE or item["owner_id"] == reminder.recipient_id


def _notify_in_app(reminder: Reminder) -> None:
    if reminder.recipient_id is None or reminder.kind == Reminder.Kind.DIGEST:
        return
    Notification.objects.get_or_create(
        reminder=reminder,
        defaults={
            "recipient_id": reminder.recipient_id,
            "organization_id": reminder.organization_id,
            "title": reminder.title,
            "text": reminder.about,
            "path": reminder.path,
        },
    )


def _finish(reminder: Reminder, state: str, problem: str, error: str) -> str:
    now = timezone.now()
    updated = Reminder.objects.filter(pk=reminder.pk, state=Reminder.State.SENDING).update(
        state=state,
        problem=problem,
        last_error=error[:2000],
        attempts=F("attempts") + 1,
        sent_at=now if state == Reminder.State.SENT else None,
        updated_at=now,
    )
    if not updated:
        log.warning("reminder %s finished by someone else", reminder.pk)
    return state


def _retry(reminder: Reminder, error: str, now: datetime | None) -> str:
    now = now or timezone.now()
    attempts = reminder.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        return _finish(reminder, Reminder.State.FAILED, Reminder.Problem.GAVE_UP, error)
    Reminder.objects.filter(pk=reminder.pk, state=Reminder.State.SENDING).update(
        state=Reminder.State.PENDING,
        attempts=attempts,
        next_attempt_at=now + FIRST_RETRY * 2 ** (attempts - 1),
        claimed_at=None,
        last_error=error[:2000],
        updated_at=now,
    )
    return Reminder.State.PENDING


def give_back(reminder_ids: list[int]) -> int:
    """Claimed rows this process will not try after all go back to waiting at once, rather
    than sitting "sending" until ``recover_stale`` takes them ten minutes later."""
    return Reminder.objects.filter(pk__in=reminder_ids, state=Reminder.State.SENDING).update(
        state=Reminder.State.PENDING, claimed_at=None, updated_at=timezone.now()
    )


def dispatch(now: datetime | None = None, *, budget: timedelta = timedelta(seconds=45)) -> int:
    """Claims and delivers due reminders until none are due or the time budget is spent
    (the next run carries on). Returns how many were delivered or settled.

    The budget is checked before each row, well inside the task's time limits, so a slow
    mail server makes the run stop early and hand the rest of its batch back."""
    started = timezone.now()
    recover_stale(now)
    handled = 0
    while timezone.now() - started < budget:
        claimed = claim(now)
        if not claimed:
            break
        for index, reminder_id in enumerate(claimed):
            if timezone.now() - started >= budget:
                give_back(claimed[index:])
                return handled
            try:
                deliver(reminder_id, now)
            except SoftTimeLimitExceeded:
                give_back(claimed[index:])
                raise
            handled += 1
    return handled
