"""Reading an iCalendar file (.ics) for the import: the file's limits and checks, and each
VEVENT as an :class:`ImportRow` (yearwheel/ical_rows.py). Saves nothing and queries nothing;
the form, the comparison with the events already there and the saving are in
yearwheel/ical_import.py.

What is read from each VEVENT: SUMMARY (the title, required), DESCRIPTION, LOCATION, DTSTART
and DTEND or DURATION (dates for all-day events, whose DTEND is exclusive; date-times are
turned into Oslo local dates and times, and times without a zone are taken as Oslo time), the
RRULE (checked as the event form checks a custom rule, and stored as a custom rule), EXDATEs
(the dates the series skips) and the UID; the organiser, attendees, categories and a
description given as HTML are read by yearwheel/ical_meaning.py. Cancelled events
(STATUS:CANCELLED) are skipped, and changed single occurrences of a series (RECURRENCE-ID)
are not imported: the series is imported as planned, and the preview lists what was left
out. The wheel's own derived entries
(UIDs ``…@<this site>`` other than ``event-<pk>@<this site>``) are skipped too. An event
without a UID gets a stable one made from its title and start.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import icalendar
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from measures.recurrence import InvalidRule, normalize_rule, parse_rule
from yearwheel import ical_meaning
from yearwheel.ical import ORIGINAL_DESCRIPTION, OSLO, site_host
from yearwheel.ical_rows import (
    ERROR,
    MAX_DESCRIPTION,
    PLACE_LENGTH,
    RULE_LENGTH,
    TITLE_LENGTH,
    UID_LENGTH,
    ImportRow,
    ParsedCalendar,
)

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_EVENTS = 2000
_UNTIL = re.compile(r"UNTIL=(\d{8})(?:T(\d{6})(Z?))?")
_OWN_EVENT_UID = re.compile(r"^event-([1-9][0-9]{0,17})@(.+)$")
# An event's first line. A folded line goes on in a line that begins with a space or a tab,
# and text values escape their line breaks, so a line that begins like this always is one.
_CALENDAR_BEGINS = re.compile(r"\s*BEGIN:VCALENDAR", re.IGNORECASE)  # without copying the text
_EVENT_BEGINS = re.compile(r"^BEGIN:VEVENT\r?$", re.IGNORECASE | re.MULTILINE)


class ImportFileError(Exception):
    """The file as a whole cannot be used; ``str(error)`` is the message for the person."""


class _RowError(Exception):
    pass


def too_large_message() -> str:
    return _(
        "The file is too large: a calendar file can be at most %(size)s MB and hold at most "
        "%(count)s events. Export a shorter period and import it in parts."
    ) % {
        "size": MAX_UPLOAD_BYTES // (1024 * 1024),
        "count": number_format(MAX_EVENTS, force_grouping=True),
    }


# --- reading the file -----------------------------------------------------------------------


def read_calendar(upload: Any) -> ParsedCalendar:
    """Reads an uploaded .ics file. Saves nothing; raises :class:`ImportFileError` when the
    file as a whole cannot be used (too large, not a calendar, no events)."""
    upload.seek(0)
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportFileError(too_large_message())
    return parse_calendar(content)


def _decode(content: bytes) -> str:
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportFileError(_not_a_calendar()) from error
    if b"\x00" in content:
        raise ImportFileError(_not_a_calendar())
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "The file's characters are not in UTF-8, the encoding calendar files use. "
                "Export the calendar again from your calendar program, or save the file as "
                "UTF-8, and upload it again."
            )
        ) from error


def _not_a_calendar() -> str:
    return _(
        "The file is not a calendar file (iCalendar). Export the calendar from your calendar "
        "program as an .ics file and upload that file."
    )


def _more_events_than_allowed(text: str) -> bool:
    """Counts the events while reading the text and stops at the first one over the limit, so
    a file with far too many is refused before any of it is parsed (see docs/imports.md)."""
    for count, _begin in enumerate(_EVENT_BEGINS.finditer(text), start=1):
        if count > MAX_EVENTS:
            return True
    return False


def parse_calendar(content: bytes) -> ParsedCalendar:
    text = _decode(content)
    if not _CALENDAR_BEGINS.match(text):
        raise ImportFileError(_not_a_calendar())
    if _more_events_than_allowed(text):
        raise ImportFileError(too_large_message())
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
        components = [component for calendar in calendars for component in calendar.walk("VEVENT")]
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        raise ImportFileError(
            _("The calendar file could not be read: it is damaged or incomplete (%(reason)s).")
            % {"reason": str(error)[:200]}
        ) from error
    if len(components) > MAX_EVENTS:  # counted above already; kept as the rule's last word
        raise ImportFileError(too_large_message())
    if not components:
        raise ImportFileError(_("The calendar file holds no events."))
    host = site_host()
    parsed = ParsedCalendar(rows=[])
    seen: dict[str, int] = {}
    for number, component in enumerate(components, start=1):
        summary = _text(component, "SUMMARY", single_line=True)
        title = summary or _("(no title)")
        if component.get("RECURRENCE-ID") is not None:
            when = _when(component, "RECURRENCE-ID")
            parsed.warnings.append(
                _(
                    "“%(title)s”%(when)s is a changed occurrence of a recurring event. It is "
                    "not imported: the series is imported as planned."
                )
                % {"title": title, "when": f" ({when})" if when else ""}
            )
            continue
        if _text(component, "STATUS").upper() == "CANCELLED":
            parsed.skipped.append(
                _("“%(title)s” is cancelled in the calendar and is not imported.")
                % {"title": title}
            )
            continue
        uid = _text(component, "UID", single_line=True)
        if uid.endswith(f"@{host}") and not _OWN_EVENT_UID.match(uid):
            parsed.skipped.append(
                _(
                    "“%(title)s” comes from Tiltakshjulet itself (an evaluation due date, a "
                    "planned activity or a routine) and is not imported."
                )
                % {"title": title}
            )
            continue
        try:
            row = read_event(number, component)
        except (AttributeError, ValueError, TypeError, KeyError, IndexError):
            # Whatever else a damaged entry holds: that entry fails, not the whole file.
            row = ImportRow(number=number, title=summary[:TITLE_LENGTH])
            row.uid = _text(component, "UID", single_line=True) or f"import-unreadable-{number}"
            row.errors.append(_("The event could not be read."))
        if row.uid in seen:
            row.errors.append(
                _("The file has another event with the same UID (event %(number)s).")
                % {"number": seen[row.uid]}
            )
        else:
            seen[row.uid] = number
        parsed.rows.append(row)
    for row in parsed.rows:
        if row.errors:
            row.status = ERROR
    return parsed


def read_event(number: int, component: Any) -> ImportRow:
    """One VEVENT as a row; problems are in ``row.errors``."""
    row = ImportRow(number=number)
    row.title = _text(component, "SUMMARY", single_line=True)[:TITLE_LENGTH].strip()
    if not row.title:
        row.errors.append(_("The event has no title (SUMMARY)."))
    # A file exported from the wheel carries the description as written besides the one
    # with the event's link and subject added for calendar programs.
    own = component.get(ORIGINAL_DESCRIPTION)
    description = str(own) if own is not None else ical_meaning.description(component)
    row.description = description[:MAX_DESCRIPTION]
    row.categories = ical_meaning.categories(component)
    row.organizer = ical_meaning.organizer(component)
    row.attendees = ical_meaning.attendees(component)
    row.place = _text(component, "LOCATION", single_line=True)[:PLACE_LENGTH].strip()
    try:
        _read_times(row, component)
    except _RowError as error:
        row.errors.append(str(error))
    if row.start_date is not None and not row.errors:
        _read_recurrence(row, component)
    row.uid = _uid(component, row)
    return row


def _text(component: Any, name: str, *, single_line: bool = False) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else ""
    text = str(value or "").strip()
    if single_line:
        text = " ".join(text.split())
    return text


def _uid(component: Any, row: ImportRow) -> str:
    uid = _text(component, "UID", single_line=True)
    if not uid:
        start = component.get("DTSTART")
        start_text = start.to_ical().decode() if hasattr(start, "to_ical") else ""
        digest = hashlib.sha256(f"{row.title}\n{start_text}".encode()).hexdigest()
        return f"import-{digest[:40]}"
    if len(uid) > UID_LENGTH:
        return f"import-{hashlib.sha256(uid.encode()).hexdigest()[:40]}"
    return uid


def _moment(component: Any, name: str) -> date | datetime | None:
    """A DATE or DATE-TIME property; raises _RowError when it is there but unreadable."""
    prop = component.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        prop = prop[0]
    try:
        value = prop.dt
    except (AttributeError, ValueError, TypeError, icalendar.InvalidCalendar) as error:
        raise _RowError(
            _("%(name)s is not a date or a time we can read.") % {"name": name}
        ) from error
    if not isinstance(value, date):  # a datetime is a date too
        raise _RowError(_("%(name)s is not a date or a time we can read.") % {"name": name})
    return value


def _local(moment: datetime) -> datetime:
    """An Oslo local date-time without zone; a time without zone (floating) is Oslo time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=None)
    return moment.astimezone(OSLO).replace(tzinfo=None)


def _when(component: Any, name: str) -> str:
    try:
        moment = _moment(component, name)
    except _RowError:
        return ""
    if moment is None:
        return ""
    day = _local(moment).date() if isinstance(moment, datetime) else moment
    return date_format(day, "SHORT_DATE_FORMAT")


def _duration(component: Any) -> timedelta | None:
    prop = component.get("DURATION")
    if prop is None:
        return None
    try:
        value = prop.dt
    except (AttributeError, ValueError, TypeError) as error:
        raise _RowError(_("DURATION is not a length of time we can read.")) from error
    if not isinstance(value, timedelta):
        raise _RowError(_("DURATION is not a length of time we can read."))
    return value


def _read_times(row: ImportRow, component: Any) -> None:
    start = _moment(component, "DTSTART")
    if start is None:
        raise _RowError(_("The event has no start (DTSTART)."))
    end = _moment(component, "DTEND")
    length = _duration(component) if end is None else None
    if isinstance(start, datetime):
        local_start = _local(start)
        row.start_date = local_start.date()
        row.start_time = local_start.time().replace(microsecond=0)
        if end is not None:
            local_end = (
                _local(end) if isinstance(end, datetime) else datetime.combine(end, time.min)
            )
        elif length is not None:
            local_end = local_start + length
        else:
            return  # a moment without length (RFC 5545: it ends when it starts)
        if local_end < local_start:
            raise _RowError(_("The event ends before it starts."))
        if local_end == local_start:
            return
        row.end_time = local_end.time().replace(microsecond=0)
        if local_end.date() != row.start_date:
            row.end_date = local_end.date()
        return
    # An all-day event: DTEND is the day after the last day.
    row.start_date = start
    if end is not None:
        end_day = _local(end).date() if isinstance(end, datetime) else end
        if end_day < start:
            raise _RowError(_("The event ends before it starts."))
        last = max(end_day - timedelta(days=1), start)  # DTEND = DTSTART: read as one day
    elif length is not None:
        last = start + timedelta(days=max(length.days, 1) - 1)
    else:
        last = start
    if last > start:
        row.end_date = last


def _until_as_local_date(text: str) -> str:
    """UNTIL as the Oslo date it falls on (a UTC moment late in the day is the next day in
    Oslo); the wheel's rules end on days."""

    def local_day(match: re.Match[str]) -> str:
        day, clock, utc = match.group(1), match.group(2), match.group(3)
        if clock and utc:
            moment = datetime.strptime(f"{day}{clock}", "%Y%m%d%H%M%S").replace(tzinfo=UTC)
            return f"UNTIL={moment.astimezone(OSLO):%Y%m%d}"
        return f"UNTIL={day}"

    return _UNTIL.sub(local_day, text)


def _read_recurrence(row: ImportRow, component: Any) -> None:
    assert row.start_date is not None  # noqa: S101 - checked by the caller
    rules = component.get("RRULE")
    if isinstance(rules, list):
        if len(rules) > 1:
            row.errors.append(_("The event has more than one recurrence rule (RRULE)."))
            return
        rules = rules[0] if rules else None
    if component.get("RDATE") is not None:
        row.notes.append(_("Extra single dates (RDATE) are not imported."))
    if rules is None:
        return
    if not isinstance(rules, icalendar.vRecur):
        row.errors.append(_("The recurrence rule (RRULE) cannot be read."))
        return
    text = rules.to_ical().decode()
    text = _until_as_local_date(text)
    try:
        parse_rule(text, row.start_date)
    except InvalidRule as error:
        row.errors.append(_("The recurrence rule cannot be used: %(reason)s") % {"reason": error})
        return
    rule = normalize_rule(text)
    if len(rule) > RULE_LENGTH:
        row.errors.append(_("The recurrence rule is too long (at most 300 characters)."))
        return
    try:
        row.exceptions = _exceptions(component)
    except (AttributeError, ValueError, TypeError):
        row.errors.append(_("The dates the event skips (EXDATE) cannot be read."))
        return
    row.rrule = rule


def _exceptions(component: Any) -> list[str]:
    props = component.get("EXDATE")
    if props is None:
        return []
    found: set[date] = set()
    for prop in props if isinstance(props, list) else [props]:
        for value in prop.dts:
            moment = getattr(value, "dt", None)
            if isinstance(moment, datetime):
                found.add(_local(moment).date())
            elif isinstance(moment, date):
                found.add(moment)
    return [day.isoformat() for day in sorted(found)]
