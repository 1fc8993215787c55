"""An iCalendar recurrence rule (RRULE) in plain words, in the active language:
``FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270615`` reads "hver andre tirsdag til 15. juni"
(nb), "kvar andre tysdag til 15. juni" (nn) or "every other Tuesday until 15 June" (en).

People read rules on the import preview, the event page, the event form and the agenda; a raw
rule means nothing to most of them. The presets (``PRESET_RULES``) are rules too, so they read
the same way. A part we do not put into words (BYSETPOS, BYWEEKNO, BYYEARDAY, hours…) makes
the whole rule fall back to a general phrase for its frequency: a half-true sentence is worse
than a vague one, and the raw text is never shown.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY_ITEM = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
# Parts that narrow or shift a rule in ways we describe; WKST only matters for which week
# a day belongs to, which the words do not tell anyway.
_KNOWN_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL", "WKST"}
_UNTIL = re.compile(r"^(\d{4})(\d{2})(\d{2})")


class _Unsaid(Exception):
    """The rule holds something we do not put into words."""


def _weekday(code: str) -> str:
    names = {
        "MO": _("Monday"),
        "TU": _("Tuesday"),
        "WE": _("Wednesday"),
        "TH": _("Thursday"),
        "FR": _("Friday"),
        "SA": _("Saturday"),
        "SU": _("Sunday"),
    }
    return names[code]


def _listed(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) == 1:
        return items[0]
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _positioned(position: int, weekday: str) -> str:
    """The n-th (or last) weekday of a month or a year."""
    phrases = {
        1: _("first %(weekday)s"),
        2: _("second %(weekday)s"),
        3: _("third %(weekday)s"),
        4: _("fourth %(weekday)s"),
        5: _("fifth %(weekday)s"),
        -1: _("last %(weekday)s"),
        -2: _("second to last %(weekday)s"),
    }
    if position not in phrases:
        raise _Unsaid
    return phrases[position] % {"weekday": weekday}


def _parts(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for piece in rule.strip().removeprefix("RRULE:").split(";"):
        if not piece:
            continue
        name, sep, value = piece.partition("=")
        name = name.strip().upper()
        if not sep or not value or name in parts:
            raise _Unsaid
        parts[name] = value.strip().upper()
    return parts


def _numbers(value: str, low: int, high: int) -> list[int]:
    try:
        numbers = [int(item) for item in value.split(",")]
    except ValueError as error:
        raise _Unsaid from error
    if not numbers or any(not (low <= abs(n) <= high) for n in numbers):
        raise _Unsaid
    return numbers


def _days(value: str) -> list[tuple[int | None, str]]:
    days = []
    for item in value.split(","):
        match = _BYDAY_ITEM.match(item.strip())
        if not match:
            raise _Unsaid
        days.append((int(match.group(1)) if match.group(1) else None, match.group(2)))
    return days


def _weekday_list(codes: list[str], *, interval: int = 1) -> str:
    ordered = sorted(set(codes), key=_WEEKDAY_CODES.index)
    # "Every other weekday" would read as every second working day: said for weekly only.
    if ordered == ["MO", "TU", "WE", "TH", "FR"] and interval == 1:
        return _("weekday (Monday to Friday)")
    return _listed([_weekday(code) for code in ordered])


def _weekly(interval: int, days: str) -> str:
    if interval == 1:
        return _("every %(days)s") % {"days": days}
    if interval == 2:
        return _("every other %(days)s") % {"days": days}
    return _("every %(count)s weeks on %(days)s") % {"count": interval, "days": days}


def _every(freq: str, interval: int) -> str:
    """ "every week", "every other month", "every 3 years"…, without days."""
    if freq == "DAILY":
        phrases = (_("every day"), _("every other day"), _("every %(count)s days"))
    elif freq == "WEEKLY":
        phrases = (_("every week"), _("every other week"), _("every %(count)s weeks"))
    elif freq == "MONTHLY":
        phrases = (_("every month"), _("every other month"), _("every %(count)s months"))
    else:
        phrases = (_("every year"), _("every other year"), _("every %(count)s years"))
    if interval == 1:
        return phrases[0]
    if interval == 2:
        return phrases[1]
    return phrases[2] % {"count": interval}


def _in_month(interval: int) -> str:
    if interval == 1:
        return _("of the month")
    if interval == 2:
        return _("of every other month")
    return _("of every %(count)s months") % {"count": interval}


def _month_days(numbers: list[int]) -> str:
    if numbers == [-1]:
        return _("on the last day")
    if any(n < 0 for n in numbers):
        raise _Unsaid
    if len(numbers) == 1:
        return _("on day %(day)s") % {"day": numbers[0]}
    return _("on days %(days)s") % {"days": _listed([str(n) for n in sorted(set(numbers))])}


def _which_days(parts: dict[str, str], start: date | None) -> str:
    """The days within a month: positioned weekdays, plain weekdays or days of the month;
    the start's day of the month when the rule names none."""
    if "BYDAY" in parts and "BYMONTHDAY" in parts:
        raise _Unsaid
    if "BYDAY" in parts:
        days = _days(parts["BYDAY"])
        if all(position is None for position, _code in days):
            return _("every %(days)s") % {"days": _weekday_list([code for _p, code in days])}
        if any(position is None for position, _code in days):
            raise _Unsaid
        return _listed([_positioned(p or 0, _weekday(code)) for p, code in days])
    if "BYMONTHDAY" in parts:
        return _month_days(_numbers(parts["BYMONTHDAY"], 1, 31))
    if start is not None:
        return _month_days([start.day])
    return ""


def _month_names(parts: dict[str, str]) -> str:
    return _listed([str(MONTHS[n]) for n in sorted(set(_numbers(parts["BYMONTH"], 1, 12)))])


def _core(parts: dict[str, str], start: date | None) -> str:
    freq = parts.get("FREQ", "")
    interval_text = parts.get("INTERVAL", "1")
    if not interval_text.isdigit() or int(interval_text) < 1:
        raise _Unsaid
    interval = int(interval_text)
    if freq in ("DAILY", "WEEKLY"):
        if "BYMONTHDAY" in parts:
            raise _Unsaid
        if "BYDAY" in parts:
            days = _days(parts["BYDAY"])
            if any(position is not None for position, _code in days):
                raise _Unsaid
            if freq == "DAILY" and interval != 1:
                raise _Unsaid
            codes = [code for _p, code in days]
            text = _weekly(interval, _weekday_list(codes, interval=interval))
        elif freq == "WEEKLY" and start is not None:
            text = _weekly(interval, _weekday(_WEEKDAY_CODES[start.weekday()]))
        else:
            text = _every(freq, interval)
    elif freq == "MONTHLY":
        which = _which_days(parts, start)
        if which:
            text = _("%(which)s %(period)s") % {"which": which, "period": _in_month(interval)}
        else:
            text = _every(freq, interval)
    elif freq == "YEARLY":
        return _yearly(parts, start, interval)
    else:
        raise _Unsaid
    if "BYMONTH" in parts:
        text = _("%(rule)s, only in %(months)s") % {"rule": text, "months": _month_names(parts)}
    return text


def _yearly(parts: dict[str, str], start: date | None, interval: int) -> str:
    period = _every("YEARLY", interval)
    if "BYMONTH" not in parts:
        if "BYDAY" in parts or "BYMONTHDAY" in parts:
            raise _Unsaid  # days of the year without months: rare, and easily misread
        if start is None:
            return period
        day = date_format(start, "MONTH_DAY_FORMAT")
        return _("%(period)s on %(date)s") % {"period": period, "date": day}
    months = _numbers(parts["BYMONTH"], 1, 12)
    day_numbers = _numbers(parts["BYMONTHDAY"], 1, 31) if "BYMONTHDAY" in parts else None
    if len(set(months)) == 1 and day_numbers and len(day_numbers) == 1 and day_numbers[0] > 0:
        # 2000 is a leap year: 29 February is a day of the month there.
        day = date_format(date(2000, months[0], day_numbers[0]), "MONTH_DAY_FORMAT")
        return _("%(period)s on %(date)s") % {"period": period, "date": day}
    which = _which_days(parts, start)
    if not which:
        return _("in %(months)s %(period)s") % {"months": _month_names(parts), "period": period}
    return _("%(which)s in %(months)s %(period)s") % {
        "which": which,
        "months": _month_names(parts),
        "period": period,
    }


def _general(freq: str) -> str:
    phrases = {
        "DAILY": _("on certain days"),
        "WEEKLY": _("on certain days of the week"),
        "MONTHLY": _("on certain days of the month"),
        "YEARLY": _("on certain days of the year"),
    }
    return phrases.get(freq, _("repeats by its own rule"))


def _until_day(value: str) -> date:
    match = _UNTIL.match(value)
    if not match:
        raise _Unsaid
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError as error:
        raise _Unsaid from error


def _ending(parts: dict[str, str], start: date | None, text: str) -> str:
    if "COUNT" in parts and "UNTIL" in parts:
        raise _Unsaid
    if "COUNT" in parts:
        if not parts["COUNT"].isdigit() or int(parts["COUNT"]) < 1:
            raise _Unsaid
        count = int(parts["COUNT"])
        return ngettext("%(rule)s, %(count)s time", "%(rule)s, %(count)s times", count) % {
            "rule": text,
            "count": count,
        }
    if "UNTIL" in parts:
        until = _until_day(parts["UNTIL"])
        # The year is left out when the series ends in the year it starts, as people say it.
        same_year = start is not None and start.year == until.year
        day = date_format(until, "MONTH_DAY_FORMAT" if same_year else "DATE_FORMAT")
        return _("%(rule)s until %(date)s") % {"rule": text, "date": day}
    return text


def describe_rule(rule: str, start: date | None = None) -> str:
    """The rule in plain words in the active language ('' for no rule). ``start`` is the
    first date of the series: a weekly rule without days repeats on its weekday."""
    if not rule or not rule.strip():
        return ""
    return _describe(rule.strip(), start, get_language() or "")


@lru_cache(maxsize=2048)
def _describe(rule: str, start: date | None, language: str) -> str:
    # ``language`` is part of the cache key only: the words come from the active language.
    try:
        parts = _parts(rule)
    except _Unsaid:
        return _general("")
    freq = parts.get("FREQ", "")
    try:
        if set(parts) - _KNOWN_PARTS:
            raise _Unsaid
        text = _core(parts, start)
    except _Unsaid:
        text = _general(freq)
    try:
        return _ending(parts, start, text)
    except _Unsaid:
        return text
