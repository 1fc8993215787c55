"""The dates of an event's occurrences: plain functions on plain values, no database.

The preset rhythms (weekly, monthly, each term, yearly) are stepped here directly: parsing and
running a dateutil rule costs some 100 µs an event, which at a large municipality's 3,000 events
was most of the wheel's time. The steps give exactly what the preset's iCalendar rule
(``PRESET_RULES`` in yearwheel/models.py) gives under RFC 5545, which the calendar feeds send:
a monthly rule from the 31st skips the months without one, a yearly rule from 29 February
skips the years that are not leap years. Custom rules go to dateutil.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta

from dateutil import rrule as dateutil_rrule

# Months between two occurrences of each monthly preset (the keys are Recurrence values).
MONTH_STEPS = {"monthly": 1, "term": 6, "yearly": 12}
WEEKLY = "weekly"


def _weekly(first: date, since: date, last: date) -> list[date]:
    if since > first:
        first += timedelta(days=-((first - since).days // 7) * 7)  # the first on or after since
    days = (last - first).days
    if days < 0:
        return []
    week = timedelta(days=7)
    return [first + week * n for n in range(days // 7 + 1)]


def _monthly(first: date, step: int, since: date, last: date) -> list[date]:
    months = (since.year - first.year) * 12 + since.month - first.month
    n = max(months // step, 0)  # the step of since's month or the one before: none is missed
    found: list[date] = []
    while True:
        index = first.month - 1 + n * step
        year, month = first.year + index // 12, index % 12 + 1
        if year > last.year or (year == last.year and month > last.month):
            return found
        if first.day <= calendar.monthrange(year, month)[1]:  # RFC 5545: no such day, no date
            day = date(year, month, first.day)
            if since <= day <= last:
                found.append(day)
        n += 1


def preset_dates(recurrence: str, first: date, since: date, last: date) -> list[date] | None:
    """The dates from ``first`` on a preset rhythm between ``since`` and ``last`` inclusive;
    ``None`` for a rhythm that is not a preset (a custom rule)."""
    if recurrence == WEEKLY:
        return _weekly(first, max(since, first), last)
    step = MONTH_STEPS.get(recurrence)
    if step is None:
        return None
    return _monthly(first, step, max(since, first), last)


def occurrence_dates(
    *,
    first: date,
    duration_days: int,
    recurrence: str,
    until: date | None,
    exceptions: Iterable[str],
    start: date,
    end: date,
    rule: Callable[[], dateutil_rrule.rrule],
) -> list[date]:
    """The first days of a recurring event's occurrences that overlap ``start``–``end``
    (inclusive), without the exception dates. ``rule`` makes the dateutil rule when the
    rhythm is not a preset."""
    # An occurrence that began before the period may still be going on in it.
    since = start - timedelta(days=duration_days)
    last = min(end, until) if until else end
    found = preset_dates(recurrence, first, since, last)
    if found is None:
        moments = rule().between(
            datetime.combine(since, time.min), datetime.combine(end, time.min), inc=True
        )
        found = [moment.date() for moment in moments]
    if exceptions:
        skipped = {date.fromisoformat(value) for value in exceptions}
        found = [day for day in found if day not in skipped]
    return found
