"""What changed between two published reports: phase moves, status changes, indicator changes,
decisions made since, and measures that came into or left the scope.

Pure functions on two report contents (reports/content.py), so a comparison reads only what
the two versions froze, never the live measures, and is tested without a database.

What counts, because politicians read this as the record of what moved:
- A value is a number: "12.5" and "12.50" are the same value, "12.51" is another one (and is
  shown with its decimals). Percentages are compared as the reports showed them.
- An indicator measured again with the same value has not changed, but it is listed (as
  "measured again") so the reader knows the figure is current; it is not counted as changed.
- A changed target or baseline is a change, with or without a change of attainment.
- A decision is "since" the older report when it is dated after the older report's period:
  one dated on the period's last day or earlier belongs to that period, even when the newer
  report's period overlaps it. Except when it was recorded after the older report was
  published: the older report could not show it, so it is "since" too (marked ``late``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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


def _same_number(first: Any, second: Any) -> bool:
    return _decimal(first) == _decimal(second)


@dataclass(frozen=True)
class IndicatorChange:
    """One indicator as the two reports showed it: new (``is_new``, only in the newer one),
    gone (``is_removed``, only in the older one), or in both with something to tell."""

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
    is_removed: bool = False
    before_baseline: str | None = None
    now_baseline: str | None = None
    before_target: str | None = None
    now_target: str | None = None

    @property
    def in_both(self) -> bool:
        return not (self.is_new or self.is_removed)

    @property
    def attainment_change(self) -> int | None:
        if self.before_attainment is None or self.now_attainment is None:
            return None
        return self.now_attainment - self.before_attainment

    @property
    def first_measurement(self) -> bool:
        return self.in_both and self.before_value is None and self.now_value is not None

    @property
    def value_changed(self) -> bool:
        """Both reports have a value, and the numbers differ (whatever the dates)."""
        return (
            self.before_value is not None
            and self.now_value is not None
            and not _same_number(self.before_value, self.now_value)
        )

    @property
    def corrected(self) -> bool:
        """Another value for the same date: the measurement was corrected after the older
        report was published."""
        return self.value_changed and self.before_date == self.now_date

    @property
    def measured_again(self) -> bool:
        """The same value on a later date: unchanged, but measured again."""
        return (
            self.in_both
            and self.before_value is not None
            and self.now_value is not None
            and not self.value_changed
            and self.before_date != self.now_date
        )

    @property
    def no_longer_measured(self) -> bool:
        return self.in_both and self.before_value is not None and self.now_value is None

    @property
    def target_changed(self) -> bool:
        return self.in_both and not _same_number(self.before_target, self.now_target)

    @property
    def baseline_changed(self) -> bool:
        return self.in_both and not _same_number(self.before_baseline, self.now_baseline)

    @property
    def changed(self) -> bool:
        """Whether the indicator's figures changed (a new or a removed indicator is counted
        on its own; one only measured again with the same value has not changed)."""
        return self.in_both and (
            self.first_measurement
            or self.value_changed
            or self.no_longer_measured
            or self.target_changed
            or self.baseline_changed
            or self.before_attainment != self.now_attainment
        )

    @property
    def worth_listing(self) -> bool:
        return not self.in_both or self.changed or self.measured_again


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
    removed_indicators: list[IndicatorChange] = field(default_factory=list)
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
        """Anything to show: a move, a status, an indicator (measured again included) or a
        decision."""
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

    def _indicators(self) -> list[IndicatorChange]:
        return [indicator for change in self.changes for indicator in change.indicators]

    @property
    def indicator_changes(self) -> int:
        """Indicators in both reports whose figures changed."""
        return sum(indicator.changed for indicator in self._indicators())

    @property
    def new_indicators(self) -> int:
        return sum(indicator.is_new for indicator in self._indicators())

    @property
    def removed_indicators(self) -> int:
        return sum(len(change.removed_indicators) for change in self.changes)

    @property
    def measured_again(self) -> int:
        """Indicators measured again with the same value."""
        return sum(indicator.measured_again for indicator in self._indicators())

    @property
    def decision_count(self) -> int:
        return sum(len(change.decisions) for change in self.changes) + sum(
            len(entry.decisions) for entry in self.added
        )


def decisions_since(
    measure: dict[str, Any], after: str, published: str | None = None
) -> list[dict[str, Any]]:
    """The measure's decisions dated after ``after`` (an ISO date), and those recorded after
    ``published`` (the older report's ISO publishing moment) whatever their date, marked
    ``late``; oldest first. ISO dates compare correctly as strings."""
    published_at = _moment(published)
    found = []
    for decision in measure.get("decisions") or []:
        if str(decision.get("date") or "") > after:
            found.append(decision)
            continue
        recorded = _moment(decision.get("recorded"))
        if published_at and recorded and recorded > published_at:
            found.append({**decision, "late": True})
    return sorted(found, key=lambda d: str(d.get("date") or ""))


def _moment(value: Any) -> datetime | None:
    """An ISO moment with its offset, or None (reports published before lack them)."""
    try:
        moment = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _figures(indicator: dict[str, Any], side: str) -> dict[str, Any]:
    latest = indicator.get("latest") or {}
    return {
        f"{side}_value": latest.get("value"),
        f"{side}_date": latest.get("date"),
        f"{side}_attainment": indicator.get("attainment_percent"),
        f"{side}_baseline": indicator.get("baseline"),
        f"{side}_target": indicator.get("target"),
    }


def _nothing(side: str) -> dict[str, Any]:
    return dict.fromkeys(
        (f"{side}_{key}" for key in ("value", "date", "attainment", "baseline", "target")), None
    )


def indicator_changes(
    older: dict[str, Any], newer: dict[str, Any]
) -> tuple[list[IndicatorChange], list[IndicatorChange]]:
    """The newer measure's indicators that are new, changed or measured again, matched by id
    and in the newer report's order; and the older measure's indicators now gone, with the
    figures the older report showed."""
    before = {indicator["id"]: indicator for indicator in older.get("indicators") or []}
    changes = []
    seen = set()
    for indicator in newer.get("indicators") or []:
        seen.add(indicator["id"])
        old = before.get(indicator["id"])
        change = IndicatorChange(
            id=indicator["id"],
            name=indicator.get("name", ""),
            unit=indicator.get("unit", ""),
            is_new=old is None,
            **(_figures(old, "before") if old else _nothing("before")),
            **_figures(indicator, "now"),
        )
        if change.worth_listing:
            changes.append(change)
    gone = [
        IndicatorChange(
            id=key,
            name=old.get("name", ""),
            unit=old.get("unit", ""),
            is_removed=True,
            **_figures(old, "before"),
            **_nothing("now"),
        )
        for key, old in before.items()
        if key not in seen
    ]
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
    those the newer report holds dated after the older report's period end, or recorded after
    the older report was published."""
    since = str((older.get("period") or {}).get("end") or "")
    published = older.get("published_at")
    before = {measure["id"]: measure for measure in older.get("measures") or []}
    now_ids = set()
    changes: list[MeasureChange] = []
    added: list[MeasureEntry] = []
    for measure in newer.get("measures") or []:
        now_ids.add(measure["id"])
        decisions = decisions_since(measure, since, published)
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
