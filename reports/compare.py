"""What changed between two published reports: phase moves, status changes, indicator changes,
decisions made since, and measures that came into or left the scope.

Pure functions on two report contents (reports/content.py), so a comparison reads only what
the two versions froze, never the live measures, and is tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

# Worse to better: a status change is "better" when it moves right.
STATUS_ORDER = ("red", "yellow", "green")


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class IndicatorChange:
    """An indicator whose latest value or attainment differs between the two reports
    (``before`` is None for an indicator the older report did not have)."""

    id: int
    name: str
    unit: str
    before_value: str | None
    before_date: str | None
    before_attainment: int | None
    now_value: str | None
    now_date: str | None
    now_attainment: int | None
    is_new: bool = False

    @property
    def attainment_change(self) -> int | None:
        if self.before_attainment is None or self.now_attainment is None:
            return None
        return self.now_attainment - self.before_attainment


@dataclass
class MeasureChange:
    """One measure in both reports, and what changed in it."""

    id: int
    name: str
    program: str
    phase_from: int
    phase_to: int
    status_from: str
    status_to: str
    status_explanation: str
    indicators: list[IndicatorChange] = field(default_factory=list)
    removed_indicators: list[str] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def phase_moved(self) -> bool:
        return self.phase_from != self.phase_to

    @property
    def status_changed(self) -> bool:
        return self.status_from != self.status_to

    @property
    def status_direction(self) -> str:
        """ "better", "worse" or "" (unchanged, or a status this module does not know)."""
        if not self.status_changed:
            return ""
        if self.status_from not in STATUS_ORDER or self.status_to not in STATUS_ORDER:
            return ""
        better = STATUS_ORDER.index(self.status_to) > STATUS_ORDER.index(self.status_from)
        return "better" if better else "worse"

    @property
    def has_changes(self) -> bool:
        return bool(
            self.phase_moved
            or self.status_changed
            or self.indicators
            or self.removed_indicators
            or self.decisions
        )


@dataclass(frozen=True)
class MeasureEntry:
    """A measure found in only one of the two reports, as that report showed it."""

    id: int
    name: str
    program: str
    phase: int
    status: str
    decisions: tuple[dict[str, Any], ...] = ()


@dataclass
class Comparison:
    older_period: dict[str, str]
    newer_period: dict[str, str]
    changes: list[MeasureChange]
    added: list[MeasureEntry]
    removed: list[MeasureEntry]

    @property
    def changed(self) -> list[MeasureChange]:
        return [change for change in self.changes if change.has_changes]

    @property
    def unchanged(self) -> list[MeasureChange]:
        return [change for change in self.changes if not change.has_changes]

    @property
    def phase_moves(self) -> int:
        return sum(change.phase_moved for change in self.changes)

    @property
    def status_changes(self) -> int:
        return sum(change.status_changed for change in self.changes)

    @property
    def indicator_changes(self) -> int:
        return sum(len(change.indicators) for change in self.changes)

    @property
    def decision_count(self) -> int:
        return sum(len(change.decisions) for change in self.changes) + sum(
            len(entry.decisions) for entry in self.added
        )


def decisions_since(measure: dict[str, Any], after: str) -> list[dict[str, Any]]:
    """The measure's decisions dated after ``after`` (an ISO date), oldest first.

    ISO dates compare correctly as strings."""
    found = [d for d in measure.get("decisions") or [] if str(d.get("date") or "") > after]
    return sorted(found, key=lambda d: str(d.get("date") or ""))


def indicator_changes(
    older: dict[str, Any], newer: dict[str, Any]
) -> tuple[list[IndicatorChange], list[str]]:
    """The newer measure's indicators whose latest value or attainment changed (or that are
    new), matched by id; and the names of the older measure's indicators now gone."""
    before = {indicator["id"]: indicator for indicator in older.get("indicators") or []}
    changes = []
    seen = set()
    for indicator in newer.get("indicators") or []:
        seen.add(indicator["id"])
        old = before.get(indicator["id"]) or {}
        now_latest = indicator.get("latest") or {}
        old_latest = old.get("latest") or {}
        now_value, old_value = now_latest.get("value"), old_latest.get("value")
        now_attainment, old_attainment = (
            indicator.get("attainment_percent"),
            old.get("attainment_percent"),
        )
        # "12.50" and "12.5" are the same value: compare as numbers, not as text.
        unchanged = (
            _decimal(old_value) == _decimal(now_value)
            and old_latest.get("date") == now_latest.get("date")
            and old_attainment == now_attainment
        )
        if old and unchanged:
            continue
        changes.append(
            IndicatorChange(
                id=indicator["id"],
                name=indicator.get("name", ""),
                unit=indicator.get("unit", ""),
                before_value=old_value,
                before_date=old_latest.get("date"),
                before_attainment=old_attainment,
                now_value=now_value,
                now_date=now_latest.get("date"),
                now_attainment=now_attainment,
                is_new=not old,
            )
        )
    gone = [old["name"] for key, old in before.items() if key not in seen]
    return changes, gone


def _entry(measure: dict[str, Any], decisions: list[dict[str, Any]] | None = None) -> MeasureEntry:
    return MeasureEntry(
        id=measure["id"],
        name=measure.get("name", ""),
        program=measure.get("program", ""),
        phase=measure.get("phase", 0),
        status=measure.get("status", ""),
        decisions=tuple(decisions or ()),
    )


def compare(older: dict[str, Any], newer: dict[str, Any]) -> Comparison:
    """What changed from the ``older`` report content to the ``newer`` one.

    Measures are matched by id and listed in the newer report's order; decisions "since" are
    those the newer report holds dated after the older report's period end."""
    since = str((older.get("period") or {}).get("end") or "")
    before = {measure["id"]: measure for measure in older.get("measures") or []}
    now_ids = set()
    changes: list[MeasureChange] = []
    added: list[MeasureEntry] = []
    for measure in newer.get("measures") or []:
        now_ids.add(measure["id"])
        decisions = decisions_since(measure, since)
        old = before.get(measure["id"])
        if old is None:
            added.append(_entry(measure, decisions))
            continue
        indicators, gone = indicator_changes(old, measure)
        changes.append(
            MeasureChange(
                id=measure["id"],
                name=measure.get("name", ""),
                program=measure.get("program", ""),
                phase_from=old.get("phase", 0),
                phase_to=measure.get("phase", 0),
                status_from=old.get("status", ""),
                status_to=measure.get("status", ""),
                status_explanation=measure.get("status_explanation", ""),
                indicators=indicators,
                removed_indicators=gone,
                decisions=decisions,
            )
        )
    removed = [_entry(old) for key, old in before.items() if key not in now_ids]
    return Comparison(
        older_period=dict(older.get("period") or {}),
        newer_period=dict(newer.get("period") or {}),
        changes=changes,
        added=added,
        removed=removed,
    )
