"""Phase IV's workflow: the decision on the measure's future, and where that leaves it.

A decision to stop closes the measure. A decision to continue (with or without adjustments)
makes it part of ordinary operation once the organisation's required phase-IV success factors
are met; until then it stays in progress, and "mark as ordinary operation" checks again.
Nothing is deleted either way: a closed measure keeps its laps, decisions and history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from measures.models import Lifecycle, Measure, Phase
from organizations.models import User
from organizations.records import record_or_correct
from phases.models import ContinuationDecision, ContinuationRecommendation, FactorAssessment
from phases.services import GateFactor, factors_for

DECISION_FIELDS = (
    "outcome",
    "decision_maker",
    "decided_on",
    "case_reference",
    "adjustments_to_measure",
    "adjustments_to_plan",
)
RECOMMENDATION_FIELDS = ("recommendation", "reason")
CONTINUING = (ContinuationDecision.Outcome.CONTINUE, ContinuationDecision.Outcome.ADJUST)


class ContinuationRefused(Exception):
    """The step is not allowed now; ``messages`` say why, for the user. Nothing was saved."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class DecisionResult:
    decision: ContinuationDecision
    lifecycle: str
    # Required phase-IV factors not met yet (only when the decision is to continue).
    remaining: list[GateFactor] = field(default_factory=list)


def current_decision(measure: Measure) -> ContinuationDecision | None:
    """The decision as it stands: its latest version (one query)."""
    return (
        ContinuationDecision.objects.filter(measure=measure)
        .select_related("recorded_by")
        .order_by("-number")
        .first()
    )


def decision_versions(measure: Measure) -> list[ContinuationDecision]:
    """Every version of the decision, newest first (one query)."""
    return list(
        ContinuationDecision.objects.filter(measure=measure)
        .select_related("recorded_by")
        .order_by("-number")
    )


def current_recommendation(measure: Measure) -> ContinuationRecommendation | None:
    return (
        ContinuationRecommendation.objects.filter(measure=measure)
        .select_related("recorded_by")
        .order_by("-number")
        .first()
    )


def recommendation_versions(measure: Measure) -> list[ContinuationRecommendation]:
    return list(
        ContinuationRecommendation.objects.filter(measure=measure)
        .select_related("recorded_by")
        .order_by("-number")
    )


def phase_four_factors(measure: Measure) -> list[GateFactor]:
    """The organisation's phase-IV factors with this measure's assessments (three queries)."""
    factors = factors_for(measure.organization, Phase.CONTINUE)
    assessments = {
        assessment.factor_id: assessment
        for assessment in FactorAssessment.objects.filter(measure=measure, factor__in=factors)
    }
    return [GateFactor(factor, assessments.get(factor.pk)) for factor in factors]


def remaining_factors(measure: Measure) -> list[GateFactor]:
    """The required phase-IV factors not met yet: what stands between a decision to continue
    and ordinary operation. Optional factors never block, as at the gates."""
    return [item for item in phase_four_factors(measure) if item.blocks]


def factor_refusals(remaining: list[GateFactor]) -> list[str]:
    return [
        _("Not met yet: %(factor)s") % {"factor": item.factor.current_version} for item in remaining
    ]


def _lock(measure: Measure) -> Measure:
    locked = Measure.objects.select_for_update().select_related("organization").get(pk=measure.pk)
    if locked.phase != Phase.CONTINUE:
        raise ContinuationRefused(
            [_("The decision on continuing is made in phase IV. Move the measure there first.")]
        )
    return locked


def _set_lifecycle(
    measure: Measure, locked: Measure, lifecycle: str, user: User, reason: str = ""
) -> None:
    if locked.lifecycle != lifecycle:
        locked.lifecycle = lifecycle
        locked._history_user = user  # type: ignore[attr-defined]
        # A state changed by a corrected decision says why in the audit trail.
        locked._change_reason = reason or None  # type: ignore[attr-defined]
        locked.save(update_fields=["lifecycle", "updated_at"])
    measure.lifecycle = lifecycle


def continuation_record_decision(
    *, measure: Measure, user: User, data: dict[str, Any], reason: str = ""
) -> DecisionResult:
    """Records the decision, or corrects it with a new version (``reason`` required, and the
    correction must change something), and sets the measure's life cycle from the latest.

    Stop: closed. Continue, with or without adjustments: ordinary operation when every required
    phase-IV factor is met, otherwise in progress with the factors that remain. A measure
    already marked as ordinary operation stays so when the decision is corrected but still
    says continue (the marking is not undone by fixing a case reference). Raises
    ``CorrectionRefused`` or ``ContinuationRefused`` with nothing saved.
    """
    content = {name: data.get(name, "") for name in DECISION_FIELDS}
    with transaction.atomic():
        locked = _lock(measure)
        decision = record_or_correct(
            ContinuationDecision, subject=locked, user=user, content=content, reason=reason
        )
        remaining: list[GateFactor] = []
        if decision.outcome == ContinuationDecision.Outcome.STOP:
            lifecycle = Lifecycle.CLOSED
        else:
            remaining = remaining_factors(locked)
            if not remaining or locked.lifecycle == Lifecycle.ORDINARY:
                lifecycle = Lifecycle.ORDINARY
            else:
                lifecycle = Lifecycle.ACTIVE
        _set_lifecycle(measure, locked, lifecycle, user, decision.correction_reason)
    return DecisionResult(decision=decision, lifecycle=lifecycle, remaining=remaining)


def continuation_recommend(
    *, measure: Measure, user: User, recommendation: str, why: str, reason: str = ""
) -> ContinuationRecommendation:
    """Gives the coordinator's recommendation, or corrects it with a new version (``reason``
    required). The measure's row is locked so two versions cannot take one number."""
    content = {"recommendation": recommendation, "reason": why}
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        return record_or_correct(
            ContinuationRecommendation, subject=locked, user=user, content=content, reason=reason
        )


def continuation_mark_ordinary(*, measure: Measure, user: User) -> None:
    """Marks the measure as part of ordinary operation, after checking again that the
    decision says continue and that every required phase-IV factor is met."""
    with transaction.atomic():
        locked = _lock(measure)
        decision = ContinuationDecision.objects.filter(measure=locked).order_by("-number").first()
        if decision is None or decision.outcome not in CONTINUING:
            raise ContinuationRefused(
                [_("Only a measure with a decision to continue becomes ordinary operation.")]
            )
        remaining = remaining_factors(locked)
        if remaining:
            raise ContinuationRefused(factor_refusals(remaining))
        _set_lifecycle(measure, locked, Lifecycle.ORDINARY, user)
