"""A measure already under way when the organisation starts using the product is registered
once in the phase it has reached, with a justification kept like any gate's; and a phase
move's justification is corrected by new versions, never overwritten."""

from __future__ import annotations

import pytest
from django.urls import reverse

from measures.models import Measure, Phase
from organizations.records import CorrectionRefused
from phases.models import PhaseTransition, TransitionCorrection
from phases.services import (
    PhaseMoveRefused,
    measure_move_phase,
    measure_register_phase,
    transition_correct,
)
from reports.content import measures_content
from tests.factories import MeasureFactory, ProgramFactory, SuccessFactorFactory

WHY = "Planlagt og vedtatt i 2025, før kommunen tok i bruk Tiltakshjulet (sak 2025/311)."


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


@pytest.fixture
def english(coordinator, team_lead):
    for user in (coordinator, team_lead):
        user.language = "en"
        user.save(update_fields=["language"])


def url(name, measure, *args):
    return reverse(name, args=[measure.organization.slug, measure.pk, *args])


def phase_of(measure) -> int:
    return Measure.objects.values_list("phase", flat=True).get(pk=measure.pk)


def test_a_coordinator_registers_a_measure_in_the_phase_it_has_reached(
    login, coordinator, measure, english
):
    SuccessFactorFactory(organization=measure.organization, phase=1, text="Nøkkelpersoner")
    client = login(coordinator)
    assert (
        url("phase_register", measure)
        in client.get(url("measure_detail", measure)).content.decode()
    )
    response = client.post(url("phase_register", measure), {"to_phase": 3, "reason": WHY})
    assert response.status_code == 302
    assert phase_of(measure) == Phase.IMPLEMENT
    transition = PhaseTransition.objects.get(measure=measure)
    assert (transition.from_phase, transition.to_phase) == (1, 3)
    assert transition.is_registration and not transition.overridden
    assert (transition.reason, transition.decided_by) == (WHY, coordinator)
    # The phase I factors as they stood, as for a gate.
    assert any(row["text"] == "Nøkkelpersoner" for row in transition.factors_snapshot)
    page = client.get(url("measure_detail", measure)).content.decode()
    assert "registered in a later phase, not through the gates" in page and "2025/311" in page
    # And once only: the measure now moves through the gates.
    assert url("phase_register", measure) not in page
    assert measures_content(measure.organization)[0]["phase_entry"] == "registration"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"to_phase": 3, "reason": " "}, "reason", "Say why the measure is registered"),
        ({"reason": WHY}, "to_phase", "Choose phase II, III or IV."),
        ({"to_phase": 1, "reason": WHY}, "to_phase", "Choose one of the options"),
        ({"to_phase": 5, "reason": WHY}, "to_phase", "Choose one of the options"),
    ],
)
def test_a_registration_needs_a_later_phase_and_a_justification(
    login, coordinator, measure, english, data, field, message
):
    response = login(coordinator).post(url("phase_register", measure), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert phase_of(measure) == Phase.PREPARE and not PhaseTransition.objects.exists()


def test_a_measure_that_has_moved_cannot_be_registered(coordinator, measure):
    # Through the (closed) gate with an override, then back: it has moved.
    measure_move_phase(measure=measure, to_phase=2, user=coordinator, override=True, reason="x")
    measure_move_phase(measure=measure, to_phase=1, user=coordinator, reason="Tilbake.")
    with pytest.raises(PhaseMoveRefused):
        measure_register_phase(measure=measure, to_phase=3, user=coordinator, reason=WHY)
    assert phase_of(measure) == Phase.PREPARE
    assert PhaseTransition.objects.filter(kind="registration").count() == 0


def test_only_planners_register(login, team_lead, coordinator, measure):
    assert (
        login(team_lead)
        .post(url("phase_register", measure), {"to_phase": 2, "reason": WHY})
        .status_code
        == 403
    )
    with pytest.raises(PhaseMoveRefused):
        measure_register_phase(measure=measure, to_phase=2, user=team_lead, reason=WHY)
    assert phase_of(measure) == Phase.PREPARE


def test_a_justification_corrected_twice_keeps_every_version(login, coordinator, measure, english):
    transition = measure_register_phase(
        measure=measure, to_phase=2, user=coordinator, reason="Planlagt i 2025."
    )
    client = login(coordinator)
    path = url("transition_correct", measure, transition.pk)
    response = client.post(path, {"justification": "Planlagt og vedtatt i 2025."})
    assert "correction_reason" in response.context["form"].errors
    assert not TransitionCorrection.objects.exists()
    for number, text in ((2, "Planlagt og vedtatt i 2025."), (3, WHY)):
        response = client.post(
            path, {"justification": text, "correction_reason": f"Presisert ({number})."}
        )
        assert response.status_code == 302
    transition = PhaseTransition.objects.prefetch_related("corrections").get()
    assert transition.reason == "Planlagt i 2025."  # as given at the move
    assert transition.current_reason() == WHY
    assert [c.number for c in transition.corrections.order_by("number")] == [2, 3]
    page = client.get(url("measure_detail", measure)).content.decode()
    assert "2 earlier versions" in page and "Presisert (3)." in page
    assert "Justification of the move I Prepare → II Plan corrected" in page


def test_a_correction_of_a_justification_that_changes_nothing_is_refused(coordinator, measure):
    transition = measure_register_phase(measure=measure, to_phase=2, user=coordinator, reason=WHY)
    with pytest.raises(CorrectionRefused):
        transition_correct(transition=transition, user=coordinator, text=WHY, reason="Same.")
    assert not TransitionCorrection.objects.exists()


def test_only_planners_correct_a_justification(login, team_lead, coordinator, measure):
    transition = measure_register_phase(measure=measure, to_phase=2, user=coordinator, reason=WHY)
    response = login(team_lead).post(
        url("transition_correct", measure, transition.pk),
        {"justification": "Noe annet", "correction_reason": "Feil."},
    )
    assert response.status_code == 403
    with pytest.raises(CorrectionRefused):
        transition_correct(transition=transition, user=team_lead, text="Noe annet", reason="Feil.")


def test_a_move_of_another_measure_gives_404(login, coordinator, measure, organization):
    other = MeasureFactory(program=ProgramFactory(organization=organization))
    transition = measure_register_phase(measure=other, to_phase=2, user=coordinator, reason=WHY)
    response = login(coordinator).get(url("transition_correct", measure, transition.pk))
    assert response.status_code == 404
