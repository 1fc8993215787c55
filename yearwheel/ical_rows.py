"""The rows of a calendar import: each event read from the file (:class:`ImportRow`) with
what the preview shows of it and what travels signed to the confirmation (``payload``), and
the file as a whole (:class:`ParsedCalendar`). Read by yearwheel/ical_read.py, compared and
saved by yearwheel/ical_import.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from yearwheel.ical_meaning import CATEGORY_LENGTH
from yearwheel.models import Recurrence

MAX_DESCRIPTION = 10_000
TITLE_LENGTH = 200  # Event.title
PLACE_LENGTH = 200  # Event.place
RULE_LENGTH = 300  # Event.rrule
UID_LENGTH = 255  # Event.external_uid

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
ERROR = "error"


@dataclass
class ImportRow:
    number: int  # the event's place in the file, from 1
    uid: str = ""
    title: str = ""
    description: str = ""
    place: str = ""
    start_date: date | None = None
    end_date: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    rrule: str = ""
    exceptions: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    # Who, as members of the organisation (yearwheel/ical_import.py matches the addresses):
    # only these travel with the preview, never the addresses themselves.
    responsible_id: int | None = None
    participant_ids: list[int] = field(default_factory=list)
    # Read from the file for the preview only.
    organizer: str = ""
    attendees: list[str] = field(default_factory=list)
    unknown_attendees: list[str] = field(default_factory=list)
    kind: str = ""  # as the preview's mapping of categories gives it
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    status: str = ""
    event_id: int | None = None  # the event it updates, once matched

    @property
    def is_importable(self) -> bool:
        return not self.errors and self.start_date is not None

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule)

    def values(self) -> dict[str, Any]:
        """The event fields the file decides."""
        return {
            "title": self.title,
            "description": self.description,
            "place": self.place,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "recurrence": Recurrence.CUSTOM if self.rrule else Recurrence.NONE,
            "rrule": self.rrule,
            "repeat_until": None,
            "exceptions": list(self.exceptions),
        }

    def payload(self) -> list[Any]:
        return [
            self.number,
            self.uid,
            self.title,
            self.description,
            self.place,
            _iso(self.start_date),
            _iso(self.end_date),
            _iso(self.start_time),
            _iso(self.end_time),
            self.rrule,
            list(self.exceptions),
            list(self.categories),
            self.responsible_id,
            list(self.participant_ids),
        ]

    @classmethod
    def from_payload(cls, values: list[Any]) -> ImportRow:
        (number, uid, title, description, place, start, end, start_time, end_time, rule, skip) = (
            values[:11]
        )
        categories, responsible, participants = values[11:]
        row = cls(
            number=int(number),
            uid=_string(uid, UID_LENGTH),
            title=_string(title, TITLE_LENGTH),
            description=_string(description, MAX_DESCRIPTION),
            place=_string(place, PLACE_LENGTH),
            start_date=date.fromisoformat(start),
            end_date=date.fromisoformat(end) if end else None,
            start_time=time.fromisoformat(start_time) if start_time else None,
            end_time=time.fromisoformat(end_time) if end_time else None,
            rrule=_string(rule, RULE_LENGTH),
            exceptions=[date.fromisoformat(day).isoformat() for day in skip],
            categories=[_string(name, CATEGORY_LENGTH) for name in categories],
            responsible_id=_id(responsible) if responsible is not None else None,
            participant_ids=[_id(pk) for pk in participants],
        )
        if not row.uid or not row.title:
            raise ValueError("a row without UID or title")
        return row


def _iso(value: date | time | None) -> str | None:
    return value.isoformat() if value is not None else None


def _id(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError("not an id")
    return value


def _string(value: Any, length: int) -> str:
    if not isinstance(value, str) or len(value) > length:
        raise ValueError("not a string of the allowed length")
    return value


@dataclass
class ParsedCalendar:
    rows: list[ImportRow]
    skipped: list[str] = field(default_factory=list)  # what was left out on purpose, and why
    warnings: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(row.status for row in self.rows)
        return {status: found.get(status, 0) for status in (NEW, CHANGED, UNCHANGED, ERROR)}

    @property
    def importable(self) -> list[ImportRow]:
        return [row for row in self.rows if row.is_importable]

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]
