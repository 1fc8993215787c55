"""When a measure's next evaluation is due: plain functions on plain values, no database.

A measure is evaluated on a rhythm (see ``EvaluationCycle``). The rhythm gives a series of due
dates that starts at the cycle's first due date:

- monthly, quarterly, yearly: the first due date, then the same day every 1, 3 or 12 months
  (the 31st falls on the last day of shorter months, 29 February on 28 February);
- each school term: the end of each Norwegian school term, **20 June and 20 December**, from
  the first of these on or after the first due date (school years differ slightly between
  municipalities; these two dates sit in the last week of both terms everywhere);
- custom: an iCalendar RRULE (RFC 5545) with DTSTART = the first due date, so
  ``FREQ=MONTHLY;INTERVAL=2`` is every second month from the first due date. Only whole days
  count: rules that repeat more often than daily, or by hour, minute or second, are refused.

Which due date an evaluation answers: the one nearest to the end of its period. An evaluation
finished a few days early (18 December for a term ending 20 December) counts for that date, and
one finished late counts for the date it was late for, so the next evaluation is due on the
following date in the series. An evaluation ending before the first due date counts for it
only when it ends in the second half of the interval before it. Missed dates are not skipped:
when the team falls behind, the date they missed stays the next one, and lists flag it overdue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import MAXYEAR, date, datetime, time
from typing import Protocol

from dateutil.relativedelta import relativedelta
from dateutil.rrule import YEARLY, rrule, rrulestr
from django.utils.translation import gettext as _

MONTHLY = "monthly"
QUARTERLY = "quarterly"
TERM = "term"
YEARLY_RHYTHM = "yearly"
CUSTOM = "custom"

MONTHS_BETWEEN = {MONTHLY: 1, QUARTERLY: 3, YEARLY_RHYTHM: 12}
# The last days of the Norwegian school terms: (month, day) of the spring and autumn term.
TERM_ENDS = ((6, 20), (12, 20))

# A custom rule must give a due date within this many years after the first due date; it also
# bounds the work of checking rules that can never occur (30 February).
RULE_HORIZON_YEARS = 10
ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
ALLOWED_PARTS = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYDAY",
    "BYMONTHDAY",
    "BYMONTH",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYSETPOS",
    "WKST",
)
_PART = re.compile(r"^[A-Z]+=[A-Z0-9,+\-]+$")
_UNTIL = re.compile(r"^(\d{8})(T\d{6}Z?)?$")


class InvalidRule(ValueError):
    """A custom recurrence rule that cannot be used; ``str(error)`` is the message for the form."""


class Series(Protocol):
    """The due dates of one rhythm."""

    def after(self, day: date, *, inclusive: bool = False) -> date | None:
        """The first due date after ``day`` (or on it, when inclusive)."""

    def before(self, day: date, *, inclusive: bool = False) -> date | None:
        """The last due date before ``day`` (or on it, when inclusive)."""


@dataclass(frozen=True)
class MonthSteps:
    """The first due date, then every ``months`` months, counted from the first due date so
    that short months do not make the day drift (31 Jan, 28 Feb, 31 Mar)."""

    first: date
    months: int

    def nth(self, n: int) -> date:
        return self.first + relativedelta(months=self.months * n)

    def after(self, day: date, *, inclusive: bool = False) -> date | None:
        if day < self.first:
            return self.first
        elapsed = (day.year - self.first.year) * 12 + day.month - self.first.month
        n = max(elapsed // self.months - 1, 0)
        while self.nth(n) < day or (self.nth(n) == day and not inclusive):
            n += 1
        return self.nth(n)

    def before(self, day: date, *, inclusive: bool = False) -> date | None:
        following = self.after(day, inclusive=not inclusive)
        assert following is not None  # noqa: S101 - the series never ends
        if following == self.first:
            return None
        elapsed = (following.year - self.first.year) * 12 + following.month - self.first.month
        return self.nth(elapsed // self.months - 1)


@dataclass(frozen=True)
class RuleSteps:
    """Due dates from a dateutil rule whose occurrences fall at midnight."""

    rule: rrule

    def after(self, day: date, *, inclusive: bool = False) -> date | None:
        moment = datetime.combine(day, time.min if inclusive else time.max)
        found = self.rule.after(moment, inc=inclusive)
        return found.date() if found else None

    def before(self, day: date, *, inclusive: bool = False) -> date | None:
        moment = datetime.combine(day, time.max if inclusive else time.min)
        found = self.rule.before(moment, inc=inclusive)
        return found.date() if found else None


def normalize_rule(text: str) -> str:
    """The rule as stored: upper case, without an ``RRULE:`` prefix or spaces, UNTIL as a date."""
    text = re.sub(r"\s+", "", text).upper()
    text = text.removeprefix("RRULE:")
    parts = [part for part in text.split(";") if part]
    return ";".join(_date_only_until(part) for part in parts)


def _date_only_until(part: str) -> str:
    # Evaluations are due on days: an UNTIL with a time (and a UTC "Z") is cut to its date,
    # which also spares dateutil's refusal to mix a UTC UNTIL with a date without time zone.
    key, _sep, value = part.partition("=")
    if key == "UNTIL" and (match := _UNTIL.match(value)):
        return f"UNTIL={match.group(1)}"
    return part


def parse_rule(text: str, first_due: date) -> rrule:
    """The custom rule, checked; raises :class:`InvalidRule` with a message for the person."""
    text = normalize_rule(text)
    if not text:
        raise InvalidRule(_("Write a recurrence rule for a custom rhythm."))
    values: dict[str, str] = {}
    for part in text.split(";"):
        if not _PART.match(part):
            raise InvalidRule(
                _("“%(part)s” is not a part of a recurrence rule. Write it as NAME=VALUE.")
                % {"part": part}
            )
        key, value = part.split("=", 1)
        if key not in ALLOWED_PARTS:
            raise InvalidRule(
                _("%(part)s cannot be used: the rule repeats on whole days.") % {"part": key}
                if key in ("BYHOUR", "BYMINUTE", "BYSECOND")
                else _("%(part)s is not a recurrence rule part we know.") % {"part": key}
            )
        if key in values:
            raise InvalidRule(_("%(part)s is given twice.") % {"part": key})
        values[key] = value
    if "FREQ" not in values:
        raise InvalidRule(_("The rule needs a FREQ, for example FREQ=MONTHLY."))
    if values["FREQ"] not in ALLOWED_FREQUENCIES:
        raise InvalidRule(
            _("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY: the rule repeats on whole days.")
        )
    if "BYSETPOS" in values and values["FREQ"] == "DAILY":
        raise InvalidRule(_("BYSETPOS needs FREQ=WEEKLY, MONTHLY or YEARLY."))
    for key in ("INTERVAL", "COUNT"):
        if key in values and not (values[key].isdigit() and 0 < int(values[key]) <= 1000):
            raise InvalidRule(_("%(part)s must be a whole number from 1 to 1000.") % {"part": key})
    if "UNTIL" in values and not re.fullmatch(r"\d{8}", values["UNTIL"]):
        raise InvalidRule(_("Write UNTIL as a date, for example UNTIL=20271231."))
    if "COUNT" in values and "UNTIL" in values:
        raise InvalidRule(_("Give either COUNT or UNTIL, not both."))
    try:
        rule = rrulestr(text, dtstart=datetime.combine(first_due, time.min))
    except (ValueError, TypeError, OverflowError) as error:
        raise InvalidRule(
            _("The recurrence rule is not valid (%(reason)s).") % {"reason": error}
        ) from error
    if not isinstance(rule, rrule):  # pragma: no cover - one RRULE line gives one rule
        raise InvalidRule(_("Write a single recurrence rule."))
    if not _occurs_within_horizon(values, first_due):
        raise InvalidRule(
            _("The rule gives no date within %(years)s years of the first date.")
            % {"years": RULE_HORIZON_YEARS}
        )
    return rule


def _occurs_within_horizon(values: dict[str, str], first_due: date) -> bool:
    """Whether the rule gives a date within RULE_HORIZON_YEARS of the first due date.

    dateutil looks for a date that never comes (30 February) until the year 9999, which takes
    seconds for a daily rule. The Gregorian calendar repeats every 400 years (146 097 days,
    exactly 20 871 weeks), so the rule is tried moved on by a multiple of 400 years, close to
    9999: the search then ends after at most a few hundred years.
    """
    shift = 400 * ((MAXYEAR - RULE_HORIZON_YEARS - 1 - first_due.year) // 400)
    start = first_due.replace(year=first_due.year + shift)
    end = start + relativedelta(years=RULE_HORIZON_YEARS)
    if "UNTIL" in values:
        until = datetime.strptime(values["UNTIL"], "%Y%m%d").date()
        if until.year + shift <= MAXYEAR:
            end = min(end, until.replace(year=until.year + shift))
    probe = ";".join(
        f"{key}={value}" for key, value in values.items() if key not in ("COUNT", "UNTIL")
    )
    rule = rrulestr(probe, dtstart=datetime.combine(start, time.min))
    found = rule.after(datetime.combine(start, time.min), inc=True)
    return found is not None and found.date() <= end


def series(*, rhythm: str, first_due: date, rule: str = "") -> Series:
    """The due dates of a rhythm; raises :class:`InvalidRule` for a bad custom rule."""
    if rhythm in MONTHS_BETWEEN:
        return MonthSteps(first_due, MONTHS_BETWEEN[rhythm])
    if rhythm == TERM:
        months = tuple(month for month, _day in TERM_ENDS)
        days = tuple(sorted({day for _month, day in TERM_ENDS}))
        start = datetime.combine(first_due, time.min)
        return RuleSteps(rrule(YEARLY, bymonth=months, bymonthday=days, dtstart=start))
    if rhythm == CUSTOM:
        return RuleSteps(parse_rule(rule, first_due))
    raise ValueError(f"unknown rhythm {rhythm!r}")


def next_due(
    *, rhythm: str, first_due: date, rule: str = "", last_evaluated: date | None
) -> date | None:
    """The next due date, given the end of the latest evaluation's period (None if none yet).

    None when the series has ended (a custom rule with COUNT or UNTIL) and every date in it
    has been answered. See the module docstring for which date an evaluation answers.
    """
    dates = series(rhythm=rhythm, first_due=first_due, rule=rule)
    first = dates.after(first_due, inclusive=True)
    if first is None or last_evaluated is None:
        return first
    answered = answered_date(dates, first, last_evaluated)
    if answered is None:
        return first
    return dates.after(answered)


def answered_date(dates: Series, first: date, end: date) -> date | None:
    """The due date an evaluation whose period ends on ``end`` answers, if any."""
    previous = dates.before(end, inclusive=True)
    following = dates.after(end)
    if previous is None:
        # Before the first due date: it counts when it ends within half the interval before it
        # (the interval after it stands in for the one before, which the series lacks).
        second = dates.after(first)
        if second is None or (first - end) * 2 <= second - first:
            return first
        return None
    if following is not None and following - end <= end - previous:
        return following
    return previous


def upcoming(
    *,
    rhythm: str,
    first_due: date,
    rule: str = "",
    start: date,
    count: int = 3,
    last: date | None = None,
) -> list[date]:
    """The first ``count`` due dates from ``start`` up to ``last`` (when given; both days
    included), to show people what they chose."""
    dates = series(rhythm=rhythm, first_due=first_due, rule=rule)
    return list(_take(dates, start, count, last))


def _take(dates: Series, start: date, count: int, last: date | None) -> Iterator[date]:
    day: date | None = dates.after(start, inclusive=True)
    for _index in range(count):
        if day is None or (last is not None and day > last):
            return
        yield day
        day = dates.after(day)
