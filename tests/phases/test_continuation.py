"""Phase IV, continuation: the summary of phase III, stakeholder input, the recommendation,
the decision and the measure's life cycle, the maintenance plan and the governing documents.

The permission matrix (tests/matrix/phases_roundabout.py) covers each role on a measure its
team lead leads; here: the rules, foreign ids and query counts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from measures.models import Lifecycle
from organizations.records import CorrectionRefused, RecordIsFinal
from phases.continuation import (
    ContinuationRefused,
    continuation_mark_ordinary,
    continuation_record_decision,
)
from phases.forms.continuation import MaintenanceRoutineForm
from phases.models import (
    ContinuationAssessment,
    ContinuationDecision,
    ContinuationRecommendation,
    FactorAssessment,
    GoverningDocument,
    MaintenanceRoutine,
    StakeholderInput,
)
from phases.services import factors_for
from phases.views.continuation import measure_section
from tests.factories import (
    ContinuationDecisionFactory,
    EvaluationFactory,
    GoalFactory,
    GoalJudgementFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    PilotIterationFactory,
    ProgramFactory,
    ServiceComponentFactory,
    StakeholderInputFactory,
    SuccessFactorFactory,
)

TODAY = dt.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, 0), tick=False):
        yield


@pytest.fixture
def english(admin_user, coordinator, team_lead, member, viewer):
    """Assertions read the English texts, whatever the translators make of them."""
    for user in (admin_user, coordinator, team_lead, member, viewer):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(
        program=ProgramFactory(organization=organization), team_lead=team_lead, phase=4
    )


@pytest.fixture
def other_measure(organization):
    return MeasureFactory(program=ProgramFactory(organization=organization), phase=4)


@pytest.fixture
def foreign_measure(other_organization):
    return MeasureFactory(program=ProgramFactory(organization=other_organization), phase=4)


def url(name, measure, *args):
    return reverse(name, args=[measure.organization.slug, measure.pk, *args])


def assess_phase_four(measure, *, leave_unmet=0):
    """Marks the organisation's phase-IV factors met for the measure, except the last
    ``leave_unmet`` required ones; returns the factors left unmet."""
    required = [f for f in factors_for(measure.organization, 4) if f.required]
    unmet = required[len(required) - leave_unmet :] if leave_unmet else []
    for factor in factors_for(measure.organization, 4):
        FactorAssessment.objects.update_or_create(
            measure=measure,
            factor=factor,
            defaults={
                "version": factor.current_version,
                "state": "in_progress" if factor in unmet else "met",
            },
        )
    return unmet


DECISION = {
    "outcome": "continue",
    "decision_maker": "The municipal council",
    "decided_on": "15.10.2026",
    "case_reference": "2026/1234",
    "adjustments_to_measure": "",
    "adjustments_to_plan": "",
}


def errors(response, field):
    return " ".join(response.context["form"].errors.get(field, []))


# --- the page and the summary of phase III --------------------------------------------------


def test_the_page_shows_what_phase_three_recorded_next_to_the_judgement(
    login, viewer, measure, english
):
    first = PilotIterationFactory(measure=measure, number=1, learned="Named contacts matter")
    PilotIterationFactory(measure=measure, number=2)
    ServiceComponentFactory(
        measure=measure, described_on=dt.date(2026, 1, 1), description="x", piloted_in=first
    )
    ServiceComponentFactory(measure=measure)
    goal = GoalFactory(measure=measure, title="Fewer pupils absent")
    GoalJudgementFactory(goal=goal)
    indicator = IndicatorFactory(
        goal=goal,
        name="Share present",
        baseline_value=Decimal(40),
        target_value=Decimal(80),
    )
    MeasurementFactory(indicator=indicator, value=Decimal(70), date=dt.date(2026, 6, 1))
    EvaluationFactory(measure=measure, lessons="Substitutes must learn the routine")
    ContinuationAssessment.objects.create(measure=measure, value_judgement="Worth keeping")

    response = login(viewer).get(url("continuation", measure))
    page = response.content.decode()
    summary = response.context["summary"]
    assert [lap.number for lap in summary.laps] == [1, 2]
    assert (summary.readiness.ready, summary.readiness.total) == (1, 2)
    assert summary.goals[0].indicators[0].latest.percent == 75  # (70 - 40) / (80 - 40)
    assert "2 laps were logged." in page
    assert "Named contacts matter" in page
    assert "1 of 2 components are both described and piloted." in page
    assert "Fewer pupils absent" in page and "Partly met" in page
    assert "75&nbsp;%" in page
    assert "Substitutes must learn the routine" in page
    assert "Worth keeping" in page
    # Viewers read; nothing to change is offered.
    for name in ("continuation_assessment", "continuation_decision", "stakeholder_input_create"):
        assert url(name, measure) not in page


def test_the_assessment_form_shows_the_summary_and_saves_the_text(
    login, team_lead, measure, english
):
    PilotIterationFactory(measure=measure, number=1)
    client = login(team_lead)
    response = client.get(url("continuation_assessment", measure))
    assert "What the roundabout recorded" in response.content.decode()
    response = client.post(
        url("continuation_assessment", measure),
        {
            "value_judgement": "Absence fell by a third.",
            "turnover_handling": "New contact teachers get a half-day course each August.",
            "leadership_change_handling": "A yearly briefing for the committee.",
        },
    )
    assert response.status_code == 302
    assessment = ContinuationAssessment.objects.get(measure=measure)
    assert assessment.value_judgement == "Absence fell by a third."
    assert assessment.history.get().history_user == team_lead


# --- stakeholder input and the recommendation -------------------------------------------


def test_stakeholder_input_is_recorded_and_corrected(login, team_lead, measure, english):
    client = login(team_lead)
    data = {
        "kind": "user_representative",
        "who": "The parents' council",
        "date": "01.09.2026",
        "said": "Keep it.",
    }
    assert client.post(url("stakeholder_input_create", measure), data).status_code == 302
    item = StakeholderInput.objects.get(measure=measure)
    assert (item.kind, item.recorded_by) == ("user_representative", team_lead)
    response = client.post(
        url("stakeholder_input_update", measure, item.pk), {**data, "said": "Keep it, please."}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.said == "Keep it, please."
    assert item.recorded_by == team_lead


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date": "02.11.2026"}, "date", "The date cannot be in the future."),
        ({"kind": "journalist"}, "kind", "Choose one of the options"),
        ({"said": ""}, "said", "Fill in this field."),
    ],
)
def test_bad_stakeholder_input_is_refused(
    login, team_lead, measure, english, changes, field, message
):
    data = {"kind": "politician", "who": "Mayor", "date": "01.09.2026", "said": "Yes."}
    response = login(team_lead).post(url("stakeholder_input_create", measure), {**data, **changes})
    assert message in errors(response, field)
    assert not StakeholderInput.objects.exists()


def test_the_recommendation_form_warns_when_no_stakeholder_was_heard(
    login, coordinator, measure, english
):
    client = login(coordinator)
    page = client.get(url("continuation_recommendation", measure)).content.decode()
    assert "No stakeholder input is recorded yet." in page
    StakeholderInputFactory(measure=measure, who="The parents' council")
    page = client.get(url("continuation_recommendation", measure)).content.decode()
    assert "No stakeholder input is recorded yet." not in page
    assert "The parents&#x27; council" in page
    response = client.post(
        url("continuation_recommendation", measure),
        {"recommendation": "adjust", "reason": "Good value; fewer meetings."},
    )
    assert response.status_code == 302
    recommendation = ContinuationRecommendation.objects.get(measure=measure)
    assert (recommendation.recommendation, recommendation.number) == ("adjust", 1)
    assert recommendation.recorded_by == coordinator


def test_a_recommendation_needs_a_reason(login, coordinator, measure, english):
    response = login(coordinator).post(
        url("continuation_recommendation", measure), {"recommendation": "stop"}
    )
    assert "Say why you recommend it." in errors(response, "reason")
    assert not ContinuationRecommendation.objects.exists()


def test_a_recommendation_is_corrected_by_a_new_version_with_its_reason(
    login, coordinator, measure, english
):
    client = login(coordinator)
    path = url("continuation_recommendation", measure)
    client.post(path, {"recommendation": "continue", "reason": "Good value."})
    changed = {"recommendation": "adjust", "reason": "Good value, but fewer meetings."}
    response = client.post(path, changed)
    assert "Say why the record is corrected." in errors(response, "correction_reason")
    assert ContinuationRecommendation.objects.count() == 1
    response = client.post(path, {**changed, "correction_reason": "The parents asked for it."})
    assert response.status_code == 302
    first, second = ContinuationRecommendation.objects.order_by("number")
    assert (first.recommendation, second.recommendation) == ("continue", "adjust")
    assert second.correction_reason == "The parents asked for it."
    page = client.get(url("continuation", measure)).content.decode()
    assert "The parents asked for it." in page and "Good value." in page


# --- the decision and the life cycle ---------------------------------------------------------


def test_a_decision_to_continue_with_every_factor_met_makes_the_measure_ordinary_operation(
    login, coordinator, measure, english
):
    assess_phase_four(measure)
    response = login(coordinator).post(url("continuation_decision", measure), DECISION, follow=True)
    measure.refresh_from_db()
    decision = ContinuationDecision.objects.get(measure=measure)
    assert (decision.outcome, decision.decision_maker, decision.decided_on) == (
        "continue",
        "The municipal council",
        dt.date(2026, 10, 15),
    )
    assert decision.recorded_by == coordinator
    assert measure.lifecycle == Lifecycle.ORDINARY
    assert measure.history.first().history_user == coordinator
    assert "The measure is part of ordinary operation." in response.content.decode()


def test_a_decision_to_continue_with_factors_unmet_is_saved_and_says_what_remains(
    login, coordinator, measure, english
):
    [unmet] = assess_phase_four(measure, leave_unmet=1)
    client = login(coordinator)
    response = client.post(url("continuation_decision", measure), DECISION, follow=True)
    measure.refresh_from_db()
    assert ContinuationDecision.objects.filter(measure=measure).exists()
    assert measure.lifecycle == Lifecycle.ACTIVE
    page = response.content.decode()
    assert "Before the measure counts as ordinary operation" in page
    assert str(unmet) in page
    assert url("continuation_mark_ordinary", measure) in page

    # Marking re-checks, and refuses while the factor is unmet …
    response = client.post(url("continuation_mark_ordinary", measure), follow=True)
    measure.refresh_from_db()
    assert measure.lifecycle == Lifecycle.ACTIVE
    assert f"Not met yet: {unmet}" in response.content.decode()

    # … and marks once it is met.
    assess_phase_four(measure)
    response = client.post(url("continuation_mark_ordinary", measure), follow=True)
    measure.refresh_from_db()
    assert measure.lifecycle == Lifecycle.ORDINARY
    assert "The measure is part of ordinary operation." in response.content.decode()


def test_optional_factors_never_hold_a_measure_back(coordinator, measure):
    assess_phase_four(measure)
    SuccessFactorFactory(organization=measure.organization, phase=4, required=False)
    result = continuation_record_decision(
        measure=measure,
        user=coordinator,
        data={**DECISION, "decided_on": dt.date(2026, 10, 15)},
    )
    assert result.lifecycle == Lifecycle.ORDINARY
    assert result.remaining == []


def test_a_decision_to_stop_closes_the_measure_and_keeps_everything(
    login, coordinator, measure, english
):
    PilotIterationFactory(measure=measure, number=1)
    StakeholderInputFactory(measure=measure)
    response = login(coordinator).post(
        url("continuation_decision", measure), {**DECISION, "outcome": "stop"}, follow=True
    )
    measure.refresh_from_db()
    assert measure.lifecycle == Lifecycle.CLOSED
    assert measure.iterations.count() == 1
    assert measure.stakeholder_inputs.count() == 1
    assert "The measure is closed; everything about it is kept." in response.content.decode()
    # Closed measures are not marked as ordinary operation.
    assert url("continuation_mark_ordinary", measure) not in response.content.decode()
    with pytest.raises(ContinuationRefused):
        continuation_mark_ordinary(measure=measure, user=coordinator)


def test_a_corrected_decision_moves_the_life_cycle_with_it(coordinator, measure):
    assess_phase_four(measure)
    data = {**DECISION, "decided_on": dt.date(2026, 10, 15)}
    continuation_record_decision(
        measure=measure, user=coordinator, data={**data, "outcome": "stop"}
    )
    assert measure.lifecycle == Lifecycle.CLOSED
    continuation_record_decision(
        measure=measure, user=coordinator, data=data, reason="The council decided to continue."
    )
    assert measure.lifecycle == Lifecycle.ORDINARY
    # Correcting the case reference does not undo the marking, even if a factor slipped since.
    assess_phase_four(measure, leave_unmet=1)
    continuation_record_decision(
        measure=measure,
        user=coordinator,
        data={**data, "case_reference": "2026/9999"},
        reason="Wrong case number.",
    )
    measure.refresh_from_db()
    assert measure.lifecycle == Lifecycle.ORDINARY
    versions = list(ContinuationDecision.objects.filter(measure=measure).order_by("number"))
    assert [(v.number, v.outcome, v.case_reference) for v in versions] == [
        (1, "stop", "2026/1234"),
        (2, "continue", "2026/1234"),
        (3, "continue", "2026/9999"),
    ]
    assert [v.correction_reason for v in versions] == [
        "",
        "The council decided to continue.",
        "Wrong case number.",
    ]


def test_a_decision_corrected_twice_shows_three_versions_in_order(
    login, coordinator, measure, english
):
    """Finding 1: correcting "continue with adjustments" to "stop" and the case number asks
    for a reason and keeps every earlier version, on the page and in the history."""
    assess_phase_four(measure)
    client = login(coordinator)
    path = url("continuation_decision", measure)
    adjust = {**DECISION, "outcome": "adjust", "adjustments_to_measure": "Fewer meetings."}
    client.post(path, adjust)
    stop = {**adjust, "outcome": "stop", "case_reference": "2026/9999"}
    # Without a reason: refused, nothing changes, what was typed is kept.
    response = client.post(path, stop)
    assert response.status_code == 200
    assert "Say why the record is corrected." in errors(response, "correction_reason")
    assert response.context["form"]["case_reference"].value() == "2026/9999"
    measure.refresh_from_db()
    assert ContinuationDecision.objects.count() == 1
    assert measure.lifecycle == Lifecycle.ORDINARY
    # With one: version 2, and the measure is closed.
    client.post(path, {**stop, "correction_reason": "The council voted to stop on 15 October."})
    measure.refresh_from_db()
    assert measure.lifecycle == Lifecycle.CLOSED
    # A third: back to continuing with adjustments; the state follows the latest.
    client.post(path, {**adjust, "correction_reason": "The stop was recorded on the wrong case."})
    measure.refresh_from_db()
    assert measure.lifecycle == Lifecycle.ORDINARY
    versions = ContinuationDecision.objects.filter(measure=measure).order_by("number")
    assert [(v.number, v.outcome) for v in versions] == [(1, "adjust"), (2, "stop"), (3, "adjust")]
    assert all(v.recorded_by == coordinator for v in versions)
    page = client.get(url("continuation", measure)).content.decode()
    assert "2 earlier versions" in page
    assert "The council voted to stop on 15 October." in page
    assert "The stop was recorded on the wrong case." in page
    assert "2026/9999" in page  # version 2's case number is still readable
    assert page.index("Version 3, corrected") < page.index("Version 2, corrected")
    # The history (and so the audit trail) has each version with its reason.
    reasons = [r.history_change_reason for r in ContinuationDecision.history.order_by("history_id")]
    assert reasons == [
        None,
        "The council voted to stop on 15 October.",
        "The stop was recorded on the wrong case.",
    ]


def test_a_correction_that_changes_nothing_is_refused(coordinator, measure):
    data = {**DECISION, "decided_on": dt.date(2026, 10, 15)}
    continuation_record_decision(measure=measure, user=coordinator, data=data)
    with translation.override("en"), pytest.raises(CorrectionRefused) as refused:
        continuation_record_decision(
            measure=measure, user=coordinator, data={**data}, reason="Just to be sure."
        )
    assert refused.value.messages == [
        "Nothing is changed: the correction says the same as the record."
    ]
    assert ContinuationDecision.objects.count() == 1


def test_a_version_once_saved_cannot_be_changed_or_deleted(measure):
    decision = ContinuationDecisionFactory(measure=measure)
    decision.outcome = "stop"
    with pytest.raises(RecordIsFinal):
        decision.save()
    with pytest.raises(RecordIsFinal):
        decision.delete()
    decision.refresh_from_db()
    assert decision.outcome == "continue"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"decision_maker": ""}, "decision_maker", "Say who made the decision"),
        ({"decision_maker": "   "}, "decision_maker", "Say who made the decision"),
        ({"decided_on": ""}, "decided_on", "Give the date of the decision."),
        ({"decided_on": "31.02.2026"}, "decided_on", "Write the date as dd.mm.yyyy"),
        ({"decided_on": "02.11.2026"}, "decided_on", "The date cannot be in the future."),
        ({"outcome": ""}, "outcome", "Choose the decision"),
        (
            {"outcome": "adjust"},
            "adjustments_to_measure",
            "Describe the adjustments: to the measure, to the plan, or both.",
        ),
    ],
)
def test_an_incomplete_decision_is_refused_and_nothing_changes(
    login, coordinator, measure, english, changes, field, message
):
    assess_phase_four(measure)
    response = login(coordinator).post(
        url("continuation_decision", measure), {**DECISION, **changes}
    )
    assert response.status_code == 200
    assert message in errors(response, field)
    assert not ContinuationDecision.objects.exists()
    measure.refresh_from_db()
    assert measure.lifecycle == Lifecycle.ACTIVE


def test_adjustments_to_the_plan_alone_are_enough(login, coordinator, measure):
    response = login(coordinator).post(
        url("continuation_decision", measure),
        {**DECISION, "outcome": "adjust", "adjustments_to_plan": "One meeting a term, not two."},
    )
    assert response.status_code == 302
    assert ContinuationDecision.objects.get().adjustments_to_plan


def test_the_decision_is_made_in_phase_four(login, coordinator, measure, english):
    measure.phase = 3
    measure.save()
    client = login(coordinator)
    page = client.get(url("continuation_decision", measure)).content.decode()
    assert "The decision on continuing is made in phase IV." in page
    response = client.post(url("continuation_decision", measure), DECISION)
    assert response.status_code == 200
    assert "Move the measure there first." in " ".join(response.context["form"].non_field_errors())
    assert not ContinuationDecision.objects.exists()
    response = client.post(url("continuation_mark_ordinary", measure), follow=True)
    measure.refresh_from_db()
    assert measure.lifecycle == Lifecycle.ACTIVE


def test_the_service_refuses_a_decision_without_a_decision_maker(coordinator, measure):
    with pytest.raises(ValidationError):
        continuation_record_decision(
            measure=measure,
            user=coordinator,
            data={**DECISION, "decision_maker": "", "decided_on": dt.date(2026, 10, 15)},
        )
    assert not ContinuationDecision.objects.exists()
    measure.refresh_from_db()
    assert measure.lifecycle == Lifecycle.ACTIVE


# --- the maintenance plan and the governing documents ----------------------------------------

ROUTINE = {
    "kind": "training",
    "description": "A half-day course for new contact teachers",
    "recurrence": "yearly",
    "first_date": "15.08.2026",
    "rrule": "",
}


def test_a_routine_is_planned_and_its_next_dates_shown(login, team_lead, measure, english):
    client = login(team_lead)
    response = client.post(
        url("maintenance_routine_create", measure), {**ROUTINE, "owner": team_lead.pk}
    )
    assert response.status_code == 302
    routine = MaintenanceRoutine.objects.get(measure=measure)
    assert routine.owner == team_lead
    response = client.get(url("continuation", measure))
    [row] = response.context["routines"]
    assert row.upcoming == [dt.date(2027, 8, 15), dt.date(2028, 8, 15), dt.date(2029, 8, 15)]
    assert "15.08.2027" in response.content.decode()


def test_a_custom_recurrence_is_checked_and_normalised(login, team_lead, measure, english):
    client = login(team_lead)
    data = {**ROUTINE, "owner": team_lead.pk, "recurrence": "custom"}
    response = client.post(
        url("maintenance_routine_create", measure), {**data, "rrule": "FREQ=HOURLY"}
    )
    assert "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY" in errors(response, "rrule")
    response = client.post(url("maintenance_routine_create", measure), {**data, "rrule": ""})
    assert "Write a recurrence rule for a custom rhythm." in errors(response, "rrule")
    assert not MaintenanceRoutine.objects.exists()
    response = client.post(
        url("maintenance_routine_create", measure),
        {**data, "rrule": "rrule:freq=monthly;interval=6"},
    )
    assert response.status_code == 302
    routine = MaintenanceRoutine.objects.get()
    assert routine.rrule == "FREQ=MONTHLY;INTERVAL=6"
    rows = client.get(url("continuation", measure)).context["routines"]
    assert rows[0].upcoming == [dt.date(2027, 2, 15), dt.date(2027, 8, 15), dt.date(2028, 2, 15)]


def test_a_routine_needs_an_owner_from_the_organisation(
    login, team_lead, outsider, measure, english
):
    client = login(team_lead)
    response = client.post(url("maintenance_routine_create", measure), ROUTINE)
    assert "Choose who owns the routine." in errors(response, "owner")
    response = client.post(
        url("maintenance_routine_create", measure), {**ROUTINE, "owner": outsider.pk}
    )
    assert "owner" in response.context["form"].errors
    assert outsider not in set(MaintenanceRoutineForm(measure=measure).fields["owner"].queryset)
    assert not MaintenanceRoutine.objects.exists()


def test_a_rhythm_that_is_not_custom_keeps_no_rule(login, team_lead, measure):
    login(team_lead).post(
        url("maintenance_routine_create", measure),
        {**ROUTINE, "owner": team_lead.pk, "rrule": "FREQ=DAILY"},
    )
    assert MaintenanceRoutine.objects.get().rrule == ""


def test_governing_documents_are_added_and_corrected(login, team_lead, measure, english):
    client = login(team_lead)
    data = {
        "kind": "economy_plan",
        "title": "Økonomiplan 2027–2030",
        "year": "2027",
        "reference": "Kap. 4",
    }
    assert client.post(url("governing_document_create", measure), data).status_code == 302
    document = GoverningDocument.objects.get(measure=measure)
    response = client.post(
        url("governing_document_update", measure, document.pk), {**data, "year": "1850"}
    )
    assert "Give a year from 2000 to 2036." in errors(response, "year")
    response = client.post(
        url("governing_document_update", measure, document.pk), {**data, "reference": "Kap. 5"}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.reference == "Kap. 5"
    assert "Kap. 5" in client.get(url("continuation", measure)).content.decode()


# --- ids of other measures and organisations ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("stakeholder_input_update", lambda m: StakeholderInputFactory(measure=m)),
        (
            "maintenance_routine_update",
            lambda m: MaintenanceRoutine.objects.create(
                measure=m,
                kind="support",
                description="x",
                recurrence="monthly",
                first_date=dt.date(2026, 1, 1),
            ),
        ),
        (
            "governing_document_update",
            lambda m: GoverningDocument.objects.create(measure=m, kind="other", year=2026),
        ),
    ],
)
def test_objects_of_another_measure_or_organisation_give_404(
    login, coordinator, measure, other_measure, foreign_measure, name, build
):
    client = login(coordinator)
    for owner in (other_measure, foreign_measure):
        obj = build(owner)
        assert client.get(url(name, measure, obj.pk)).status_code == 404
        assert client.post(url(name, measure, obj.pk), {}).status_code == 404


def test_another_organisations_measure_gives_404(login, coordinator, foreign_measure):
    client = login(coordinator)
    for name in ("continuation", "continuation_decision", "continuation_assessment"):
        assert client.get(url(name, foreign_measure)).status_code == 404
    assert client.post(url("continuation_mark_ordinary", foreign_measure)).status_code == 404
    foreign_measure.refresh_from_db()
    assert foreign_measure.lifecycle == Lifecycle.ACTIVE


def test_the_team_lead_works_on_the_material_but_does_not_decide(login, team_lead, measure):
    assess_phase_four(measure)
    client = login(team_lead)
    assert client.post(url("continuation_decision", measure), DECISION).status_code == 403
    assert client.post(url("continuation_mark_ordinary", measure)).status_code == 403
    assert (
        client.post(
            url("continuation_recommendation", measure),
            {"recommendation": "stop", "recommendation_reason": "x"},
        ).status_code
        == 403
    )
    assert not ContinuationDecision.objects.exists()
    page = client.get(url("continuation", measure)).content.decode()
    assert url("stakeholder_input_create", measure) in page
    assert url("continuation_decision", measure) not in page


# --- query counts and the measure page --------------------------------------------------------


def _count_get(client, path):
    client.get(path)  # warm up: sessions, content types, default factors
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def _add_rows(measure, count, start):
    for n in range(start, start + count):
        begin = dt.date(2020, 1, 1) + dt.timedelta(days=10 * n)
        lap = PilotIterationFactory(
            measure=measure, number=n, period_start=begin, period_end=begin + dt.timedelta(days=5)
        )
        ServiceComponentFactory(measure=measure, piloted_in=lap)
        goal = GoalFactory(measure=measure)
        GoalJudgementFactory(goal=goal, recorded_by=measure.team_lead, judgement="met")
        indicator = IndicatorFactory(goal=goal)
        MeasurementFactory(indicator=indicator, value=Decimal(n), date=begin)
        EvaluationFactory(measure=measure, period_start=begin, period_end=begin)
        StakeholderInputFactory(measure=measure, recorded_by=measure.team_lead)
        MaintenanceRoutine.objects.create(
            measure=measure,
            kind="supervision",
            description=f"Veiledning {n}",
            owner=measure.team_lead,
            recurrence="custom" if n % 2 else "term",
            rrule="FREQ=MONTHLY;INTERVAL=2" if n % 2 else "",
            first_date=begin,
        )
        GoverningDocument.objects.create(measure=measure, kind="service_plan", year=2020 + n % 10)
        SuccessFactorFactory(organization=measure.organization, phase=4, required=n % 2 == 0)


def test_the_continuation_pages_run_the_same_queries_for_5_and_50_rows(login, coordinator, measure):
    ContinuationAssessment.objects.create(measure=measure, value_judgement="Good")
    ContinuationDecisionFactory(measure=measure, recorded_by=measure.team_lead)
    client = login(coordinator)
    _add_rows(measure, 5, 1)
    assess_phase_four(measure, leave_unmet=1)
    paths = [
        url("continuation", measure),
        url("continuation_assessment", measure),
        url("continuation_recommendation", measure),
        url("continuation_decision", measure),
    ]
    few = [_count_get(client, path) for path in paths]
    _add_rows(measure, 45, 6)
    assess_phase_four(measure, leave_unmet=1)
    many = [_count_get(client, path) for path in paths]
    assert few == many
    # 22 today: the request's own 4, the decision's versions, the recommendation's versions,
    # the factors (3), the summary (9: goals with their judgements), the assessment,
    # stakeholders, routines, documents, the page's header and the notification bell's
    # unread count; the owners to choose from in the inline form for a new routine.
    assert few[0] <= 24, few


def _section(measure, user):
    request = RequestFactory().get("/")
    request.user = user
    request.organization = measure.organization
    return measure_section(request, measure)


def test_the_measure_page_section_shows_the_decision_and_the_state(measure, viewer):
    measure.phase = 3
    assert _section(measure, viewer) is None
    measure.phase = 4
    assert _section(measure, viewer).context["decision"] is None
    decision = ContinuationDecisionFactory(measure=measure)
    with CaptureQueriesContext(connection) as queries:
        section = _section(measure, viewer)
    assert section.context["decision"] == decision
    assert len(queries) == 1
    corrected = ContinuationDecisionFactory(
        measure=measure, number=2, outcome="stop", correction_reason="Wrong outcome."
    )
    section = _section(measure, viewer)
    assert section.context["decision"] == corrected
    assert [v.number for v in section.context["decision_versions"]] == [2, 1]
    # A measure closed or in ordinary operation keeps its section whatever its phase.
    measure.phase = 3
    measure.lifecycle = Lifecycle.CLOSED
    assert _section(measure, viewer) is not None
