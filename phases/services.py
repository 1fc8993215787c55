"""Phase workflows: the organisation's success factors, gates, and moving between phases."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from measures.models import Measure, Phase
from organizations.models import Organization, User
from phases.defaults import DEFAULT_FACTORS
from phases.models import (
    FactorAssessment,
    FactorState,
    PhaseTransition,
    SuccessFactor,
    SuccessFactorVersion,
)
from phases.readiness import Readiness, readiness


class PhaseMoveRefused(Exception):
    """The move is not allowed as asked; ``messages`` say why, for the user."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def ensure_default_factors(organization: Organization) -> None:
    """Copies the shipped factors into the organisation once (idempotent)."""
    existing = set(
        SuccessFactor.objects.filter(organization=organization)
        .exclude(default_key="")
        .values_list("default_key", flat=True)
    )
    with transaction.atomic():
        for position, default in enumerate(DEFAULT_FACTORS):
            if default["key"] in existing:
                continue
            factor = SuccessFactor.objects.create(
                organization=organization,
                phase=default["phase"],
                default_key=default["key"],
                position=position,
            )
            version = SuccessFactorVersion.objects.create(
                factor=factor,
                number=1,
                text_nb=default["nb"],
                text_nn=default["nn"],
                text_en=default["en"],
            )
            factor.current_version = version
            factor.save(update_fields=["current_version"])


def factors_for(organization: Organization, phase: int) -> list[SuccessFactor]:
    """The organisation's active factors of one phase, with their current wording."""
    if not SuccessFactor.objects.filter(organization=organization).exists():
        ensure_default_factors(organization)
    return list(
        SuccessFactor.objects.filter(organization=organization, phase=phase, is_retired=False)
        .select_related("current_version")
        .order_by("position", "pk")
    )


@dataclass
class GateFactor:
    factor: SuccessFactor
    assessment: FactorAssessment | None

    @property
    def state(self) -> str:
        return self.assessment.state if self.assessment else FactorState.NOT_STARTED

    @property
    def is_met(self) -> bool:
        return self.state == FactorState.MET

    @property
    def blocks(self) -> bool:
        return self.factor.required and not self.is_met


@dataclass
class Gate:
    """What stands between a measure and the phase it wants to move to."""

    measure: Measure
    from_phase: int
    to_phase: int
    factors: list[GateFactor] = field(default_factory=list)
    readiness: Readiness | None = None  # only for the exit from the roundabout (III → IV)

    @property
    def is_backwards(self) -> bool:
        return self.to_phase < self.from_phase

    @property
    def blocking(self) -> list[GateFactor]:
        return [f for f in self.factors if f.blocks]

    @property
    def exit_rule_met(self) -> bool:
        return self.readiness is None or self.readiness.exit_rule_met

    @property
    def passes(self) -> bool:
        return self.is_backwards or (not self.blocking and self.exit_rule_met)

    def snapshot(self) -> list[dict[str, object]]:
        return [
            {
                "factor": item.factor.pk,
                "version": item.factor.current_version_id,
                "text": item.factor.current_version.text() if item.factor.current_version else "",
                "required": item.factor.required,
                "state": item.state,
            }
            for item in self.factors
        ]


def gate_for(measure: Measure, to_phase: int) -> Gate:
    """The gate out of the measure's current phase: that phase's factors (and, leaving the
    roundabout, the service's readiness). A fixed number of queries."""
    gate = Gate(measure=measure, from_phase=measure.phase, to_phase=to_phase)
    if gate.is_backwards:
        return gate
    factors = factors_for(measure.organization, measure.phase)
    assessments = {
        a.factor_id: a for a in FactorAssessment.objects.filter(measure=measure, factor__in=factors)
    }
    gate.factors = [GateFactor(factor, assessments.get(factor.pk)) for factor in factors]
    if measure.phase == Phase.IMPLEMENT and to_phase == Phase.CONTINUE:
        gate.readiness = readiness(measure)
    return gate


def measure_move_phase(
    *, measure: Measure, to_phase: int, user: User, reason: str = "", override: bool = False
) -> PhaseTransition:
    """Moves a measure to another phase, or refuses with the reasons (nothing saved).

    Forwards one phase at a time through the gate; backwards to any earlier phase with a
    reason. A coordinator may override a closed gate with a written justification, which is
    kept on the transition. The measure's row is locked, so two moves cannot cross.
    """
    reason = reason.strip()
    with transaction.atomic():
        locked = (
            Measure.objects.select_for_update().select_related("organization").get(pk=measure.pk)
        )
        if to_phase not in Phase.values or to_phase == locked.phase:
            raise PhaseMoveRefused([_("Choose another phase than the current one.")])
        if to_phase > locked.phase + 1:
            raise PhaseMoveRefused([_("A measure moves forwards one phase at a time.")])
        gate = gate_for(locked, to_phase)
        if gate.is_backwards and not reason:
            raise PhaseMoveRefused([_("Say why the measure goes back to an earlier phase.")])
        overridden = False
        if not gate.passes:
            if not override:
                raise PhaseMoveRefused(gate_refusals(gate))
            if not reason:
                raise PhaseMoveRefused([_("An override needs a written justification.")])
            overridden = True
        transition = PhaseTransition.objects.create(
            measure=locked,
            from_phase=locked.phase,
            to_phase=to_phase,
            decided_by=user,
            reason=reason,
            overridden=overridden,
            factors_snapshot=gate.snapshot(),
            readiness_snapshot=gate.readiness.as_snapshot() if gate.readiness else {},
        )
        locked.phase = to_phase
        locked._history_user = user  # type: ignore[attr-defined]
        locked.save(update_fields=["phase", "updated_at"])
    measure.phase = to_phase
    return transition


def gate_refusals(gate: Gate) -> list[str]:
    messages = [
        _("Not met yet: %(factor)s") % {"factor": item.factor.current_version}
        for item in gate.blocking
    ]
    if gate.readiness is not None and not gate.readiness.exit_rule_met:
        messages.append(
            _(
                "The service is not fully developed: %(ready)s of %(total)s components are "
                "both described and piloted."
            )
            % {"ready": gate.readiness.ready, "total": gate.readiness.total}
        )
    return messages
