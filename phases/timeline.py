"""The measure's timeline: every phase move with the gate as it stood, and every formal record
made or corrected on the way (the decision to go on, the recommendation and the decision on
continuing, corrections of justifications, evaluations and goal judgements), newest first.

Who decided what, when and why must survive staff turnover: the timeline is where a reader of
a measure sees all of it in one place. A fixed number of queries, however long the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from measures.models import EvaluationCorrection, GoalJudgement, Measure
from organizations.records import ShownVersion, shown_event_versions
from phases.models import (
    ContinuationDecision,
    ContinuationRecommendation,
    FactorState,
    LapDecisionCorrection,
    PhaseTransition,
    PreparationDecision,
    TransitionCorrection,
)


@dataclass
class SnapshotFactor:
    text: str
    required: bool
    state: str
    state_label: str


@dataclass
class TimelineEntry:
    """A phase move, with the factors as they stood and every version of its justification."""

    transition: PhaseTransition
    factors: list[SnapshotFactor]
    met: int
    readiness: dict[str, Any]
    versions: list[ShownVersion] = field(default_factory=list)

    @property
    def when(self) -> datetime:
        return self.transition.decided_at


@dataclass
class RecordEntry:
    """A formal record made or corrected: what, by whom, when, and why when corrected."""

    when: datetime
    what: str
    who: Any
    reason: str
    is_correction: bool
    url: str
    transition: None = None


def _snapshot_text(item: dict[str, Any], language: str) -> str:
    texts = item.get("texts") or {}
    for code in (language, "nb", "nn", "en"):
        if texts.get(code):
            return str(texts[code])
    return str(item.get("text", ""))


def transition_versions(transition: PhaseTransition) -> list[ShownVersion]:
    """The move's justification, newest version first (corrections prefetched)."""
    return shown_event_versions(
        transition, recorded_at=transition.decided_at, recorded_by=transition.decided_by
    )


def _moves(measure: Measure) -> list[TimelineEntry | RecordEntry]:
    """The moves, and each correction of a move's justification as an entry of its own at
    the time it was made: two queries."""
    language = (translation.get_language() or "nb")[:2]
    labels = dict(FactorState.choices)
    corrections = TransitionCorrection.objects.select_related("recorded_by")
    entries: list[TimelineEntry | RecordEntry] = []
    for transition in (
        PhaseTransition.objects.filter(measure=measure)
        .select_related("decided_by")
        .prefetch_related(Prefetch("corrections", queryset=corrections))
    ):
        factors = [
            SnapshotFactor(
                text=_snapshot_text(item, language),
                required=bool(item.get("required")),
                state=str(item.get("state", "")),
                state_label=str(labels.get(item.get("state", ""), item.get("state", ""))),
            )
            for item in transition.factors_snapshot or []
        ]
        entries.append(
            TimelineEntry(
                transition=transition,
                factors=factors,
                met=sum(1 for f in factors if f.state == FactorState.MET),
                readiness=transition.readiness_snapshot or {},
                versions=transition_versions(transition),
            )
        )
        move = f"{transition.get_from_phase_display()} → {transition.get_to_phase_display()}"
        for correction in transition.corrections.all():
            entries.append(
                RecordEntry(
                    when=correction.recorded_at,
                    what=_("Justification of the move %(value)s corrected") % {"value": move},
                    who=correction.recorded_by,
                    reason=correction.correction_reason,
                    is_correction=True,
                    url=f"#transition-{transition.pk}",
                )
            )
    return entries


def _what(version: Any, first: str, corrected: str, value: str) -> str:
    return (corrected if version.number > 1 else first) % {"value": value}


def _records(measure: Measure) -> list[RecordEntry]:
    """The measure's formal records and their corrections: six queries."""
    slug = measure.organization.slug
    url = {
        name: reverse(name, args=[slug, measure.pk])
        for name in ("preparation", "continuation", "measure_detail")
    }
    entries: list[RecordEntry] = []

    def add(row: Any, what: str, link: str) -> None:
        entries.append(
            RecordEntry(
                when=row.recorded_at,
                what=what,
                who=row.recorded_by,
                reason=row.correction_reason,
                is_correction=row.number > 1,
                url=link,
            )
        )

    for go_on in PreparationDecision.objects.filter(measure=measure).select_related("recorded_by"):
        what = _what(
            go_on,
            _("Decision to go on recorded: %(value)s"),
            _("Decision to go on corrected: %(value)s"),
            str(go_on.get_decision_display()),
        )
        add(go_on, what, f"{url['preparation']}#decision")
    for recommendation in ContinuationRecommendation.objects.filter(measure=measure).select_related(
        "recorded_by"
    ):
        what = _what(
            recommendation,
            _("Recommendation on continuing given: %(value)s"),
            _("Recommendation on continuing corrected: %(value)s"),
            str(recommendation.get_recommendation_display()),
        )
        add(recommendation, what, f"{url['continuation']}#recommendation")
    for decision in ContinuationDecision.objects.filter(measure=measure).select_related(
        "recorded_by"
    ):
        what = _what(
            decision,
            _("Decision on continuing recorded: %(value)s"),
            _("Decision on continuing corrected: %(value)s"),
            str(decision.get_outcome_display()),
        )
        add(decision, what, f"{url['continuation']}#decision")
    for lap_correction in LapDecisionCorrection.objects.filter(
        iteration__measure=measure
    ).select_related("recorded_by", "iteration"):
        add(
            lap_correction,
            _("Decision for the next lap corrected: lap %(value)s")
            % {"value": lap_correction.iteration.number},
            reverse("iteration_detail", args=[slug, measure.pk, lap_correction.iteration_id]),
        )
    for correction in EvaluationCorrection.objects.filter(
        evaluation__measure=measure
    ).select_related("recorded_by", "evaluation"):
        evaluation = correction.evaluation
        add(
            correction,
            _("Evaluation of %(value)s corrected")
            % {"value": _period(evaluation.period_start, evaluation.period_end)},
            reverse("evaluation_detail", args=[slug, measure.pk, evaluation.pk]),
        )
    for judgement in GoalJudgement.objects.filter(goal__measure=measure).select_related(
        "recorded_by", "goal"
    ):
        what = _what(
            judgement,
            _("Goal judged: %(value)s"),
            _("Judgement of a goal corrected: %(value)s"),
            f"{judgement.goal.title} ({judgement.get_judgement_display()})",
        )
        add(judgement, what, f"{url['measure_detail']}#goal-{judgement.goal_id}")
    return entries


def _period(start: date, end: date) -> str:
    return f"{date_format(start, 'SHORT_DATE_FORMAT')}–{date_format(end, 'SHORT_DATE_FORMAT')}"


def timeline(measure: Measure) -> list[TimelineEntry | RecordEntry]:
    """Phase moves and formal records, newest first: eight queries, however many rows."""
    entries: list[TimelineEntry | RecordEntry] = [*_moves(measure), *_records(measure)]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
