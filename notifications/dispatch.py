"""The dispatcher: due reminder rows and outbox emails are claimed, sent and their outcome
recorded. One task runs both (``notifications.tasks.dispatch_reminders``, every minute).

1. ``claim`` takes up to ``BATCH`` due rows in a short transaction with
   ``select_for_update(skip_locked=True)`` under a lease (``outbox.leases``): two dispatchers
   never take the same row, and the rows of a worker that died are taken over once its lease
   has run out (``DISPATCH_LEASE_SECONDS``, a minute by default). Rows too far past due are
   marked *missed* instead (sent late never).
   An escalation brings along the same person's other escalations due that day
   (``notifications.grouping``): they go out as one message.
2. ``deliver`` renews the lease, sends one held row and records sent, failed (a permanent
   refusal, or transient errors past ``MAX_ATTEMPTS``), or a retry with exponential backoff.
   Every update is conditional on still holding the row's claim token.

The one window where a person can get a reminder twice: the mail server accepted it, and
the worker died (or stalled longer than the lease) before it recorded ``sent``. The
Message-ID is the same on every attempt, so mail systems that drop duplicates do.

Nothing here waits for the broker: the rows are the queue, so long delays never sit in a
task's ETA and a restarted broker loses nothing.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import date, datetime, timedelta

from django.utils import timezone

from notifications.models import Notification, Reminder
from notifications.planned import MISSED_AFTER
from outbox import dispatch as outbox_dispatch
from outbox import leases
from outbox.leases import FIRST_RETRY, MAX_ATTEMPTS, TRANSIENT_ERRORS, Claim, PermanentFailure
from yearwheel.models import Event

log = logging.getLogger(__name__)

__all__ = [
    "BATCH",
    "FIRST_RETRY",
    "MAX_ATTEMPTS",
    "TRANSIENT_ERRORS",
    "Claim",
    "PermanentFailure",
    "claim",
    "deliver",
    "dispatch",
    "give_back",
]

BATCH = 50


def claim(now: datetime | None = None, limit: int = BATCH) -> Claim:
    """Claims due rows for this process; returns the claim (ids and token) to deliver.

    Rows past the missed cut-off are settled on the way, however many there are: a batch of
    nothing but missed rows does not end the search, or a backlog (after the dispatcher was
    down) would end every run with rows still in time waiting behind it."""
    from notifications import grouping  # imports this module

    now = now or timezone.now()

    def settle(rows: list[Reminder]) -> list[int]:
        missed = [row.pk for row in rows if row.due_at + MISSED_AFTER < now]
        if missed:
            Reminder.objects.filter(pk__in=missed).update(
                state=Reminder.State.MISSED,
                problem=Reminder.Problem.TOO_LATE,
                claim_token=None,
                lease_until=None,
                updated_at=now,
            )
        return missed

    while True:
        batch, locked = leases.claim(
            Reminder.objects.filter(due_at__lte=now),
            now=now,
            limit=limit,
            order_by=("due_at", "pk"),
            settle=settle,
        )
        if batch.ids or locked < limit:
            return grouping.take_along(batch, now)


def deliver(reminder_id: int, token: uuid.UUID, now: datetime | None = None) -> str:
    """Sends one held reminder; returns the state it ended in."""
    from notifications import grouping  # imports this module
    from notifications.emails import check_recipient, send_reminder  # needs the app registry

    reminder = (
        leases.held(Reminder, token)
        .select_related("recipient", "organization")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None:
        return "gone"  # taken over by another dispatcher after this one's lease ran out
    if reminder.kind == Reminder.Kind.ESCALATION:
        return grouping.deliver_group(reminder, token, now)
    if not still_wanted(reminder):
        leases.finish(Reminder, reminder.pk, token, state=Reminder.State.CANCELLED)
        return Reminder.State.CANCELLED

    def send() -> None:
        # Checked first: a person who left the organisation gets neither email nor notice.
        check_recipient(reminder)
        _notify_in_app(reminder)
        send_reminder(reminder)

    outcome = leases.attempt(
        send, lambda message: log.exception("reminder %s: %s", reminder.pk, message)
    )
    if outcome.state == leases.PENDING:
        return leases.retry(Reminder, reminder, token, outcome.error, now)
    if not leases.finish(
        Reminder,
        reminder.pk,
        token,
        state=outcome.state,
        problem=outcome.problem,
        error=outcome.error,
    ):
        log.warning("reminder %s: lease lost before the outcome was recorded", reminder.pk)
    return outcome.state


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
    """Reminders before (escalations: ``notifications.grouping``; digests only by email)."""
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


def give_back(reminder_ids: list[int], token: uuid.UUID) -> int:
    """Held rows this process will not try after all go back to waiting at once, rather
    than waiting for their lease to run out."""
    return leases.give_back(Reminder, reminder_ids, token)


# The outbox first: a person is waiting for an invitation or a reset link; reminders are
# planned ahead.
QUEUES = (outbox_dispatch.QUEUE, leases.Queue(Reminder, claim, deliver))


def dispatch(now: datetime | None = None, *, budget: timedelta = timedelta(seconds=45)) -> int:
    """Claims and delivers due emails and reminders until none are due or the time budget
    is spent (the next run carries on). Returns how many were delivered or settled."""
    return leases.work_through(QUEUES, now, budget=budget)
