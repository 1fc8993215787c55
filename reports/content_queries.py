"""The queries behind the status content (reports/content.py): one query per kind of data for
all the measures in scope, grouped by measure in Python, so the count never depends on how many
measures, indicators or measurements there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from measures.attainment import attainment_percent, tidy, trend
from measures.models import (
    Evaluation,
    EvaluationCorrection,
    Indicator,
    Measure,
    Measurement,
    Program,
)
from measures.transitions import measures_improving_transition
from organizations.models import Organization, Unit
from phases.models import ContinuationDecision, PhaseTransition, TransitionCorrection
from phases.readiness import Readiness as ReadinessFigures
from phases.readiness import component_states, summarise
from reports.content_schema import (
    CHECKPOINT_DAYS,
    CHECKPOINTS_PER_MEASURE,
    Checkpoint,
    Decision,
    IndicatorContent,
    Readiness,
    ValueOn,
)
from yearwheel.occurrences import Scope, occurrences_between


@lru_cache(maxsize=65536)
def decimal_text(value: Decimal) -> str:
    # format "f" never falls back to exponent notation ("1E+2"), whatever normalize() left.
    # Cached: equal decimals (40 and 40.0000 hash alike) give the same text, and a page
    # repeats the same baselines, targets and values many times.
    return format(tidy(value), "f")


def local_date(moment: datetime) -> date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def _person(full_name: str | None, email: str | None) -> str:
    return full_name or email or ""


def measures_in_scope(
    organization: Organization,
    program: Program | None = None,
    unit: Unit | None = None,
    service: Unit | None = None,
) -> QuerySet[Measure]:
    """The organisation's measures that are not archived, of one programme, one
    responsible unit and improving a hand-over involving one unit (``service``) when given."""
    measures = Measure.objects.active().filter(organization=organization)
    if program is not None:
        measures = measures.filter(program=program)
    if unit is not None:
        measures = measures.filter(responsible_unit=unit)
    if service is not None:
        measures = measures_improving_transition(measures, service)
    return measures


def phase_since(measures: QuerySet[Measure]) -> dict[int, tuple[date, str]]:
    """The last move into each measure's current phase, and how it came there: "gate",
    "override" (through a closed gate) or "registration" (registered in a later phase). One
    query, in time order, the last row per measure winning."""
    rows = (
        PhaseTransition.objects.filter(measure__in=measures.values("pk"))
        .filter(to_phase=F("measure__phase"))
        .values_list("measure_id", "decided_at", "overridden", "kind")
        .order_by("measure_id", "decided_at", "pk")
    )
    found: dict[int, tuple[date, str]] = {}
    for measure_id, moment, overridden, kind in rows:
        if kind == PhaseTransition.Kind.REGISTRATION:
            how = "registration"
        else:
            how = "override" if overridden else "gate"
        found[measure_id] = (local_date(moment), how)
    return found


def _latest(as_of: date, offset: int) -> QuerySet[Measurement]:
    # (indicator, date) is unique, so "-date" alone is a total order per indicator, and the
    # unique index on (indicator_id, date) answers it by walking backwards from ``as_of``:
    # LIMIT 1 (OFFSET 1) reads one or two index entries. A "-pk" tiebreak would add nothing
    # but a sort step on top of the index scan.
    return Measurement.objects.filter(indicator=OuterRef("pk"), date__lte=as_of).order_by("-date")[
        offset : offset + 1
    ]


def indicators(measures: QuerySet[Measure], as_of: date) -> dict[int, list[IndicatorContent]]:
    """Every indicator with its latest and previous measurement on or before ``as_of``.

    One query with four correlated subqueries. Chosen over a window function
    (ROW_NUMBER() OVER (PARTITION BY indicator ORDER BY date DESC) <= 2): the window has to
    read and sort every measurement up to ``as_of`` (100,000 in the benchmark) before it can
    keep two per indicator, while each subquery here is an index probe of one or two rows,
    so the cost grows with the number of indicators, not with the length of their history.
    docs/reports-performance.md has the figures.
    """
    rows = (
        Indicator.objects.filter(measure__in=measures.values("pk"))
        .annotate(
            latest_value=Subquery(_latest(as_of, 0).values("value")),
            latest_date=Subquery(_latest(as_of, 0).values("date")),
            previous_value=Subquery(_latest(as_of, 1).values("value")),
            previous_date=Subquery(_latest(as_of, 1).values("date")),
        )
        .values_list(
            "pk",
            "measure_id",
            "name",
            "unit",
            "direction",
            "baseline_value",
            "target_value",
            "target_date",
            "latest_value",
            "latest_date",
            "previous_value",
            "previous_date",
        )
        .order_by("measure_id", "goal_id", "pk")
    )
    found: dict[int, list[IndicatorContent]] = defaultdict(list)
    for row in rows:
        found[row[1]].append(_indicator(*row))
    return found


def _as_date(value: Any) -> date:
    # SQLite hands a subquery's date back as text; PostgreSQL as a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _as_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _value_on(value: Any, day: Any) -> ValueOn | None:
    if value is None:
        return None
    return {"value": decimal_text(_as_decimal(value)), "date": _as_date(day).isoformat()}


def _indicator(
    pk: int,
    _measure_id: int,
    name: str,
    unit: str,
    direction: str,
    baseline: Decimal,
    target: Decimal,
    target_date: date,
    latest_value: Any,
    latest_date: Any,
    previous_value: Any,
    previous_date: Any,
) -> IndicatorContent:
    latest = _value_on(latest_value, latest_date)
    shown: int | None = None
    values: list[Decimal] = []
    if previous_value is not None:
        values.append(_as_decimal(previous_value))
    if latest_value is not None:
        value = _as_decimal(latest_value)
        values.append(value)
        shown = attainment_percent(baseline=baseline, target=target, value=value)
    return {
        "id": pk,
        "name": name,
        "unit": unit,
        "direction": direction,
        "baseline": decimal_text(baseline),
        "target": decimal_text(target),
        "target_date": target_date.isoformat(),
        "latest": latest,
        "previous": _value_on(previous_value, previous_date),
        "attainment_percent": shown,
        "trend": str(trend(values, higher_is_better=direction == Indicator.Direction.HIGHER)),
    }


def readiness(measures: QuerySet[Measure]) -> dict[int, Readiness]:
    """The readiness of the phase III measures, worked out by phases/readiness.py (the one
    place the exit rule lives): one query for all their components."""
    states = component_states(measures.filter(phase=3).values("pk"))
    return {
        measure_id: _readiness_content(summarise(components))
        for measure_id, components in states.items()
    }


def no_components() -> Readiness:
    return _readiness_content(summarise([]))


def _readiness_content(figures: ReadinessFigures) -> Readiness:
    snapshot = figures.as_snapshot()
    return {
        "components": snapshot["components"],
        "described": snapshot["described"],
        "piloted": snapshot["piloted"],
        "ready": snapshot["ready"],
        "missing_kinds": snapshot["missing_kinds"],
        "exit_rule_met": snapshot["exit_rule_met"],
    }


def continuations(measures: QuerySet[Measure]) -> dict[int, dict[str, Any]]:
    """Each measure's continuation decision as it stands (its latest version) with its
    corrections: one query for every version of every measure's decision."""
    rows = (
        ContinuationDecision.objects.filter(measure__in=measures.values("pk"))
        .values(
            "measure_id",
            "number",
            "outcome",
            "decision_maker",
            "decided_on",
            "adjustments_to_measure",
            "correction_reason",
            "recorded_at",
            "recorded_by__full_name",
            "recorded_by__email",
        )
        .order_by("measure_id", "number")
    )
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        earlier = found.get(row["measure_id"])
        corrections = earlier["corrections"] if earlier else []
        if earlier is not None:
            corrections.append(
                {
                    "date": local_date(row["recorded_at"]).isoformat(),
                    "recorded": _moment(row["recorded_at"]),
                    "outcome": row["outcome"],
                    "was": earlier["outcome"],
                    "reason": row["correction_reason"],
                    "by": _person(row["recorded_by__full_name"], row["recorded_by__email"]),
                }
            )
        first_recorded = earlier["first_recorded_at"] if earlier else row["recorded_at"]
        found[row["measure_id"]] = {
            **row,
            "corrections": corrections,
            "first_recorded_at": first_recorded,
        }
    return found


def checkpoints(
    organization: Organization, program: Program | None, today: date
) -> dict[int, list[Checkpoint]]:
    """The wheel's next occurrences per measure (one query per wheel source)."""
    scope = Scope(program_id=program.pk if program else None)
    end = today + timedelta(days=CHECKPOINT_DAYS)
    found: dict[int, list[Checkpoint]] = defaultdict(list)
    # Already in date order; an occurrence that began before today and goes on counts from
    # its start, so a running activity still shows as one.
    for occurrence in occurrences_between(organization, today, end, scope):
        if occurrence.measure_id is None:
            continue
        listed = found[occurrence.measure_id]
        if len(listed) < CHECKPOINTS_PER_MEASURE:
            listed.append(
                {
                    "title": occurrence.title,
                    "date": occurrence.start.isoformat(),
                    "kind": occurrence.kind,
                }
            )
    return found


def _in_period(day: date, period: tuple[date, date]) -> bool:
    return period[0] <= day <= period[1]


def decisions(
    measures: QuerySet[Measure],
    period: tuple[date, date],
    continuations: dict[int, dict[str, Any]],
) -> dict[int, list[Decision]]:
    """Phase moves, continuation decisions and evaluation decisions made within ``period``,
    each as it stands now (the latest version of its justification or content), and every
    correction recorded within it.

    The continuation decisions are the rows already read for the measures; the moves, the
    evaluations and their corrections take four queries.
    """
    start, end = period
    found: dict[int, list[Decision]] = defaultdict(list)
    # The day boundaries in the local time zone, so a move at 00:30 on the first day counts.
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, datetime.min.time(), tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    in_scope = measures.values("pk")

    latest_justification = TransitionCorrection.objects.filter(transition=OuterRef("pk")).order_by(
        "-number"
    )
    transitions = (
        PhaseTransition.objects.filter(measure__in=in_scope)
        .filter(decided_at__gte=since, decided_at__lt=until)
        .annotate(
            justification=Coalesce(
                Subquery(latest_justification.values("justification")[:1]), F("reason")
            ),
            corrected=Exists(latest_justification),
        )
        .values(
            "measure_id",
            "from_phase",
            "to_phase",
            "justification",
            "corrected",
            "overridden",
            "kind",
            "decided_at",
            "decided_by__full_name",
            "decided_by__email",
        )
        .order_by("decided_at", "pk")
    )
    for move in transitions:
        found[move["measure_id"]].append(
            {
                "date": local_date(move["decided_at"]).isoformat(),
                "kind": "phase",
                "from_phase": move["from_phase"],
                "to_phase": move["to_phase"],
                "outcome": None,
                "text": move["justification"],
                "by": _person(move["decided_by__full_name"], move["decided_by__email"]),
                "overridden": move["overridden"],
                "registration": move["kind"] == PhaseTransition.Kind.REGISTRATION,
                "corrected": move["corrected"],
                "recorded": _moment(move["decided_at"]),
            }
        )
    for measure_id, row in continuations.items():
        # Dated in the period, or recorded in it though dated earlier (a decision typed in
        # late must not fall between two reports).
        recorded = row["first_recorded_at"]
        if _in_period(row["decided_on"], period) or since <= recorded < until:
            found[measure_id].append(
                {
                    "date": row["decided_on"].isoformat(),
                    "kind": "continuation",
                    "from_phase": None,
                    "to_phase": None,
                    "outcome": row["outcome"],
                    "text": row["adjustments_to_measure"],
                    "by": row["decision_maker"],
                    "corrected": bool(row["corrections"]),
                    "recorded": _moment(recorded),
                }
            )
        for correction in row["corrections"]:
            if _in_period(date.fromisoformat(correction["date"]), period):
                found[measure_id].append(_correction("continuation", correction))

    # An evaluation's decision belongs to the period it evaluates: dated by its end.
    latest = EvaluationCorrection.objects.filter(evaluation=OuterRef("pk")).order_by("-number")
    evaluations = (
        Evaluation.objects.filter(measure__in=in_scope)
        .filter(
            Q(period_end__gte=start, period_end__lte=end)
            | Q(created_at__gte=since, created_at__lt=until)
        )
        .annotate(
            current_decision=Coalesce(Subquery(latest.values("decision")[:1]), F("decision")),
            current_next_steps=Coalesce(Subquery(latest.values("next_steps")[:1]), F("next_steps")),
            corrected=Exists(latest),
        )
        .values(
            "measure_id",
            "current_decision",
            "current_next_steps",
            "corrected",
            "period_end",
            "created_at",
            "created_by__full_name",
            "created_by__email",
        )
        .order_by("period_end", "pk")
    )
    for evaluation in evaluations:
        found[evaluation["measure_id"]].append(
            {
                "date": evaluation["period_end"].isoformat(),
                "kind": "evaluation",
                "from_phase": None,
                "to_phase": None,
                "outcome": evaluation["current_decision"],
                "text": evaluation["current_next_steps"],
                "by": _person(evaluation["created_by__full_name"], evaluation["created_by__email"]),
                "corrected": evaluation["corrected"],
                "recorded": _moment(evaluation["created_at"]),
            }
        )

    # Corrections are decisions of their own, dated when they were recorded.
    for move_correction in (
        TransitionCorrection.objects.filter(transition__measure__in=in_scope)
        .filter(recorded_at__gte=since, recorded_at__lt=until)
        .values(
            "transition__measure_id",
            "transition__from_phase",
            "transition__to_phase",
            "correction_reason",
            "recorded_at",
            "recorded_by__full_name",
            "recorded_by__email",
        )
        .order_by("recorded_at", "pk")
    ):
        found[move_correction["transition__measure_id"]].append(
            {
                **_correction("phase", _correction_row(move_correction)),
                "from_phase": move_correction["transition__from_phase"],
                "to_phase": move_correction["transition__to_phase"],
            }
        )
    for evaluation_correction in (
        EvaluationCorrection.objects.filter(evaluation__measure__in=in_scope)
        .filter(recorded_at__gte=since, recorded_at__lt=until)
        .values(
            "evaluation__measure_id",
            "decision",
            "correction_reason",
            "recorded_at",
            "recorded_by__full_name",
            "recorded_by__email",
        )
        .order_by("recorded_at", "pk")
    ):
        found[evaluation_correction["evaluation__measure_id"]].append(
            _correction(
                "evaluation",
                {
                    **_correction_row(evaluation_correction),
                    "outcome": evaluation_correction["decision"],
                },
            )
        )
    for decisions in found.values():
        decisions.sort(key=lambda d: d["date"])  # stable: kinds keep their order on a day
    return found


def _moment(value: datetime) -> str:
    """A moment as ISO text with its offset, to compare with a report's publishing."""
    return value.isoformat()


def _correction_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "date": local_date(row["recorded_at"]).isoformat(),
        "recorded": _moment(row["recorded_at"]),
        "outcome": None,
        "reason": row["correction_reason"],
        "by": _person(row["recorded_by__full_name"], row["recorded_by__email"]),
    }


def _correction(record: str, correction: dict[str, Any]) -> Decision:
    """A correction of a decision, as a decision of the period: what was corrected
    (``record``: "phase", "continuation" or "evaluation"), to what, by whom and why."""
    return {
        "date": correction["date"],
        "kind": "correction",
        "record": record,
        "from_phase": None,
        "to_phase": None,
        "outcome": correction["outcome"],
        "text": correction["reason"],
        "by": correction["by"],
        "recorded": correction.get("recorded", ""),
    }
