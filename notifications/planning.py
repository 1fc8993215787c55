"""The planner: upcoming occurrences become reminder rows, once.

Run periodically (``notifications.tasks.plan_reminders``). For each active organisation it
expands the occurrences of the next ``WINDOW_DAYS`` days (``yearwheel.occurrences``, the same
source as the wheel), works out who is reminded and when, and

- creates the rows that are missing (``bulk_create(ignore_conflicts=True)`` on the unique
  ``key``: planning twice, or two planners at once, create nothing twice);
- refreshes what pending rows say when their source changed (a new title or place);
- cancels pending rows whose occurrence moved away, was archived, or lost the person, and the
  digest of a weekday no longer chosen (a row already past the cut-off is left to the
  dispatcher, which marks it missed), and the rows recording a gap once it is closed
  (someone was made responsible, the person is active again);
- revives cancelled rows that are wanted again (the event moved back or was restored, the
  person was added again): the key is unique, so a new row could never be made for them.

Only what changed costs: a re-plan with nothing new reads the window's rows as plain values and
writes nothing (see ``_store``), so running it every 15 minutes is cheap.

A reminder is due at ``SEND_AT`` (Oslo time) on the day ``offset_days`` before the occurrence.
Rows that would already be past the dispatcher's missed cut-off are not planned at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from notifications.escalations import plan_action_escalations, plan_escalations
from notifications.models import Reminder
from notifications.planned import MISSED_AFTER, People, Planned, due_at
from organizations.models import Organization
from yearwheel.models import Event
from yearwheel.occurrences import Occurrence, occurrences_between

WINDOW_DAYS = 62  # longer than the longest offset a person may choose (60 days)
DIGEST_DAYS = 14

# Fields a re-plan refreshes on pending rows (what the email will say, and when). The start
# changes only for occurrences whose key has no date (a learning meeting, an action item):
# moved, they keep their rows.
REFRESHED = (
    "title",
    "starts_on",
    "ends_on",
    "start_time",
    "end_time",
    "place",
    "about",
    "path",
    "kind_of_item",
    "due_at",
)
# Kinds whose pending rows a re-plan refreshes and cancels: escalations are about the past and
# stay as planned. (A digest on a weekday no longer chosen is cancelled.)
REPLANNED = (Reminder.Kind.BEFORE, Reminder.Kind.DIGEST)
# Ids a statement names at most (SQLite allows 999 parameters by default).
CHUNK = 500
# The keys of the rows that record a gap (nobody to remind, or the person is no longer an
# active member): failed from the start, cancelled by a re-plan once the gap is closed.
GAPS = (":nobody", ":inactive")


def _participants(occurrences: list[Occurrence]) -> dict[int, list[int]]:
    """The participants of the own events among the occurrences: one query. (Derived
    occurrences with participants, learning meetings, bring them along.)"""
    event_ids = {o.event_id for o in occurrences if o.event_id}
    found: dict[int, list[int]] = defaultdict(list)
    if event_ids:
        links = Event.participants.through.objects.filter(event_id__in=event_ids)
        for event_id, user_id in links.values_list("event_id", "user_id").order_by("user_id"):
            found[event_id].append(user_id)
    return found


def _event_offsets(occurrences: list[Occurrence]) -> dict[int, list[int]]:
    """Events that set their own reminder days: one query."""
    event_ids = {o.event_id for o in occurrences if o.event_id}
    if not event_ids:
        return {}
    rows = Event.objects.filter(pk__in=event_ids, reminder_days__isnull=False)
    return {pk: list(days or []) for pk, days in rows.values_list("pk", "reminder_days")}


def plan_occurrence(
    occurrence: Occurrence,
    people: People,
    participants: list[int],
    event_offsets: list[int] | None,
    now: datetime,
) -> Iterator[Planned]:
    """The reminder rows of one occurrence: one per person and offset, or one row saying
    nobody could be reminded."""
    base: dict[str, Any] = {
        "kind": Reminder.Kind.BEFORE,
        "subject_key": occurrence.key,
        "title": occurrence.title,
        "starts_on": occurrence.start,
        "ends_on": occurrence.end,
        "start_time": occurrence.start_time,
        "end_time": occurrence.end_time,
        "place": occurrence.place,
        "about": occurrence.measure_name or occurrence.program_name,
        "path": occurrence.url,
        "kind_of_item": occurrence.kind,
    }
    wanted = [occurrence.responsible_id, *participants]
    recipients = list(dict.fromkeys(pk for pk in wanted if pk))
    if not recipients:
        yield Planned(
            key=f"{occurrence.key}:nobody",
            recipient_id=None,
            offset_days=0,
            due_at=due_at(occurrence.start),
            state=Reminder.State.FAILED,
            problem=Reminder.Problem.NO_RECIPIENT,
            **base,
        )
        return
    for recipient_id in recipients:
        person = people.members.get(recipient_id)
        if person is None or not person.is_active:
            yield Planned(
                key=f"{occurrence.key}:{recipient_id}:inactive",
                recipient_id=recipient_id,
                offset_days=0,
                due_at=due_at(occurrence.start),
                state=Reminder.State.FAILED,
                problem=Reminder.Problem.INACTIVE,
                **base,
            )
            continue
        offsets = event_offsets if event_offsets is not None else person.reminder_days or []
        for offset in sorted({int(day) for day in offsets}):
            when = due_at(occurrence.start - timedelta(days=offset))
            if when + MISSED_AFTER < now:
                continue  # planned too late to be of use (the event was made last minute)
            yield Planned(
                key=f"{occurrence.key}:{recipient_id}:{offset}",
                recipient_id=recipient_id,
                offset_days=offset,
                due_at=when,
                **base,
            )


def plan_digests(
    organization: Organization, people: People, today: date, now: datetime
) -> Iterator[Planned]:
    """The weekly digest of each member who chose a weekday: the next such day."""
    for user in people.members.values():
        if user.digest_weekday is None or not user.is_active:
            continue
        day = today + timedelta(days=(user.digest_weekday - today.weekday()) % 7)
        if due_at(day) + MISSED_AFTER < now:
            day += timedelta(days=7)
        yield Planned(
            key=f"digest:{organization.pk}:{user.pk}:{day.isoformat()}",
            kind=Reminder.Kind.DIGEST,
            subject_key="digest",
            recipient_id=user.pk,
            offset_days=0,
            due_at=due_at(day),
            title="",
            starts_on=day,
            ends_on=day + timedelta(days=DIGEST_DAYS),
            start_time=None,
            place="",
            about="",
            path="",
            kind_of_item="",
        )


@dataclass
class PlanResult:
    created: int = 0
    refreshed: int = 0
    cancelled: int = 0
    revived: int = 0  # cancelled rows wanted again (an event moved back, a person re-added)


def plan_organization(organization: Organization, now: datetime | None = None) -> PlanResult:
    """Plans the organisation's reminders for the window from today. Safe to run at any time,
    as often as wanted, by several processes at once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    end = today + timedelta(days=WINDOW_DAYS)
    occurrences = occurrences_between(organization, today, end)
    people = People.of(organization)
    participants = _participants(occurrences)
    event_offsets = _event_offsets(occurrences)
    wanted: dict[str, Planned] = {}
    for occurrence in occurrences:
        if occurrence.start < today:
            continue  # already begun: its reminders were due before today
        for planned in plan_occurrence(
            occurrence,
            people,
            [*participants.get(occurrence.event_id or 0, []), *occurrence.participant_ids],
            event_offsets.get(occurrence.event_id or 0),
            now,
        ):
            wanted[planned.key] = planned
    for planned in (
        *plan_escalations(organization, people, today, now),
        *plan_action_escalations(organization, people, today, now),
        *plan_digests(organization, people, today, now),
    ):
        wanted[planned.key] = planned
    return _store(organization, wanted, today, end, now)


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for at in range(0, len(items), CHUNK):
        yield items[at : at + CHUNK]


def _store(
    organization: Organization,
    wanted: dict[str, Planned],
    today: date,
    end: date,
    now: datetime,
) -> PlanResult:
    """Makes the rows match ``wanted``. The cost grows with what changed, not with the size
    of the plan: the window's rows are read as plain values (no model instances), only keys
    not stored yet are inserted, and rows are updated with one statement per distinct change
    (a renamed event: one statement for all its rows)."""
    result = PlanResult()
    with transaction.atomic():
        existing: set[str] = set()
        # Rows a re-plan may still change: pending ones, the planned gaps (failed from the
        # start: resolved when someone is chosen), and cancelled ones (wanted again when the
        # event moves back, is restored, or the person is added again).
        open_rows: dict[str, tuple[int, str, tuple[Any, ...]]] = {}
        window = Reminder.objects.filter(
            organization=organization, starts_on__gte=today, starts_on__lte=end
        ).values_list("pk", "key", "state", "kind", *REFRESHED)
        for pk, key, state, kind, *values in window:
            existing.add(key)
            if kind in REPLANNED and (
                state in (Reminder.State.PENDING, Reminder.State.CANCELLED)
                or (state == Reminder.State.FAILED and key.endswith(GAPS))
            ):
                open_rows[key] = (pk, state, tuple(values))
        # Escalations are about a due date before today: looked up by key.
        outside = [key for key, planned in wanted.items() if not today <= planned.starts_on <= end]
        for keys in _chunks(outside):
            existing.update(Reminder.objects.filter(key__in=keys).values_list("key", flat=True))

        missing = [
            planned.row(organization) for key, planned in wanted.items() if key not in existing
        ]
        # ignore_conflicts: a planner running at the same time may have inserted some.
        Reminder.objects.bulk_create(missing, ignore_conflicts=True, batch_size=1000)
        result.created = len(missing)

        # Grouped by the row's state and the change: one statement for all the rows of a
        # renamed event.
        changes: dict[tuple[str, tuple[tuple[str, Any], ...]], list[int]] = defaultdict(list)
        for key, (pk, state, stored) in open_rows.items():
            planned = wanted.get(key)
            if planned is None:
                continue
            change = tuple(
                (name, new)
                for name, old, new in zip(REFRESHED, stored, planned.refreshed(), strict=True)
                if old != new
            )
            if state == Reminder.State.CANCELLED:
                change += (("state", planned.state),)
            if change:
                changes[state, change].append(pk)
        stamp = timezone.now()
        for (state, change), pks in changes.items():
            for chunk in _chunks(pks):
                # Conditional: a row the dispatcher claimed meanwhile is no longer pending and
                # keeps what it was sent with.
                updated = Reminder.objects.filter(pk__in=chunk, state=state).update(
                    **dict(change), updated_at=stamp
                )
                if state == Reminder.State.CANCELLED:
                    result.revived += updated
                else:
                    result.refreshed += updated

        # A pending row past the dispatcher's cut-off is not cancelled even when it is no
        # longer wanted (the planner stops wanting rows that late): it was missed, and the
        # dispatcher says so.
        due_at_index = REFRESHED.index("due_at")
        gone: dict[str, list[int]] = defaultdict(list)
        for key, (pk, state, stored) in open_rows.items():
            if (
                state != Reminder.State.CANCELLED
                and key not in wanted
                and stored[due_at_index] + MISSED_AFTER >= now
            ):
                gone[state].append(pk)
        for state, pks in gone.items():
            for chunk in _chunks(pks):
                result.cancelled += Reminder.objects.filter(pk__in=chunk, state=state).update(
                    state=Reminder.State.CANCELLED, updated_at=stamp
                )
    return result


def plan_all(now: datetime | None = None) -> dict[int, PlanResult]:
    return {
        organization.pk: plan_organization(organization, now)
        for organization in active_organizations()
    }


def active_organizations() -> Iterable[Organization]:
    return Organization.objects.filter(is_active=True).order_by("pk")
