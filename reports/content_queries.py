"""The queries behind the status content (reports/content.py): one query per kind of data for
all the measures in scope, grouped by measure in Python, so the count never depends on how many
measures, indicators or measurements there are.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from measures.attainment import attainment_percent, tidy, trend
from measures.models import Evaluation, Indicator, Measure, Measurement, Program
from organizations.models import Organization, Unit
from phases.models import ContinuationDecision, PhaseTransition, ServiceComponent
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
    organization: Organization, program: Program | None = None, unit: Unit | None = None
) -> QuerySet[Measure]:
    """The organisation's measures that are not archived, of one programme and one
    responsible unit when given."""
    measures = Measure.objects.active().filter(organization=organization)
    if program is not None:
        measures = measures.filter(program=program)
    if unit is not None:
        measures = measures.filter(responsible_unit=unit)
    return measures


def phase_since(measures: QuerySet[Measure]) -> dict[int, date]:
    """The last move into each measure's current phase: one aggregate query."""
    rows = (
        PhaseTransition.objects.filter(measure__in=measures.values("pk"))
        .filter(to_phase=F("measure__phase"))
        .values("measure_id")
        .annotate(last=Max("decided_at"))
        .order_by()
    )
    return {row["measure_id"]: local_date(row["last"]) for row in rows}


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
    """Components of phase III measures, counted as phases/readiness.py counts them."""
    described = Q(described_on__isnull=False)
    piloted = Q(piloted_in__isnull=False)
    rows = (
        ServiceComponent.objects.filter(measure__in=measures.filter(phase=3).values("pk"))
        .values("measure_id")
        .annotate(
            components=Count("pk"),
            described=Count("pk", filter=described),
            piloted=Count("pk", filter=piloted),
            ready=Count("pk", filter=described & piloted),
        )
        .order_by()
    )
    return {
        row["measure_id"]: {
            "components": row["components"],
            "described": row["described"],
            "piloted": row["piloted"],
            "ready": row["ready"],
        }
        for row in rows
    }


def no_components() -> Readiness:
    return {"components": 0, "described": 0, "piloted": 0, "ready": 0}


def continuations(measures: QuerySet[Measure]) -> dict[int, dict[str, Any]]:
    rows = ContinuationDecision.objects.filter(measure__in=measures.values("pk")).values(
        "measure_id",
        "outcome",
        "decision_maker",
        "decided_on",
        "adjustments_to_measure",
    )
    return {row["measure_id"]: dict(row) for row in rows}


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
    """Phase moves, continuation decisions and evaluation decisions made within ``period``.

    The continuation decisions are the rows already read for the measures (one per measure);
    transitions and evaluations take one query each.
    """
    start, end = period
    found: dict[int, list[Decision]] = defaultdict(list)
    # The day boundaries in the local time zone, so a move at 00:30 on the first day counts.
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, datetime.min.time(), tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    transitions = (
        PhaseTransition.objects.filter(measure__in=measures.values("pk"))
        .filter(decided_at__gte=since, decided_at__lt=until)
        .values(
            "measure_id",
            "from_phase",
            "to_phase",
            "reason",
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
                "text": move["reason"],
                "by": _person(move["decided_by__full_name"], move["decided_by__email"]),
            }
        )
    for measure_id, row in continuations.items():
        if _in_period(row["decided_on"], period):
            found[measure_id].append(
                {
                    "date": row["decided_on"].isoformat(),
                    "kind": "continuation",
                    "from_phase": None,
                    "to_phase": None,
                    "outcome": row["outcome"],
                    "text": row["adjustments_to_measure"],
                    "by": row["decision_maker"],
                }
            )
    # An evaluation's decision belongs to the period it evaluates: dated by its end.
    evaluations = (
        Evaluation.objects.filter(measure__in=measures.values("pk"))
        .filter(period_end__gte=start, period_end__lte=end)
        .values(
            "measure_id",
            "decision",
            "next_steps",
            "period_end",
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
                "outcome": evaluation["decision"],
                "text": evaluation["next_steps"],
                "by": _person(evaluation["created_by__full_name"], evaluation["created_by__email"]),
            }
        )
    for decisions in found.values():
        decisions.sort(key=lambda d: d["date"])  # stable: kinds keep their order on a day
    return found
