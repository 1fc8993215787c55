"""Phase workflows: the organisation's success factors, gates, and moving between phases."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from measures.models import Measure, Phase
from organizations.models import Organization, User
from organizations.records import CorrectionRefused, add_correction
from phases.defaults import DEFAULT_FACTORS
from phases.models import (
    FactorAssessment,
    FactorState,
    LapDecisionCorrection,
    PhaseTransition,
    PilotIteration,
    SuccessFactor,
    SuccessFactorVersion,
    TransitionCorrection,
)
from phases.readiness import Readiness, readiness

# The languages a factor's wording is kept in (SuccessFactorVersion.text_<language>).
FACTOR_LANGUAGES = ("nb", "nn", "en")


class PhaseMoveRefused(Exception):
    """The move is not allowed as asked; ``messages`` say why, for the user."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


# --- the organisation's success factors ----------------------------------------------------


def _default_keys(organization: Organization) -> set[str]:
    return set(
        SuccessFactor.objects.filter(organization=organization)
        .exclude(default_key="")
        .values_list("default_key", flat=True)
    )


# Organisations known to hold every shipped factor, with the keys shipped when it was seen:
# the measure page and the gate page skip the check's query after the first visit.
_COMPLETE: set[tuple[int, frozenset[str]]] = set()


def ensure_default_factors(organization: Organization) -> None:
    """Copies the shipped factors the organisation does not have yet (idempotent; one query
    when there is nothing to copy). A default the product adds later is copied too; one the
    organisation retired stays retired, since its row is there."""
    shipped = frozenset(default["key"] for default in DEFAULT_FACTORS)
    if (organization.pk, shipped) in _COMPLETE:
        return
    if shipped <= _default_keys(organization):
        # Seen committed (outside a transaction): the rows stay, since factors are retired,
        # never deleted, so this process need not ask again until the shipped list changes.
        if not transaction.get_connection().in_atomic_block:
            _COMPLETE.add((organization.pk, shipped))
        return
    with transaction.atomic():
        # Two first visits at once must not both copy: the organisation's row serialises them,
        # and the keys are read again behind the lock.
        list(Organization.objects.select_for_update().filter(pk=organization.pk).values("pk"))
        existing = _default_keys(organization)
        for position, default in enumerate(DEFAULT_FACTORS):
            if default["key"] in existing:
                continue
            factor = SuccessFactor.objects.create(
                organization=organization,
                phase=default["phase"],
                default_key=default["key"],
                required=default.get("required", True),
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
    """The organisation's active factors of one phase, with their current wording (two
    queries once the defaults are in place)."""
    ensure_default_factors(organization)
    return list(
        SuccessFactor.objects.filter(organization=organization, phase=phase, is_retired=False)
        .select_related("current_version")
        .order_by("position", "pk")
    )


def factor_create(
    *,
    organization: Organization,
    phase: int,
    required: bool,
    texts: Mapping[str, str],
    user: User,
) -> SuccessFactor:
    """An organisation's own factor, after its phase's others, with its first wording."""
    ensure_default_factors(organization)  # so the shipped ones keep their places before it
    with transaction.atomic():
        last = SuccessFactor.objects.filter(organization=organization).aggregate(
            last=Max("position")
        )["last"]
        factor = SuccessFactor.objects.create(
            organization=organization,
            phase=phase,
            required=required,
            position=(last if last is not None else len(DEFAULT_FACTORS)) + 1,
        )
        factor.current_version = SuccessFactorVersion.objects.create(
            factor=factor, number=1, created_by=user, **_text_fields(texts)
        )
        factor.save(update_fields=["current_version"])
    return factor


def factor_reword(
    *, factor: SuccessFactor, texts: Mapping[str, str], required: bool, user: User
) -> SuccessFactorVersion | None:
    """Sets the factor's wording and whether it is required. A changed wording becomes a new
    version (returned); earlier assessments and transitions keep the version they were made
    against. Returns None when the wording stayed the same."""
    with transaction.atomic():
        locked = (
            # Only the factor's own row is locked: PostgreSQL refuses FOR UPDATE on the
            # nullable side of the join to the current version.
            SuccessFactor.objects.select_for_update(of=("self",))
            .select_related("current_version")
            .get(pk=factor.pk)
        )
        current = locked.current_version
        fields = _text_fields(texts)
        version = None
        if current is None or any(getattr(current, name) != text for name, text in fields.items()):
            number = locked.versions.aggregate(last=Max("number"))["last"] or 0
            version = SuccessFactorVersion.objects.create(
                factor=locked, number=number + 1, created_by=user, **fields
            )
            locked.current_version = version
        locked.required = required
        locked.save(update_fields=["current_version", "required", "updated_at"])
    factor.current_version = locked.current_version
    factor.required = required
    return version


def _text_fields(texts: Mapping[str, str]) -> dict[str, str]:
    return {
        f"text_{language}": (texts.get(language) or "").strip() for language in FACTOR_LANGUAGES
    }


def factor_assessment_save(*, form: Any, factor: SuccessFactor, user: User) -> FactorAssessment:
    """Saves one valid ``FactorAssessmentForm``: the state and evidence, against the factor's
    current wording, by ``user`` now. The one save path of an assessment, whether one factor
    or a phase's factors are assessed on the page; its history row is the audit trail's.

    Raises ``IntegrityError`` when someone else assessed the factor for the first time a
    moment ago (one assessment per measure and factor)."""
    from django.utils import timezone

    from measures.uploads import save_with_upload

    if factor.current_version is None:
        raise SuccessFactorVersion.DoesNotExist
    assessment: FactorAssessment = form.instance
    assessment.version = factor.current_version
    assessment.assessed_by = user
    assessment.assessed_at = timezone.now()
    # A replaced file stays in storage: the assessment's history still points at it.
    return save_with_upload(form, "evidence_file", "evidence", keep_replaced=True)


# --- gates ----------------------------------------------------------------------------------


@dataclass
class GateFactor:
    factor: SuccessFactor
    assessment: FactorAssessment | None

    @property
    def state(self) -> str:
        return self.assessment.state if self.assessment else FactorState.NOT_STARTED

    @property
    def state_label(self) -> str:
        return str(FactorState(self.state).label)

    @property
    def is_met(self) -> bool:
        return self.state == FactorState.MET

    @property
    def blocks(self) -> bool:
        return self.factor.required and not self.is_met

    @property
    def assessed_version(self) -> SuccessFactorVersion | None:
        """The wording the state was given against (the current one when not assessed)."""
        return self.assessment.version if self.assessment else self.factor.current_version

    @property
    def assessed_against_earlier_wording(self) -> bool:
        return (
            self.assessment is not None
            and self.assessment.version_id != self.factor.current_version_id
        )


def phase_factors(measure: Measure, phase: int) -> list[GateFactor]:
    """The active factors of one phase with the measure's assessments of them (who assessed
    and against which wording): three queries, however many factors."""
    factors = factors_for(measure.organization, phase)
    assessments = {
        assessment.factor_id: assessment
        for assessment in FactorAssessment.objects.filter(
            measure=measure, factor__in=factors
        ).select_related("version", "assessed_by")
    }
    return [GateFactor(factor, assessments.get(factor.pk)) for factor in factors]


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

    def snapshot(self) -> list[dict[str, Any]]:
        """The factors as they stood: the wording each state was given against (in every
        language, so the timeline reads in the reader's own), required or not, and the state."""
        rows = []
        for item in self.factors:
            version = item.assessed_version
            rows.append(
                {
                    "factor": item.factor.pk,
                    "version": version.pk if version else None,
                    "text": version.text() if version else "",
                    "texts": {
                        language: getattr(version, f"text_{language}") if version else ""
                        for language in FACTOR_LANGUAGES
                    },
                    "required": item.factor.required,
                    "state": item.state,
                }
            )
        return rows


def gate_for(measure: Measure, to_phase: int) -> Gate:
    """The gate out of the measure's current phase: that phase's factors (and, leaving the
    roundabout, the service's readiness). A fixed number of queries."""
    gate = Gate(measure=measure, from_phase=measure.phase, to_phase=to_phase)
    if gate.is_backwards:
        return gate
    gate.factors = phase_factors(measure, measure.phase)
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
        # The views check this too; here it holds for every other caller.
        if not user.has_perm("phases.move_phase", locked):
            raise PhaseMoveRefused(
                [_("Only coordinators and administrators move a measure between phases.")]
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


def measure_register_phase(
    *, measure: Measure, to_phase: int, user: User, reason: str
) -> PhaseTransition:
    """Registers a measure that was already under way when the organisation started using
    the product in the phase it has reached, once, with a justification.

    Every measure starts in phase I; this is the only way past the gates without walking
    through them, and it is recorded like a gate move (who, when, why, the phase I factors as
    they stood) and shown as a registration wherever the move appears. Only a measure in phase
    I that has never moved may be registered. The measure's row is locked.
    """
    reason = reason.strip()
    with transaction.atomic():
        locked = (
            Measure.objects.select_for_update().select_related("organization").get(pk=measure.pk)
        )
        if not user.has_perm("phases.move_phase", locked):
            raise PhaseMoveRefused(
                [_("Only coordinators and administrators move a measure between phases.")]
            )
        if locked.phase != Phase.PREPARE or PhaseTransition.objects.filter(measure=locked).exists():
            raise PhaseMoveRefused(
                [
                    _(
                        "Only a new measure that has not moved yet can be registered in a later "
                        "phase. This one moves through the gates."
                    )
                ]
            )
        if to_phase not in Phase.values or to_phase == Phase.PREPARE:
            raise PhaseMoveRefused([_("Choose phase II, III or IV.")])
        if not reason:
            raise PhaseMoveRefused(
                [_("Say why the measure is registered in a later phase: what has been done.")]
            )
        transition = PhaseTransition.objects.create(
            measure=locked,
            from_phase=Phase.PREPARE,
            to_phase=to_phase,
            decided_by=user,
            reason=reason,
            kind=PhaseTransition.Kind.REGISTRATION,
            factors_snapshot=Gate(
                measure=locked,
                from_phase=Phase.PREPARE,
                to_phase=to_phase,
                factors=phase_factors(locked, Phase.PREPARE),
            ).snapshot(),
        )
        locked.phase = to_phase
        locked._history_user = user  # type: ignore[attr-defined]
        locked._change_reason = reason  # type: ignore[attr-defined]
        locked.save(update_fields=["phase", "updated_at"])
    measure.phase = to_phase
    return transition


def transition_correct(
    *, transition: PhaseTransition, user: User, text: str, reason: str
) -> TransitionCorrection:
    """Corrects the justification of a phase move (an override, a move back, a registration,
    a note) with a new version and its reason; the move itself and the justification given at
    the time stay. The measure's row is locked; raises ``CorrectionRefused`` with nothing
    saved."""
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=transition.measure_id)
        if not user.has_perm("phases.move_phase", locked):
            raise CorrectionRefused(
                [_("Only coordinators and administrators correct a phase move's justification.")]
            )
        current = PhaseTransition.objects.prefetch_related("corrections").get(pk=transition.pk)
        return add_correction(
            TransitionCorrection,
            event=current,
            current={"justification": current.current_reason()},
            content={"justification": text},
            user=user,
            reason=reason,
        )


def lap_decision_correct(
    *, iteration: PilotIteration, user: User, text: str, reason: str
) -> LapDecisionCorrection:
    """Corrects a lap's decision for the next lap with a new version and its reason; the
    decision as first recorded stays. The measure's row is locked; raises
    ``CorrectionRefused`` with nothing saved."""
    with transaction.atomic():
        Measure.objects.select_for_update().filter(pk=iteration.measure_id).values("pk").first()
        current = PilotIteration.objects.prefetch_related("decision_corrections").get(
            pk=iteration.pk
        )
        return add_correction(
            LapDecisionCorrection,
            event=current,
            current={"decision_next": current.current_decision_next()},
            content={"decision_next": text},
            user=user,
            reason=reason,
        )


def gate_refusals(gate: Gate) -> list[str]:
    """Why the gate is closed, one plain sentence per reason."""
    messages = [
        _("Not met yet: %(factor)s") % {"factor": item.factor.current_version}
        for item in gate.blocking
    ]
    if gate.readiness is not None:
        messages.extend(gate.readiness.shortfalls())
    return messages
