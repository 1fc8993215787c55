"""Workflows of the measures app that span several models, each in one transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from dataversion import versions
from measures import recurrence
from measures.attainment import attainment_percent, percent
from measures.exchange.imports import ImportRow, check_rows
from measures.models import (
    Evaluation,
    EvaluationCorrection,
    EvaluationCycle,
    Goal,
    GoalJudgement,
    Indicator,
    Measure,
    Measurement,
)
from organizations.models import Organization, User
from organizations.records import add_correction, record_or_correct

EVALUATION_FIELDS = (
    "period_start",
    "period_end",
    "tried",
    "worked",
    "did_not_work",
    "lessons",
    "decision",
    "next_steps",
)


def next_evaluation_due(measure: Measure) -> date | None:
    """The measure's next due date from its cycle and its latest evaluation (None: no cycle,
    or no due date left before the measure ends: nothing is due after its life)."""
    cycle = EvaluationCycle.objects.filter(measure=measure).first()
    if cycle is None:
        return None
    last = measure.evaluations.aggregate(last=Max("period_end"))["last"]
    due = recurrence.next_due(
        rhythm=cycle.rhythm, first_due=cycle.first_due, rule=cycle.rrule, last_evaluated=last
    )
    if due is not None and measure.end_date is not None and due > measure.end_date:
        return None
    return due


def evaluation_due_refresh(*, measure: Measure, user: User) -> None:
    """Recomputes the measure's next due date after its end date changed (and saves it
    only if it changed, so the history shows no change that was none)."""
    with transaction.atomic():
        locked = _lock(measure)
        if next_evaluation_due(locked) != locked.next_evaluation_due:
            _store_next_due(measure, locked, user)


def _lock(measure: Measure) -> Measure:
    # Two evaluations saved at once must not compute the next due date from a stale view.
    return Measure.objects.select_for_update().get(pk=measure.pk)


def _store_next_due(measure: Measure, locked: Measure, user: User) -> None:
    locked.next_evaluation_due = next_evaluation_due(locked)
    locked._history_user = user  # type: ignore[attr-defined]
    locked.save(update_fields=["next_evaluation_due", "updated_at"])
    measure.next_evaluation_due = locked.next_evaluation_due


def evaluation_cycle_set(
    *, measure: Measure, user: User, rhythm: str, first_due: date, rrule: str = ""
) -> EvaluationCycle:
    """Sets (or changes) the measure's rhythm and recomputes its next due date."""
    rule = recurrence.normalize_rule(rrule) if rhythm == EvaluationCycle.Rhythm.CUSTOM else ""
    recurrence.series(rhythm=rhythm, first_due=first_due, rule=rule)  # refuses a bad rule
    with transaction.atomic():
        locked = _lock(measure)
        cycle = EvaluationCycle.objects.filter(measure=locked).first() or EvaluationCycle(
            measure=locked
        )
        cycle.rhythm, cycle.first_due, cycle.rrule = rhythm, first_due, rule
        cycle._history_user = user  # type: ignore[attr-defined]
        cycle.save()
        _store_next_due(measure, locked, user)
    return cycle


def indicator_snapshot(measure: Measure, *, on: date) -> list[dict[str, Any]]:
    """The measure's indicators with their latest value on or before ``on``, as plain JSON.

    Kept with an evaluation as it was: later corrections of measurements do not change what
    the team saw when they evaluated. Numbers are strings, so no decimal is rounded; the goal
    attainment is kept as the whole percentage the team saw (``attainment_percent``), computed
    once by the function every other page uses. (Older snapshots kept the share rounded to
    four decimals as "attainment" instead: ``snapshot_percent`` reads both.)
    """
    latest = Measurement.objects.filter(indicator=OuterRef("pk"), date__lte=on).order_by("-date")
    indicators = (
        Indicator.objects.filter(measure=measure)
        .select_related("goal")
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_date=Subquery(latest.values("date")[:1]),
        )
        .order_by("goal__position", "goal_id", "pk")
    )
    snapshot = []
    for indicator in indicators:
        value: Decimal | None = indicator.latest_value
        shown = (
            attainment_percent(
                baseline=indicator.baseline_value, target=indicator.target_value, value=value
            )
            if value is not None
            else None
        )
        latest_date: date | None = indicator.latest_date
        snapshot.append(
            {
                "indicator": indicator.pk,
                "goal": indicator.goal.title,
                "name": indicator.name,
                "unit": indicator.unit,
                "direction": indicator.direction,
                "baseline": _plain(indicator.baseline_value),
                "target": _plain(indicator.target_value),
                "value": _plain(value),
                "date": latest_date.isoformat() if latest_date else None,
                "attainment_percent": shown,
            }
        )
    return snapshot


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _snapshot_decimal(item: dict[str, Any], key: str) -> Decimal | None:
    raw = item.get(key)
    if raw in (None, ""):
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


def snapshot_percent(item: dict[str, Any]) -> int | None:
    """The goal attainment of one indicator of an evaluation's snapshot, in whole percent.

    A snapshot keeps the percentage it was made with. An older one kept only the share,
    rounded to four decimals: rounding that again would round twice (0.12495 kept as 0.1250
    reads 13 % where every other page says 12 %), so its own frozen baseline, target and value
    are worked out again with the one function, and the share is the last resort.
    """
    if "attainment_percent" in item:
        shown = item["attainment_percent"]
        return None if shown is None else int(shown)
    baseline, target, value = (
        _snapshot_decimal(item, key) for key in ("baseline", "target", "value")
    )
    if baseline is not None and target is not None and value is not None:
        return attainment_percent(baseline=baseline, target=target, value=value)
    share = _snapshot_decimal(item, "attainment")
    return None if share is None else percent(share)


def evaluation_record(*, measure: Measure, user: User, data: dict[str, Any]) -> Evaluation:
    """Records an evaluation with the indicators as they stand at the end of its period, and
    moves the measure's next due date on (see ``recurrence`` for which date it answers)."""
    with transaction.atomic():
        locked = _lock(measure)
        evaluation = Evaluation(
            measure=locked,
            created_by=user,
            indicator_snapshot=indicator_snapshot(locked, on=data["period_end"]),
            **{name: data[name] for name in EVALUATION_FIELDS},
        )
        evaluation._history_user = user  # type: ignore[attr-defined]
        evaluation.save()
        _store_next_due(measure, locked, user)
    return evaluation


JUDGEMENT_FIELDS = ("judgement", "narrative")


def goal_judgements(goal: Goal) -> list[GoalJudgement]:
    """Every version of the goal's judgement, newest first (one query)."""
    return list(goal.judgements.select_related("recorded_by").order_by("-number"))


def goal_judge(
    *, goal: Goal, user: User, judgement: str, narrative: str, reason: str = ""
) -> GoalJudgement:
    """Judges the goal's attainment, or corrects the judgement with a new version (``reason``
    required, and it must change something). The goal's row is locked so two judgements
    cannot take one number; raises ``CorrectionRefused`` with nothing saved."""
    content = {"judgement": judgement, "narrative": narrative}
    with transaction.atomic():
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        return record_or_correct(
            GoalJudgement, subject=locked, user=user, content=content, reason=reason
        )


def evaluations_with_corrections(measure: Measure) -> list[Evaluation]:
    """The measure's evaluations, newest first, with who recorded them and their corrections
    (two queries); ``evaluation.current()`` is what each says as it stands."""
    corrections = EvaluationCorrection.objects.select_related("recorded_by")
    return list(
        measure.evaluations.select_related("created_by").prefetch_related(
            Prefetch("corrections", queryset=corrections)
        )
    )


def evaluation_correct(
    *, evaluation: Evaluation, user: User, data: dict[str, Any], reason: str
) -> EvaluationCorrection:
    """Corrects what an evaluation says with a new version and its reason. The period and the
    indicators as they stood stay as recorded; raises ``CorrectionRefused`` with nothing
    saved. The evaluation's row is locked so two corrections cannot take one number."""
    content = {name: data[name] for name in Evaluation.CORRECTABLE}
    with transaction.atomic():
        locked = (
            Evaluation.objects.select_for_update()
            .prefetch_related("corrections")
            .get(pk=evaluation.pk)
        )
        current = locked.current()
        return add_correction(
            EvaluationCorrection,
            event=locked,
            current={name: getattr(current, name) for name in Evaluation.CORRECTABLE},
            content=content,
            user=user,
            reason=reason,
        )


class ImportRejected(Exception):
    """Nothing was saved: some rows are wrong (their ``errors`` say why) or changed meanwhile."""

    def __init__(self, rows: list[ImportRow], message: str = "") -> None:
        super().__init__(message)
        self.rows = rows
        self.message = message


def measurements_import(
    *, organization: Organization, user: User, rows: list[ImportRow], today: date | None = None
) -> int:
    """Saves all the rows or none: every row is checked again, inside the transaction.

    Returns the number saved; raises :class:`ImportRejected` when any row is wrong now (a
    measurement entered meanwhile, an indicator deleted or its plausible range changed).
    """
    for row in rows:
        row.errors.clear()
    try:
        with transaction.atomic():
            check_rows(rows, organization=organization, today=today or timezone.localdate())
            if not rows or any(row.errors for row in rows):
                raise ImportRejected(rows)
            measurements = [
                Measurement(
                    indicator=row.indicator,
                    date=row.date,
                    value=row.value,
                    comment=row.comment,
                    entered_by=user,
                )
                for row in rows
                if row.date is not None and row.value is not None  # so it is, once checked
            ]
            bulk_create_with_history(measurements, Measurement, batch_size=500, default_user=user)
            # bulk_create sends no signals: the cached dashboard learns of the rows here.
            versions.bump_on_commit([organization.pk])
    except IntegrityError as error:
        # Someone saved a measurement for one of these indicators and dates in the meantime.
        raise ImportRejected(
            rows, _("Measurements were saved meanwhile for some of these dates. Nothing is saved.")
        ) from error
    return len(measurements)
