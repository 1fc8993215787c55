"""Expectations for the phase gate, assessments of success factors and the organisation's
factors. The matrix measure is in phase I and led by the team_lead user."""

from __future__ import annotations

from django.core.files.base import ContentFile

from tests.factories import (
    FactorAssessmentFactory,
    PhaseTransitionFactory,
    SuccessFactorFactory,
)
from tests.matrix.base import (
    ADMINS,
    ALL_MEMBERS,
    MEASURE_WORKERS,
    PLANNERS,
    Case,
    measure_and,
    org,
    slug,
    slug_and,
)

MATRIX = {
    # Every member sees the gate; an empty POST from a planner re-renders it with the errors.
    "phase_gate": Case(measure_and(), org(ALL_MEMBERS, 200), org(PLANNERS, 200)),
    # The matrix measure is new (phase I, never moved): planners may register it in a later
    # phase; an empty POST shows "choose a phase" and "say why".
    # POST only: the measure's team asks the coordinators to review the gate (302 back to it;
    # a second request while one is pending is refused with a message, also a 302).
    "gate_review_request": Case(
        measure_and(), org(MEASURE_WORKERS, 405), org(MEASURE_WORKERS, 302)
    ),
    "phase_register": Case(measure_and(), org(PLANNERS, 200), org(PLANNERS, 200)),
    # An empty POST shows "write the justification" and "say why it is corrected".
    "transition_correct": Case(
        measure_and("gate_transition"), org(PLANNERS, 200), org(PLANNERS, 200)
    ),
    # An empty POST shows "choose a state": 200 for the measure's team.
    "factor_assess": Case(
        measure_and("gate_factor", "factor_pk"),
        org(MEASURE_WORKERS, 200),
        org(MEASURE_WORKERS, 200),
    ),
    # All of phase I's factors on one page; an empty POST shows "choose a state" per factor.
    "phase_assess": Case(
        lambda ctx: {**measure_and()(ctx), "phase": 1},
        org(MEASURE_WORKERS, 200),
        org(MEASURE_WORKERS, 200),
    ),
    "factor_evidence": Case(
        measure_and("gate_evidence", "factor_pk"), org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)
    ),
    "factor_list": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "factor_create": Case(slug, org(ADMINS, 200), org(ADMINS, 200)),
    "factor_update": Case(slug_and("gate_factor"), org(ADMINS, 200), org(ADMINS, 200)),
    "factor_retire": Case(slug_and("gate_factor"), org(ADMINS, 405), org(ADMINS, 302)),
    "factor_restore": Case(slug_and("gate_factor"), org(ADMINS, 405), org(ADMINS, 302)),
}


def _factor_with_evidence(ctx):
    """A factor the matrix measure has assessed with an evidence file (the URL takes the
    factor; the file hangs on the assessment)."""
    assessment = FactorAssessmentFactory(
        measure=ctx["measure"],
        factor=SuccessFactorFactory(organization=ctx["organization"], text="Med vedlegg"),
    )
    assessment.evidence_file.save("referat.txt", ContentFile("Referat fra teammøtet".encode()))
    return assessment.factor


BUILDERS = {
    "gate_factor": lambda ctx: SuccessFactorFactory(
        organization=ctx["organization"], text="Nøkkelpersoner er navngitt"
    ),
    "gate_evidence": _factor_with_evidence,
    "gate_transition": lambda ctx: PhaseTransitionFactory(
        measure=ctx["measure"], reason="Alle faktorene er oppfylt."
    ),
}
