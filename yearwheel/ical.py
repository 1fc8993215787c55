"""The wheel as iCalendar (RFC 5545): the .ics download of a wheel and the personal feed.

Own events are exported as they are stored: one VEVENT per event, recurring ones with their
RRULE and EXDATEs, so the calendar program expands them with the same rule the wheel uses.
Derived occurrences (evaluation due dates, planned activities, routines, learning meetings and
action items; yearwheel/sources.py) have no rule of their own to export: each occurrence becomes
a VEVENT of its own, all day unless it has times (learning meetings).

UIDs never change: ``event-<pk>@<host>`` for own events and ``<occurrence key>@<host>`` for
derived ones, the host taken from ``settings.SITE_URL``. A calendar program that fetches the
file again updates the entries it already has instead of adding copies.

Timed events are written in local Oslo time with ``TZID=Europe/Oslo``, so a weekly meeting at
09:00 stays at 09:00 across the change to and from daylight saving time. The VTIMEZONE is
written out with the EU rules (last Sunday of March and of October, in force in Norway since
1996) rather than as a list of dates: it is short and holds for every year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from yearwheel.models import Event, Kind
from yearwheel.occurrences import Occurrence

TZID = "Europe/Oslo"
OSLO = ZoneInfo(TZID)
PRODID = "-//Tiltakshjulet//NONSGML Tiltakshjulet//NB"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# A reminder setting (User.reminder_days) is used only within these bounds.
MAX_REMINDER_DAYS = 60
MAX_REMINDERS = 5
TIMED_EVENT_DEFAULT_LENGTH = timedelta(hours=1)
ORIGINAL_DESCRIPTION = "X-TILTAKSHJULET-DESCRIPTION"


def site_host() -> str:
    """The host name in every UID: the site's, so UIDs are the same on every export."""
    return urlsplit(settings.SITE_URL).hostname or "tiltakshjulet"


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def usable_reminder_days(value: object) -> list[int]:
    """The person's reminder days as alarms can use them: whole numbers 0–60, at most five,
    each once, largest first. Anything else in the stored value is left out."""
    if not isinstance(value, list):
        return []
    days = {
        day
        for day in value
        if isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= MAX_REMINDER_DAYS
    }
    return sorted(days, reverse=True)[:MAX_REMINDERS]


def oslo_timezone() -> icalendar.Timezone:
    """The VTIMEZONE of Europe/Oslo with the EU daylight saving rules."""
    zone = icalendar.Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    daylight = icalendar.TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    standard = icalendar.TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    zone.add_component(daylight)
    zone.add_component(standard)
    return zone


@dataclass
class Calendar:
    """A calendar being written: its head (properties and the VTIMEZONE, made once with
    ``icalendar``) and its entries as finished text.

    The entries are written as text directly rather than as ``icalendar`` objects: a feed of
    3,000 events took 13 s through the object graph (property objects, parameter dicts,
    folding per line) and takes a small fraction of that this way (docs/caching.md)."""

    head: icalendar.Calendar
    entries: list[str] = field(default_factory=list)


def new_calendar(name: str, *, description: str = "", refresh: timedelta | None = None) -> Calendar:
    """An empty VCALENDAR with its name and the Oslo VTIMEZONE. ``refresh`` tells calendar
    programs how often to fetch a subscribed feed again."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    if description:
        calendar.add("x-wr-caldesc", description)
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(refresh))
    calendar.add_component(oslo_timezone())
    return Calendar(head=calendar)


_END = b"END:VCALENDAR\r\n"


def to_bytes(calendar: Calendar) -> bytes:
    """The calendar as UTF-8 text with CRLF line ends, folded at 75 octets."""
    head: bytes = calendar.head.to_ical()
    assert head.endswith(_END)  # noqa: S101 - icalendar always ends the calendar so
    body = "".join(calendar.entries).encode()
    return b"".join((head[: -len(_END)], body, _END))


# --- writing content lines (RFC 5545, section 3.1) -------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})


def text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, each line end as ``\\n``."""
    return value.replace("\r\n", "\n").replace("\r", "\n").translate(_ESCAPES)


def _raw(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line with its CRLF, folded so that no line is over 75 octets; a fold
    never splits a character's UTF-8 bytes or an escape (``\\,``)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line + "\r\n"
    pieces: list[bytes] = []
    start, room = 0, 75
    while len(encoded) - start > room:
        cut = start + room
        # Back off to the start of a character (continuation bytes are 0b10xxxxxx) ...
        while encoded[cut] & 0xC0 == 0x80:
            cut -= 1
        # ... and keep an escape's backslash with what it escapes.
        if encoded[cut - 1] == 0x5C and cut - 1 > start:
            cut -= 1
        pieces.append(encoded[start:cut])
        start, room = cut, 74  # a continuation line begins with a space
    pieces.append(encoded[start:])
    return b"\r\n ".join(pieces).decode() + "\r\n"


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _date_value(name: str, day: date) -> str:
    return f"{name};VALUE=DATE:{day:%Y%m%d}"


def _local_value(name: str, moment: datetime) -> str:
    return f"{name};TZID={TZID}:{moment:%Y%m%dT%H%M%S}"


def _when(name: str, value: date | datetime) -> str:
    if isinstance(value, datetime):
        return _local_value(name, value)
    return _date_value(name, value)


def now_stamp() -> datetime:
    return timezone.now().astimezone(UTC).replace(microsecond=0)


# --- the entries ----------------------------------------------------------------------------


def _concerns(measure: str, program: str, goal: str = "") -> str:
    if measure and program:
        subject = _("%(measure)s (programme %(program)s)") % {
            "measure": measure,
            "program": program,
        }
    else:
        subject = measure or program
    if goal:
        subject = (
            _("%(subject)s, goal: %(goal)s") % {"subject": subject, "goal": goal}
            if subject
            else _("Goal: %(goal)s") % {"goal": goal}
        )
    return _("Concerns: %(subject)s") % {"subject": subject} if subject else ""


def _description(text: str, concerns: str, url: str) -> str:
    parts = [part for part in (text.strip(), concerns) if part]
    parts.append(_("In Tiltakshjulet: %(url)s") % {"url": url})
    return "\n\n".join(parts)


@lru_cache(maxsize=256)
def _alarm_text(days: int, language: str | None) -> str:
    """The alarm's words for ``days`` with a ``%(title)s`` left to fill: translated once per
    language, not once per entry (a feed has thousands)."""
    title = "%(title)s"
    if days == 0:
        return _("Today: %(title)s") % {"title": title}
    if days == 1:
        return _("Tomorrow: %(title)s") % {"title": title}
    return ngettext("In %(days)s day: %(title)s", "In %(days)s days: %(title)s", days) % {
        "days": days,
        "title": title,
    }


def _alarms(summary: str, reminder_days: Sequence[int]) -> list[str]:
    lines: list[str] = []
    language = get_language()
    for days in reminder_days:
        said = _alarm_text(days, language) % {"title": summary}
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{text(said)}",
            f"TRIGGER:-P{days}D" if days else "TRIGGER:PT0S",
            "END:VALARM",
        ]
    return lines


def _entry(
    *,
    uid: str,
    stamp: str,
    summary: str,
    description: str,
    url: str,
    kind: str,
    when: list[str],
    place: str = "",
    more: Sequence[str] = (),
    alarms: Sequence[str] = (),
) -> str:
    """A VEVENT as text: ``when`` holds DTSTART, DTEND (and RRULE, EXDATE, TRANSP)."""
    lines = ["BEGIN:VEVENT", f"SUMMARY:{text(summary)}", *when, f"DTSTAMP:{stamp}", f"UID:{uid}"]
    label = _KIND_LABELS.get(kind)
    if label is not None:
        lines.append(f"CATEGORIES:{text(str(label))}")
    lines.append(f"DESCRIPTION:{text(description)}")
    if place:
        lines.append(f"LOCATION:{text(place)}")
    lines.append(f"URL:{url}")
    lines += more
    lines += alarms
    lines.append("END:VEVENT")
    return "".join(fold(line) for line in lines)


_KIND_LABELS = {kind.value: kind.label for kind in Kind}


def _all_day(first: date, last: date) -> list[str]:
    # DTEND of a date is exclusive; a deadline or a day-long checkpoint does not make the
    # person busy.
    return [
        _date_value("DTSTART", first),
        _date_value("DTEND", last + timedelta(days=1)),
        "TRANSP:TRANSPARENT",
    ]


def event_times(event: Event) -> tuple[date | datetime, date | datetime]:
    """DTSTART and DTEND of the event's first occurrence: dates for all-day events (DTEND the
    day after the last), Oslo local times otherwise (an hour when no end time is given)."""
    if event.start_time is None:
        return event.start_date, event.last_date + timedelta(days=1)
    start = datetime.combine(event.start_date, event.start_time, tzinfo=OSLO)
    if event.end_time is not None:
        end = datetime.combine(event.last_date, event.end_time, tzinfo=OSLO)
    else:
        end = datetime.combine(event.last_date, event.start_time, tzinfo=OSLO)
        end += TIMED_EVENT_DEFAULT_LENGTH
    if end <= start:
        end = start + TIMED_EVENT_DEFAULT_LENGTH
    return start, end


def _until_value(value: str, *, timed: bool) -> str:
    """UNTIL in the value type RFC 5545 requires: a date for all-day events; for events with a
    local time, a UTC date-time (a stored date means the end of that day in Oslo)."""
    day = datetime.strptime(value[:8], "%Y%m%d").date()
    if len(value) == 16 and value.endswith("Z"):  # already a UTC moment
        moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        if timed:
            return value
        day = moment.astimezone(OSLO).date()
    if not timed:
        return f"{day:%Y%m%d}"
    end_of_day = datetime.combine(day, time(23, 59, 59), tzinfo=OSLO).astimezone(UTC)
    return f"{end_of_day:%Y%m%dT%H%M%SZ}"


def event_rule(event: Event, *, timed: bool) -> str | None:
    """The event's RRULE value for the calendar (None when it does not repeat).

    Raises ValueError for a rule that cannot be written (never stored: rules are checked)."""
    rule_text = event.rule_text()
    if not rule_text:
        return None
    parts = []
    for part in rule_text.split(";"):
        key, _sep, value = part.partition("=")
        if key.upper() == "UNTIL":
            value = _until_value(value.upper(), timed=timed)
        parts.append(f"{key.upper()}={value.upper()}")
    written = ";".join(parts)
    if not icalendar.vRecur.from_ical(written).get("FREQ"):  # also refuses what is not a rule
        raise ValueError(f"no FREQ in {rule_text!r}")
    return written


def event_entry(
    event: Event,
    *,
    org_slug: str,
    host: str,
    stamp: datetime,
    reminder_days: Sequence[int] = (),
    prefix: str = "",
    url_prefix: str = "",
) -> str | None:
    """The VEVENT of an own event, with its whole recurrence; None if its rule is unusable.

    ``event.measure``, ``.program``, ``.measure.program`` and ``.goal`` should be selected
    with it. ``url_prefix`` is the event pages' address without the id (``event_url_prefix``),
    to spare a ``reverse()`` per event."""
    timed = event.start_time is not None
    try:
        rule = event_rule(event, timed=timed)
    except ValueError:
        return None  # never guess at a series: leave it out rather than show it wrongly
    url = absolute_url(f"{url_prefix or event_url_prefix(org_slug)}{event.pk}/")
    program = event.program or (event.measure.program if event.measure else None)
    concerns = _concerns(
        event.measure.name if event.measure else "",
        program.name if program else "",
        event.goal.title if event.goal else "",
    )
    summary = f"{prefix}{event.title}"
    if timed:
        start, end = event_times(event)
        when = [_local_value("DTSTART", start), _local_value("DTEND", end)]  # type: ignore[arg-type]
    else:
        when = _all_day(event.start_date, event.last_date)
    if rule is not None:
        when.insert(2, f"RRULE:{rule}")
        skipped = sorted(_exception_dates(event))
        if skipped:
            # The same value type (and TZID) as DTSTART: the dates at the event's start time.
            start_time = event.start_time
            if start_time is not None:
                days = ",".join(f"{day:%Y%m%d}T{start_time:%H%M%S}" for day in skipped)
                when.insert(3, f"EXDATE;TZID={TZID}:{days}")
            else:
                when.insert(3, f"EXDATE;VALUE=DATE:{','.join(f'{d:%Y%m%d}' for d in skipped)}")
    # An event that sets its own reminder days (Event.reminder_days) speaks for everyone.
    if event.reminder_days is not None:
        reminder_days = usable_reminder_days(event.reminder_days)
    return _entry(
        uid=f"event-{event.pk}@{host}",
        stamp=_utc(stamp),
        summary=summary,
        description=_description(event.description, concerns, url),
        url=url,
        kind=event.kind,
        place=event.place,
        when=when,
        more=[
            f"CREATED:{_utc(event.created_at)}",
            f"LAST-MODIFIED:{_utc(event.updated_at)}",
            # The description as written, without the lines added above: an import of the
            # file (yearwheel/ical_read.py) takes it from here, so a round trip adds nothing.
            # Written as before, raw (the reader takes it as it stands); a line end, which
            # cannot stand raw in a content line, as ``\\n``.
            f"{ORIGINAL_DESCRIPTION}:{_raw(event.description)}",
        ],
        alarms=_alarms(summary, reminder_days),
    )


def event_url_prefix(org_slug: str) -> str:
    """The path of an event page without its id: ``reverse()`` once for all events."""
    return reverse("event_detail", kwargs={"org_slug": org_slug, "pk": 1}).removesuffix("1/")


def _exception_dates(event: Event) -> set[date]:
    found = set()
    for value in event.exceptions or []:
        try:
            found.add(date.fromisoformat(str(value)))
        except ValueError:
            continue
    return found


def occurrence_entry(
    occurrence: Occurrence,
    *,
    host: str,
    stamp: datetime,
    reminder_days: Sequence[int] = (),
    prefix: str = "",
) -> str:
    """The VEVENT of one derived occurrence: all day (an evaluation due date, …), or at its
    hours when it has them (a learning meeting)."""
    url = absolute_url(occurrence.url)
    summary = f"{prefix}{occurrence.title}"
    if occurrence.start_time is None:
        when = _all_day(occurrence.start, occurrence.end)
    else:  # a learning meeting, say: at its hours
        start = datetime.combine(occurrence.start, occurrence.start_time, tzinfo=OSLO)
        end = (
            datetime.combine(occurrence.end, occurrence.end_time, tzinfo=OSLO)
            if occurrence.end_time is not None
            else start + TIMED_EVENT_DEFAULT_LENGTH
        )
        if end <= start:
            end = start + TIMED_EVENT_DEFAULT_LENGTH
        when = [_local_value("DTSTART", start), _local_value("DTEND", end)]
    return _entry(
        uid=f"{occurrence.key}@{host}",
        stamp=_utc(stamp),
        summary=summary,
        description=_description(
            occurrence.description,
            _concerns(occurrence.measure_name, occurrence.program_name),
            url,
        ),
        url=url,
        kind=occurrence.kind,
        place=occurrence.place,
        when=when,
        alarms=_alarms(summary, reminder_days),
    )


def add_entries(
    calendar: Calendar,
    *,
    org_slug: str,
    events: Iterable[Event],
    occurrences: Iterable[Occurrence],
    reminder_days: Sequence[int],
    host: str,
    stamp: datetime,
    prefix: str = "",
) -> None:
    """Adds an organisation's own events (as series) and derived occurrences (one by one)."""
    url_prefix = event_url_prefix(org_slug)
    for event in events:
        entry = event_entry(
            event,
            org_slug=org_slug,
            host=host,
            stamp=stamp,
            reminder_days=reminder_days,
            prefix=prefix,
            url_prefix=url_prefix,
        )
        if entry is not None:
            calendar.entries.append(entry)
    for occurrence in occurrences:
        if occurrence.source:
            calendar.entries.append(
                occurrence_entry(
                    occurrence,
                    host=host,
                    stamp=stamp,
                    reminder_days=reminder_days,
                    prefix=prefix,
                )
            )
