"""The gates between phases: what they show, when they open, overrides and their kept
justification, moves back, the exit rule of the roundabout, forged POSTs, the measure's
timeline, and fixed query counts on the gate page and the measure page's section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from measures.models import Measure, Phase
from phases.models import FactorAssessment, PhaseTransition, ServiceComponent, SuccessFactor
from phases.services import (
    PhaseMoveRefused,
    factor_reword,
    factors_for,
    gate_for,
    measure_move_phase,
)
from phases.views.gates import measure_section
from tests.factories import (
    FactorAssessmentFactory,
    MeasureFactory,
    PilotIterationFactory,
    ProgramFactory,
    ServiceComponentFactory,
    SuccessFactorFactory,
)


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


@pytest.fixture
def english():
    """People who read the English screens, so messages can be matched as written."""

    def _english(*users):
        for user in users:
            user.language = "en"
            user.save(update_fields=["language"])
        return users[0]

    return _english


def gate_url(measure) -> str:
    return reverse("phase_gate", args=[measure.organization.slug, measure.pk])


def assess(measure, phase, state="met", only_required=False):
    for factor in factors_for(measure.organization, phase):
        if only_required and not factor.required:
            continue
        FactorAssessment.objects.update_or_create(
            measure=measure,
            factor=factor,
            defaults={"version": factor.current_version, "state": state},
        )


def ready_component(measure, **kwargs):
    lap = PilotIterationFactory(measure=measure)
    return ServiceComponentFactory(
        measure=measure, described_on=dt.date(2026, 3, 1), piloted_in=lap, **kwargs
    )


KINDS = ("work_process", "role", "responsibility", "routine")


def ready_service(measure, *, skip=()):
    """One component of every kind (but those in ``skip``), each described and piloted."""
    return [ready_component(measure, kind=kind) for kind in KINDS if kind not in skip]


def phase_of(measure) -> int:
    return Measure.objects.values_list("phase", flat=True).get(pk=measure.pk)


def section_html(measure, user, language="en") -> str:
    """The phase section of the measure page, as the page renders it (the page lists the
    sections in measures/sections.py)."""
    request = RequestFactory().get("/")
    request.user = user
    request.organization = measure.organization
    with translation.override(language):
        section = measure_section(request, refreshed(measure))
        return render_to_string(section.template, {"section": section.context}, request=request)


def refreshed(measure) -> Measure:
    measure.refresh_from_db()
    return measure


# --- what the gate shows ------------------------------------------------------------------


def test_the_gate_lists_the_phase_factors_with_their_state_and_marks_the_blocking_ones(
    login, member, measure, english
):
    english(member)
    first, second, optional = _three_factors(measure)
    FactorAssessmentFactory(
        measure=measure,
        factor=first,
        state="met",
        evidence="Drøftet i ledermøtet 3. mars.",
        assessed_by=member,
        assessed_at=dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC),
    )
    FactorAssessmentFactory(measure=measure, factor=second, state="in_progress")

    html = login(member).get(gate_url(measure)).content.decode()

    assert "The gate to II Plan" in html
    assert "The gate is closed" in html
    for factor in (first, second, optional):
        assert f'id="factor-{factor.pk}"' in html
    assert "Drøftet i ledermøtet 3. mars." in html
    assert f"Not met yet: {second.current_version.text_en}" in html
    # Met and optional factors do not block; the one in progress does, and says so.
    assert html.count("Blocks the gate") == 1 + _blocking_defaults(measure)
    assert f"Not met yet: {first.current_version.text_en}" not in html
    assert f"Not met yet: {optional.current_version.text_en}" not in html
    # A member reads: no forms to move, no links to assess.
    assert 'id="forward-form"' not in html and "/assess/" not in html


def _three_factors(measure):
    """Two required factors and an optional one of phase I, after the defaults."""
    organization = measure.organization
    factors_for(organization, Phase.PREPARE)  # the defaults first
    return (
        SuccessFactorFactory(organization=organization, phase=1, text="Første", position=100),
        SuccessFactorFactory(organization=organization, phase=1, text="Andre", position=101),
        SuccessFactorFactory(
            organization=organization, phase=1, text="Valgfri", required=False, position=102
        ),
    )


def _blocking_defaults(measure) -> int:
    return sum(
        1 for f in factors_for(measure.organization, Phase.PREPARE) if f.required and f.default_key
    )


def test_planners_get_the_forms_and_the_team_lead_the_assess_links(
    login, coordinator, team_lead, measure
):
    measure.phase = Phase.PLAN
    measure.save()
    html = login(coordinator).get(gate_url(measure)).content.decode()
    assert 'id="forward-form"' in html and 'id="back-form"' in html
    html = login(team_lead).get(gate_url(measure)).content.decode()
    assert 'id="forward-form"' not in html and 'id="back-form"' not in html
    factor = factors_for(measure.organization, Phase.PLAN)[0]
    assert reverse("factor_assess", args=["testvik", measure.pk, factor.pk]) in html


def test_phase_iv_has_no_gate_further_but_shows_its_factors(login, coordinator, measure):
    measure.phase = Phase.CONTINUE
    measure.save()
    html = login(coordinator).get(gate_url(measure)).content.decode()
    assert 'id="forward-form"' not in html and 'id="back-form"' in html
    for factor in factors_for(measure.organization, Phase.CONTINUE):
        assert f'id="factor-{factor.pk}"' in html


# --- moving forwards ------------------------------------------------------------------------


@pytest.mark.parametrize("phase", [Phase.PREPARE, Phase.PLAN, Phase.IMPLEMENT])
def test_each_gate_opens_when_its_required_factors_are_met(login, coordinator, measure, phase):
    measure.phase = phase
    measure.save()
    if phase == Phase.IMPLEMENT:
        ready_service(measure)
    client = login(coordinator)
    required = [f for f in factors_for(measure.organization, phase) if f.required]
    assert len(required) >= 4

    # Every required factor but one met: closed, nothing saved.
    assess(measure, phase, only_required=True)
    FactorAssessment.objects.filter(measure=measure, factor=required[-1]).update(
        state="in_progress"
    )
    assert not gate_for(measure, phase + 1).passes
    response = client.post(gate_url(measure), {"to_phase": phase + 1})
    assert response.status_code == 200
    assert phase_of(measure) == phase
    assert not PhaseTransition.objects.exists()

    # The last one met (the optional ones stay not started): the gate opens.
    FactorAssessment.objects.filter(measure=measure, factor=required[-1]).update(state="met")
    response = client.post(gate_url(measure), {"to_phase": phase + 1})
    assert response.status_code == 302
    assert response["Location"] == f"{measure.get_absolute_url()}#phase"
    assert phase_of(measure) == phase + 1
    transition = PhaseTransition.objects.get()
    assert (transition.from_phase, transition.to_phase) == (phase, phase + 1)
    assert transition.decided_by == coordinator
    assert not transition.overridden and not transition.is_backwards
    states = {row["factor"]: row["state"] for row in transition.factors_snapshot}
    assert states == {
        f.pk: ("met" if f.required else "not_started")
        for f in factors_for(measure.organization, phase)
    }
    assert all(row["required"] == (row["state"] == "met") for row in transition.factors_snapshot)


def test_a_closed_gate_says_why_and_saves_nothing(login, coordinator, measure, english):
    english(coordinator)
    response = login(coordinator).post(gate_url(measure), {"to_phase": 2})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The measure did not move. Nothing was saved" in html
    first = factors_for(measure.organization, Phase.PREPARE)[0]
    assert f"Not met yet: {first.current_version.text_en}" in html
    assert phase_of(measure) == Phase.PREPARE
    assert not PhaseTransition.objects.exists()


def test_a_note_through_an_open_gate_is_kept_and_is_not_an_override(login, coordinator, measure):
    assess(measure, Phase.PREPARE)
    login(coordinator).post(
        gate_url(measure),
        {"to_phase": 2, "override": "on", "reason": "Vedtatt i rådmannens ledermøte."},
    )
    transition = PhaseTransition.objects.get()
    assert not transition.overridden
    assert transition.reason == "Vedtatt i rådmannens ledermøte."


# --- overrides -------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_an_override_without_a_justification_saves_nothing(
    login, coordinator, measure, english, reason
):
    english(coordinator)
    response = login(coordinator).post(
        gate_url(measure), {"to_phase": 2, "override": "on", "reason": reason}
    )
    assert response.status_code == 200
    assert "An override needs a written justification." in response.content.decode()
    assert phase_of(measure) == Phase.PREPARE
    assert not PhaseTransition.objects.exists()


def test_an_override_keeps_its_justification_and_the_factors_as_they_stood(
    login, coordinator, measure, english
):
    english(coordinator)
    factors = factors_for(measure.organization, Phase.PREPARE)
    FactorAssessmentFactory(measure=measure, factor=factors[0], state="met")
    justification = "Kommunestyret vedtok oppstart 12. mai; kartleggingen fullføres i fase II."
    response = login(coordinator).post(
        gate_url(measure), {"to_phase": 2, "override": "on", "reason": justification}
    )
    assert response.status_code == 302
    transition = PhaseTransition.objects.get()
    assert transition.overridden
    assert transition.reason == justification
    assert transition.decided_by == coordinator
    assert [row["state"] for row in transition.factors_snapshot] == ["met"] + ["not_started"] * (
        len(factors) - 1
    )

    # The measure page's timeline shows the move, the flag and the justification.
    html = section_html(measure, coordinator)
    assert 'id="phase-timeline"' in html
    assert "gate overridden" in html
    assert justification in html
    assert f"1 of {len(factors)} success factors met at the time" in html


def test_an_admin_may_override_too(login, admin_user, measure):
    login(admin_user).post(gate_url(measure), {"to_phase": 2, "override": "on", "reason": "Ja."})
    assert PhaseTransition.objects.get().overridden


# --- forged POSTs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"to_phase": 3, "override": "on", "reason": "Hopper over planleggingen."},
        {"to_phase": 4, "override": "on", "reason": "Rett til videreføring."},
        {"to_phase": 1, "override": "on", "reason": "Samme fase."},
        {"to_phase": 9, "override": "on", "reason": "Ingen slik fase."},
        {"to_phase": "to", "override": "on", "reason": "Ikke et tall."},
        {"override": "on", "reason": "Ingen fase."},
        {},
    ],
)
def test_a_forged_post_saves_nothing(login, coordinator, measure, data):
    assess(measure, Phase.PREPARE)
    assess(measure, Phase.PLAN)
    response = login(coordinator).post(gate_url(measure), data)
    assert response.status_code == 200
    assert phase_of(measure) == Phase.PREPARE
    assert not PhaseTransition.objects.exists()


@pytest.mark.parametrize("role", ["team_lead", "member", "viewer"])
def test_only_coordinators_and_admins_move_phases(login, request, measure, role):
    assess(measure, Phase.PREPARE)
    user = request.getfixturevalue(role)
    response = login(user).post(gate_url(measure), {"to_phase": 2, "reason": "Vi er klare."})
    assert response.status_code == 403
    assert phase_of(measure) == Phase.PREPARE
    assert not PhaseTransition.objects.exists()


def test_the_service_refuses_a_user_who_may_not_move_phases(measure, team_lead):
    assess(measure, Phase.PREPARE)
    with pytest.raises(PhaseMoveRefused):
        measure_move_phase(measure=measure, to_phase=2, user=team_lead)
    assert phase_of(measure) == Phase.PREPARE and not PhaseTransition.objects.exists()


def test_a_measure_of_another_organisation_gives_404(login, coordinator, other_organization):
    foreign = MeasureFactory(program=ProgramFactory(organization=other_organization))
    url = reverse("phase_gate", args=["testvik", foreign.pk])
    client = login(coordinator)
    assert client.get(url).status_code == 404
    assert client.post(url, {"to_phase": 2, "override": "on", "reason": "x"}).status_code == 404
    assert not PhaseTransition.objects.exists()


# --- moving back ---------------------------------------------------------------------------


def test_going_back_needs_a_reason(login, coordinator, measure, english):
    english(coordinator)
    measure.phase = Phase.CONTINUE
    measure.save()
    response = login(coordinator).post(gate_url(measure), {"to_phase": 3, "reason": " "})
    assert response.status_code == 200
    assert "Say why the measure goes back to an earlier phase." in response.content.decode()
    assert phase_of(measure) == Phase.CONTINUE
    assert not PhaseTransition.objects.exists()


def test_an_empty_back_form_explains_itself_in_the_back_form(login, coordinator, measure, english):
    english(coordinator)
    measure.phase = Phase.IMPLEMENT
    measure.save()
    response = login(coordinator).post(gate_url(measure), {"direction": "back", "reason": ""})
    html = response.content.decode()
    assert 'id="back-errors"' in html and 'id="forward-errors"' not in html
    assert "Choose the phase the measure goes back to." in html
    assert "Say why the measure goes back to an earlier phase." in html
    assert not PhaseTransition.objects.exists()


def test_from_iv_back_to_iii_for_another_lap_with_the_reason_on_the_timeline(
    login, coordinator, measure, english
):
    english(coordinator)
    measure.phase = Phase.CONTINUE
    measure.save()
    reason = "Justeringene etter vedtaket krever en ny runde med utprøving."
    # No factor of phase IV is met: a move back passes no gate, and an override means nothing.
    response = login(coordinator).post(
        gate_url(measure), {"to_phase": 3, "reason": reason, "override": "on"}
    )
    assert response.status_code == 302
    transition = PhaseTransition.objects.get()
    assert (transition.from_phase, transition.to_phase) == (4, 3)
    assert transition.is_backwards and not transition.overridden
    assert transition.reason == reason
    assert transition.factors_snapshot == [] and transition.readiness_snapshot == {}
    assert phase_of(measure) == Phase.IMPLEMENT

    html = section_html(measure, coordinator)
    assert "IV Continue → III Implement" in html
    assert reason in html


def test_a_measure_may_go_back_several_phases_at_once(measure, coordinator):
    measure.phase = Phase.CONTINUE
    measure.save()
    measure_move_phase(measure=measure, to_phase=1, user=coordinator, reason="Ny start.")
    assert phase_of(measure) == Phase.PREPARE


# --- the exit rule of the roundabout ---------------------------------------------------------


@pytest.fixture
def in_the_roundabout(measure):
    measure.phase = Phase.IMPLEMENT
    measure.save()
    assess(measure, Phase.IMPLEMENT)
    return measure


def test_leaving_phase_iii_shows_the_readiness_and_refuses_until_every_component_is_ready(
    login, coordinator, in_the_roundabout, english
):
    measure = in_the_roundabout
    english(coordinator)
    ready_component(measure, kind="routine", name="Ukentlig refleksjonsmøte")
    ready_component(measure, kind="role", name="Ressursperson")
    unpiloted = ServiceComponentFactory(
        measure=measure, kind="routine", name="Sjekkliste", described_on=dt.date(2026, 3, 1)
    )
    client = login(coordinator)

    html = client.get(gate_url(measure)).content.decode()
    assert 'id="readiness"' in html
    assert "2 of 3 components are both described and piloted." in html
    assert "1 of 2" in html  # routines: one of two ready
    # Each gap named: the kinds with no component, and the component not piloted.
    assert "Work process: none registered yet. The service needs at least one." in html
    assert "Responsibility: none registered yet. The service needs at least one." in html
    assert "Routine “Sjekkliste” has not been piloted yet." in html
    assert "Ukentlig refleksjonsmøte" not in _refusals(html)
    assert "fully developed" not in html

    # Every factor met, but the exit rule holds, for a plain POST as for a crafted one.
    for data in ({"to_phase": 4}, {"to_phase": 4, "reason": "Vi er ferdige.", "override": ""}):
        response = client.post(gate_url(measure), data)
        assert response.status_code == 200
        assert "Routine “Sjekkliste” has not been piloted yet." in response.content.decode()
    assert phase_of(measure) == Phase.IMPLEMENT
    assert not PhaseTransition.objects.exists()

    # The missing kinds registered and the last component piloted: the gate opens and the
    # readiness is kept with the move.
    ready_service(measure, skip=("role", "routine"))
    unpiloted.piloted_in = PilotIterationFactory(measure=measure)
    unpiloted.save()
    assert client.post(gate_url(measure), {"to_phase": 4}).status_code == 302
    transition = PhaseTransition.objects.get()
    assert transition.readiness_snapshot == {
        "components": 5,
        "described": 5,
        "piloted": 5,
        "ready": 5,
        "missing_kinds": [],
        "exit_rule_met": True,
    }
    assert not transition.overridden


def _refusals(html: str) -> str:
    start = html.index('id="gate-status"')
    return html[start : html.index("<h3", start)]


@pytest.mark.parametrize("missing", KINDS)
def test_a_service_missing_any_one_kind_cannot_leave_the_roundabout(
    login, coordinator, in_the_roundabout, english, missing
):
    """ "All work processes, roles, responsibilities and routines": a register with every
    component described and piloted but no component of one kind is not a full service."""
    english(coordinator)
    ready_service(in_the_roundabout, skip=(missing,))
    gate = gate_for(refreshed(in_the_roundabout), 4)
    assert not gate.readiness.exit_rule_met and not gate.passes
    assert [kind.kind for kind in gate.readiness.missing_kinds] == [missing]
    label = dict(ServiceComponent.Kind.choices)[missing]
    response = login(coordinator).post(gate_url(in_the_roundabout), {"to_phase": 4})
    assert f"{label}: none registered yet." in response.content.decode()
    assert phase_of(in_the_roundabout) == Phase.IMPLEMENT


@pytest.mark.parametrize(
    ("described", "piloted", "message"),
    [
        (True, False, "Role “Veileder” has not been piloted yet."),
        (False, True, "Role “Veileder” is not described yet."),
    ],
)
def test_the_exit_rule_needs_both_described_and_piloted(
    login, coordinator, in_the_roundabout, english, described, piloted, message
):
    english(coordinator)
    ready_service(in_the_roundabout)
    ServiceComponentFactory(
        measure=in_the_roundabout,
        kind="role",
        name="Veileder",
        described_on=dt.date(2026, 3, 1) if described else None,
        piloted_in=PilotIterationFactory(measure=in_the_roundabout) if piloted else None,
    )
    response = login(coordinator).post(gate_url(in_the_roundabout), {"to_phase": 4})
    page = response.content.decode()
    assert message in page
    assert page.count("Veileder") >= 1 and "fully developed" not in page
    assert phase_of(in_the_roundabout) == Phase.IMPLEMENT


def test_one_component_of_each_kind_described_and_piloted_opens_the_gate(
    login, coordinator, in_the_roundabout
):
    ready_service(in_the_roundabout)
    assert gate_for(refreshed(in_the_roundabout), 4).passes
    response = login(coordinator).post(gate_url(in_the_roundabout), {"to_phase": 4})
    assert response.status_code == 302 and phase_of(in_the_roundabout) == Phase.CONTINUE


def test_a_service_without_components_cannot_leave_the_roundabout(
    login, coordinator, in_the_roundabout, english
):
    english(coordinator)
    response = login(coordinator).post(gate_url(in_the_roundabout), {"to_phase": 4})
    page = response.content.decode()
    for label in ("Work process", "Role", "Responsibility", "Routine"):
        assert f"{label}: none registered yet." in page
    assert phase_of(in_the_roundabout) == Phase.IMPLEMENT


def test_the_exit_rule_may_be_overridden_with_a_justification_that_is_kept(
    login, coordinator, in_the_roundabout
):
    measure = in_the_roundabout
    ServiceComponentFactory(measure=measure)  # neither described nor piloted
    justification = "Rutinen beskrives i høst; kommunestyret har vedtatt videreføring."
    client = login(coordinator)
    client.post(gate_url(measure), {"to_phase": 4, "override": "on", "reason": ""})
    assert not PhaseTransition.objects.exists()
    client.post(gate_url(measure), {"to_phase": 4, "override": "on", "reason": justification})
    transition = PhaseTransition.objects.get()
    assert transition.overridden and transition.reason == justification
    assert transition.readiness_snapshot == {
        "components": 1,
        "described": 0,
        "piloted": 0,
        "ready": 0,
        "missing_kinds": ["work_process", "role", "responsibility"],
        "exit_rule_met": False,
    }
    assert phase_of(measure) == Phase.CONTINUE


# --- retired and reworded factors in gates and on the timeline --------------------------------


def test_a_retired_factor_leaves_the_gate_but_old_moves_keep_its_words(
    login, coordinator, measure, english
):
    english(coordinator)
    assess(measure, Phase.PREPARE)
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    old_text = factor.current_version.text_en
    measure_move_phase(measure=measure, to_phase=2, user=coordinator)
    measure_move_phase(measure=measure, to_phase=1, user=coordinator, reason="En runde til.")
    FactorAssessment.objects.filter(measure=measure, factor=factor).update(state="not_started")
    assert not gate_for(refreshed(measure), 2).passes

    SuccessFactor.objects.filter(pk=factor.pk).update(is_retired=True)
    gate = gate_for(measure, 2)
    assert factor.pk not in [item.factor.pk for item in gate.factors]
    assert gate.passes

    html = section_html(measure, coordinator)
    assert old_text in html  # in the first move's snapshot, on the timeline
    gate_html = login(coordinator).get(gate_url(measure)).content.decode()
    assert f'id="factor-{factor.pk}"' not in gate_html


def test_the_snapshot_keeps_the_wording_in_every_language_and_the_timeline_reads_it_in_yours(
    login, coordinator, member, measure, english
):
    assess(measure, Phase.PREPARE)
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    version = factor.current_version
    with translation.override("nb"):
        measure_move_phase(measure=measure, to_phase=2, user=coordinator)
    row = PhaseTransition.objects.get().factors_snapshot[0]
    assert row["version"] == version.pk
    assert row["texts"] == {"nb": version.text_nb, "nn": version.text_nn, "en": version.text_en}

    factor_reword(
        factor=factor,
        texts={"nb": "Ny ordlyd", "nn": "Ny ordlyd", "en": "New wording"},
        required=True,
        user=coordinator,
    )
    html = section_html(measure, member)
    assert version.text_en in html  # the snapshot, in English
    assert "New wording" not in html  # phase II's factors are on show now, not phase I's


def test_a_factor_assessed_against_an_earlier_wording_still_counts_and_says_so(
    login, coordinator, measure, english
):
    english(coordinator)
    assess(measure, Phase.PREPARE)
    factor = factors_for(measure.organization, Phase.PREPARE)[0]
    old = factor.current_version
    factor_reword(
        factor=factor,
        texts={"nb": "Ny", "nn": "Ny", "en": "Reworded"},
        required=True,
        user=coordinator,
    )
    html = login(coordinator).get(gate_url(measure)).content.decode()
    assert "Assessed against an earlier wording:" in html
    assert old.text_en in html and "Reworded" in html
    assert gate_for(measure, 2).passes
    measure_move_phase(measure=measure, to_phase=2, user=coordinator)
    row = next(
        r for r in PhaseTransition.objects.get().factors_snapshot if r["factor"] == factor.pk
    )
    assert row["version"] == old.pk and row["texts"]["en"] == old.text_en


# --- query counts ----------------------------------------------------------------------------


class Rows:
    """Adds factors of phase III with assessments, components, and phase moves."""

    def __init__(self, measure, user):
        self.measure = measure
        self.user = user

    def add(self, count: int) -> None:
        organization = self.measure.organization
        for n in range(count):
            factor = SuccessFactorFactory(organization=organization, phase=3, text=f"Faktor {n}")
            FactorAssessmentFactory(
                measure=self.measure,
                factor=factor,
                state="in_progress",
                assessed_by=self.user,
                evidence="Referat",
                evidence_url="https://example.org/sak",
            )
            SuccessFactorFactory(organization=organization, phase=3, is_retired=True)
            ready_component(self.measure)
            ServiceComponentFactory(measure=self.measure, kind="role")
            PhaseTransition.objects.create(
                measure=self.measure,
                from_phase=3,
                to_phase=2,
                decided_by=self.user,
                reason="Tilbake",
                overridden=bool(n % 2),
                factors_snapshot=[
                    {
                        "factor": 1,
                        "version": 1,
                        "text": "x",
                        "texts": {"en": "x"},
                        "required": True,
                        "state": "met",
                    }
                ]
                * 3,
                readiness_snapshot={"components": 2, "described": 1, "piloted": 1, "ready": 1},
            )


def _count_get(client, url: str) -> int:
    client.get(url)  # warm up: sessions, content types, translations, default factors
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_the_gate_page_runs_the_same_queries_for_5_and_50_rows(login, coordinator, measure):
    measure.phase = Phase.IMPLEMENT
    measure.save()
    rows = Rows(measure, coordinator)
    client = login(coordinator)
    rows.add(5)
    few = _count_get(client, gate_url(measure))
    rows.add(45)
    many = _count_get(client, gate_url(measure))
    assert many == few
    print("\ngate page queries:", few)
    # Session, user, membership, measure, default keys, factors, assessments, readiness,
    # the pending request for a review of the gate, and the notification bell's unread count.
    assert few <= 11


def _section_queries(measure, user) -> tuple[int, str]:
    request = RequestFactory().get("/")
    request.user = user
    request.organization = measure.organization
    user.has_perm("measures.view_measures", measure)  # the middleware found the membership
    with CaptureQueriesContext(connection) as queries:
        section = measure_section(request, measure)
        html = render_to_string(section.template, {"section": section.context}, request=request)
    return len(queries), html


def test_the_measure_section_runs_a_fixed_number_of_queries(coordinator, measure):
    measure.phase = Phase.IMPLEMENT
    measure.save()
    rows = Rows(measure, coordinator)
    factors_for(measure.organization, 3)  # the defaults are copied once, on first use
    rows.add(5)
    few, html = _section_queries(measure, coordinator)
    assert html.count('id="transition-') == 5
    rows.add(45)
    many, html = _section_queries(measure, coordinator)
    assert html.count('id="transition-') == 50
    assert html.count('class="gate-factor') == 50 + len(
        [f for f in factors_for(measure.organization, 3) if f.default_key]
    )
    assert many == few
    # Default keys, factors, assessments (with wording and assessor), readiness; the timeline:
    # transitions and the corrections of their justifications, and one union of the formal
    # records (decisions to go on, recommendations, continuation decisions, corrected laps'
    # decisions and evaluations, and goal judgements).
    print("\nsection queries:", few)
    assert few == 7


def test_the_timeline_is_newest_first(coordinator, measure):
    assess(measure, Phase.PREPARE)
    first = measure_move_phase(measure=measure, to_phase=2, user=coordinator)
    second = measure_move_phase(measure=measure, to_phase=1, user=coordinator, reason="Tilbake.")
    _, html = _section_queries(measure, coordinator)
    assert html.index(f'id="transition-{second.pk}"') < html.index(f'id="transition-{first.pk}"')
