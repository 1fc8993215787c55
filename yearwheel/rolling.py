"""The rolling wheel: next planning year's wheel is there before anyone asks for it.

Routines, recurring events, planned activities and evaluation due dates run on into the next
planning year, but the wheel pages resolve a ``Wheel`` row, so without one next year's
occurrences could not be seen. ``yearwheel.tasks.roll_wheels`` (hourly, from the beat
schedule) finds the active organisations whose current wheel has no successor, or whose
successor the system made still lacks the planning cycle the current wheel uses, and
rolls each on with ``yearwheel.services.wheel_roll_on``. Making or changing the current wheel
does the same at once (``wheel_create``, ``planning_cycle_apply``), so this is the safety
net for the turn of the year and for wheels made before the rolling wheel existed.

Reminders do not depend on it: the planner expands every source for its window whether or
not a wheel covers the dates (notifications/planning.py).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils import timezone

from organizations.models import Organization
from yearwheel.models import LAST_YEAR, Wheel
from yearwheel.services import current_of, wheel_roll_on


def organizations_to_roll(today: date) -> list[int]:
    """The ids of the active organisations with work to do: one query, however many
    organisations there are."""
    wheels: dict[int, list[Wheel]] = defaultdict(list)
    # A current wheel began this calendar year or the one before; its successor the next.
    rows = Wheel.objects.filter(
        organization__is_active=True, year__gte=today.year - 1, year__lte=today.year + 1
    ).only("organization_id", "year", "start_month", "uses_planning_cycle", "made_automatically")
    for wheel in rows:
        wheels[wheel.organization_id].append(wheel)
    due = []
    for organization_id, found in sorted(wheels.items()):
        current = current_of(found, today)
        if current is None or current.year >= LAST_YEAR:
            continue
        following = next((wheel for wheel in found if wheel.year == current.year + 1), None)
        if following is None or (
            current.uses_planning_cycle
            and following.made_automatically
            and not following.uses_planning_cycle
        ):
            due.append(organization_id)
    return due


def roll_all(today: date | None = None) -> int:
    """Rolls every organisation on that needs it; returns how many wheels were made or
    completed. Safe to run at any time, twice at once, as often as wanted."""
    today = today or timezone.localdate()
    done = 0
    for organization in Organization.objects.filter(pk__in=organizations_to_roll(today)):
        if wheel_roll_on(organization=organization, today=today) is not None:
            done += 1
    return done
