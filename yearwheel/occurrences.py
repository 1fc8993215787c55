"""Occurrences: what the wheel, the agenda, the print view and the calendars draw.

An occurrence is one appearance of something on a date or date range: an event on one of its
dates, an evaluation due date, a planned activity, a maintenance routine, a learning meeting,
an open action item's due date. Occurrences are never stored; each source
(``settings.YEARWHEEL_SOURCES``, see yearwheel/sources.py) expands its own rows for the
requested period with one query, so editing the source moves the occurrence.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string

from dataversion import versions
from organizations.models import Organization


@dataclass(frozen=True)
class Scope:
    """What the wheel is narrowed to. Narrowing to a programme, measure or unit leaves out
    everything that concerns none (the organisation's common events); rings and kinds
    narrow what is drawn."""

    program_id: int | None = None
    measure_id: int | None = None
    unit_id: int | None = None
    ring_ids: frozenset[int] = frozenset()
    kinds: frozenset[str] = frozenset()

    @property
    def narrows_subject(self) -> bool:
        return bool(self.program_id or self.measure_id or self.unit_id)


@dataclass(frozen=True)
class Occurrence:
    # Stable across requests and edits of the source: "event-12-2026-10-15". It names the
    # occurrence in the page (element ids) and, for derived occurrences, in calendar UIDs.
    key: str
    source: str  # a Ring.Source value: "" for the organisation's own events
    kind: str  # a Kind value
    title: str
    start: date
    end: date  # inclusive; the same as start for a single day
    url: str
    ring_id: int | None = None  # own events; derived ones are drawn in their source's ring
    start_time: time | None = None
    end_time: time | None = None
    place: str = ""
    description: str = ""
    responsible: str = ""
    responsible_id: int | None = None  # whom reminders go to (and the participants of events)
    measure_id: int | None = None
    measure_name: str = ""
    program_name: str = ""
    event_id: int | None = None
    recurring: bool = False
    # Reminded besides the responsible person, for derived occurrences that have participants
    # (a learning meeting); own events' participants are read by the planner from the event.
    participant_ids: tuple[int, ...] = field(default=(), compare=False)
    # Anything the caller may want to show besides (the measure's phase, the event's ring…).
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_range(self) -> bool:
        return self.end > self.start

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and self.end >= start


class Source(Protocol):
    """One kind of thing on the wheel. Own events come from the ``Event`` table; the others
    are read from where they live, each in its system ring (``Ring.Source``)."""

    key: str

    def occurrences(
        self, organization: Organization, start: date, end: date, scope: Scope
    ) -> Iterable[Occurrence]:
        """The occurrences overlapping ``start``–``end`` (inclusive), with one query."""


@cache
def sources() -> tuple[Source, ...]:
    return tuple(import_string(path) for path in settings.YEARWHEEL_SOURCES)


def occurrences_between(
    organization: Organization,
    start: date,
    end: date,
    scope: Scope | None = None,
    *,
    cached: bool = False,
) -> list[Occurrence]:
    """Every occurrence in the organisation between ``start`` and ``end``, in date order.

    A fixed number of queries (one per source), however many events there are. Ring and
    kind narrowing is left to the caller, which knows the rings (system rings included).

    ``cached``: from this process's memo when the organisation's data version has not moved
    since it was gathered (see :class:`Memo`). Only for pages that read: a write bumps the
    version when its transaction commits, so code that writes and then reads in the same
    transaction must gather afresh.
    """
    scope = scope or Scope()
    if not cached:
        return _gather(organization, start, end, scope)
    key = versions.key(
        "occurrences",
        versions.current([organization.pk]),
        organization.pk,
        start.isoformat(),
        end.isoformat(),
        (scope.program_id, scope.measure_id, scope.unit_id),
        sorted(scope.ring_ids),
        sorted(scope.kinds),
        # Derived titles ("Evaluation due: …") are worded in the reader's language.
        translation.get_language(),
    )
    found = memo.get(key)
    if found is None:
        found = tuple(_gather(organization, start, end, scope))
        memo.put(key, found)
    return list(found)


def _gather(organization: Organization, start: date, end: date, scope: Scope) -> list[Occurrence]:
    found: list[Occurrence] = []
    for source in sources():
        found.extend(source.occurrences(organization, start, end, scope))
    found.sort(key=lambda o: (o.start, o.start_time or time.min, o.end, o.title, o.key))
    return found


class Memo:
    """Gathered occurrences kept in this process, under a key made of the organisation's
    data version (dataversion/versions.py): any write to what an occurrence shows bumps the
    version on commit, so the next reader misses and gathers afresh; nothing is deleted.

    In the process rather than in the shared cache: a large municipality's year is some
    14,000 occurrences, and unpickling them from Redis costs about as much as gathering them
    anew. Occurrences are frozen, so one list is safely shared by the requests that read it.
    Bounded by the occurrences held (the oldest entries go first), since the keys of a
    version nobody reads any more are never asked for again.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: OrderedDict[str, tuple[Occurrence, ...]] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[Occurrence, ...] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: str, found: tuple[Occurrence, ...]) -> None:
        if len(found) > self.limit:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            self._held -= len(previous) if previous else 0
            self._entries[key] = found
            self._held += len(found)
            while self._held > self.limit:
                _key, dropped = self._entries.popitem(last=False)
                self._held -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._held = 0


# Some 60 MB at most: a few organisations' years and the months and quarters viewed.
memo = Memo(limit=60_000)
