"""A change made through each app's forms shows on the audit trail: who, which record, and
each field before → after as people read it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from phases.models import PlannedActivity
from tests.audit.helpers import audit_csv, audit_page, change_through_form, changes_of, newest
from tests.factories import (
    EventFactory,
    GoalFactory,
    IndicatorFactory,
    LessonFactory,
    MeasureFactory,
    ProgramFactory,
    ReportFactory,
)
from tests.second_factor import pass_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


def test_the_organisation_settings(login, admin_user, organization):
    client = login(admin_user)
    change_through_form(
        client,
        reverse("organization_settings", args=[organization.slug]),
        name="Testvik herad",
        planning_year_start_month="8",
    )
    entry = newest(client, organization, "organizations.organization")
    assert (entry.who, entry.action, entry.subject) == (
        admin_user.full_name,
        "endret",
        "Testvik herad",
    )
    changes = changes_of(entry)
    assert changes["navn"] == ("Testvik kommune", "Testvik herad")
    assert changes["planåret starter i"] == ("januar", "august")


def test_a_measure_with_its_status_dates_and_tags(login, coordinator, organization, measure):
    client = login(coordinator)
    change_through_form(
        client,
        reverse("measure_update", args=[organization.slug, measure.pk]),
        status="yellow",
        status_explanation="Mangler vikarer",
        end_date="20.06.2028",
        tags_text="Inkludering",
    )
    entries = [
        entry
        for entry in client.get(
            reverse("audit_trail", args=[organization.slug]), {"kind": "measures.measure"}
        ).context["entries"]
        if entry.who == coordinator.full_name
    ]
    changes = {}
    for entry in entries:  # the fields, then the tags (each set is its own record)
        changes.update(changes_of(entry))
    assert changes["status"] == ("Grønn: i rute", "Gul: trenger oppfølging")
    assert changes["forklaring på statusen"] == ("–", "Mangler vikarer")
    assert changes["slutt"] == ("–", "20.06.2028")
    assert changes["stikkord"] == ("–", "Inkludering")
    assert {entry.subject for entry in entries} == {measure.name}
    assert {entry.url for entry in entries} == {
        reverse("measure_detail", args=[organization.slug, measure.pk])
    }


def test_an_indicator_with_decimals_and_a_new_goal(login, coordinator, organization, measure):
    indicator = IndicatorFactory(goal=GoalFactory(measure=measure, title="Færre fravær"))
    other_goal = GoalFactory(measure=measure, title="Flere fullfører")
    client = login(coordinator)
    change_through_form(
        client,
        reverse("indicator_update", args=[organization.slug, measure.pk, indicator.pk]),
        target_value="82,5",
        goal=str(other_goal.pk),
    )
    entry = newest(client, organization, "measures.indicator")
    assert (entry.who, entry.subject, entry.measure) == (
        coordinator.full_name,
        indicator.name,
        measure.name,
    )
    changes = changes_of(entry)
    assert changes["målverdi"] == ("80", "82,5")
    assert changes["mål"] == ("Færre fravær", "Flere fullfører")


def test_a_planned_activity(login, coordinator, organization, measure):
    client = login(coordinator)
    plan_url = reverse("implementation_plan", args=[organization.slug, measure.pk])
    client.get(plan_url)  # the plan is made on first visit
    response = client.post(
        reverse("planned_activity_create", args=[organization.slug, measure.pk]),
        {"what": "Opplæring av lærerne", "month": "9"},
    )
    assert response.status_code == 302
    activity = PlannedActivity.objects.get()
    change_through_form(
        client,
        reverse("planned_activity_update", args=[organization.slug, measure.pk, activity.pk]),
        what="Opplæring av alle ansatte",
        month="",
        start_date="01.09.2026",
    )
    entry = newest(client, organization, "phases.plannedactivity")
    assert (entry.subject, entry.measure, entry.action) == (
        "Opplæring av alle ansatte",
        measure.name,
        "endret",
    )
    changes = changes_of(entry)
    assert changes["aktivitet"] == ("Opplæring av lærerne", "Opplæring av alle ansatte")
    assert changes["måned"] == ("9", "–")
    assert changes["fra"] == ("–", "01.09.2026")


def test_a_wheel_event(login, coordinator, organization, measure):
    event = EventFactory(organization=organization, title="Budsjettmøte")
    client = login(coordinator)
    change_through_form(
        client,
        reverse("event_update", args=[organization.slug, event.pk]),
        title="Budsjettmøte i kommunestyret",
        start_date="03.11.2026",
        measure=str(measure.pk),
    )
    entry = newest(client, organization, "yearwheel.event")
    assert entry.url == reverse("event_detail", args=[organization.slug, event.pk])
    assert entry.measure == measure.name
    changes = changes_of(entry)
    assert changes["tittel"] == ("Budsjettmøte", "Budsjettmøte i kommunestyret")
    assert changes["dato"] == ("15.10.2026", "03.11.2026")
    assert changes["tiltak"] == ("–", measure.name)


def test_a_lesson(login, coordinator, organization, measure):
    lesson = LessonFactory(organization=organization, title="Korte møter")
    client = login(coordinator)
    change_through_form(
        client,
        reverse("lesson_update", args=[organization.slug, lesson.pk]),
        title="Korte møter virker",
        phase="2",
        measure=str(measure.pk),
        tags_text="møter",
    )
    entries = client.get(
        reverse("audit_trail", args=[organization.slug]), {"kind": "reflections.lesson"}
    ).context["entries"]
    changes = {}
    for entry in entries:
        if entry.who == coordinator.full_name:
            changes.update(changes_of(entry))
    assert changes["tittel"] == ("Korte møter", "Korte møter virker")
    assert changes["fase"] == ("III Gjennomføre", "II Planlegge")
    assert changes["stikkord"] == ("–", "møter")


def test_a_report_draft(login, coordinator, organization):
    report = ReportFactory(organization=organization)
    client = login(coordinator)
    change_through_form(
        client,
        reverse("report_update", args=[organization.slug, report.pk]),
        period_end="31.05.2026",
        kind="yearly",
    )
    entry = newest(client, organization, "reports.report")
    assert (entry.who, entry.subject) == (coordinator.full_name, report.title)
    assert entry.url == reverse("report_detail", args=[organization.slug, report.pk])
    changes = changes_of(entry)
    assert changes["periode til"] == ("30.04.2026", "31.05.2026")
    assert changes["type"] == ("Tertialrapport", "Årlig tilstandsrapport")
    assert dt.date(2026, 5, 31) == type(report).objects.get().period_end


def test_a_corrected_decision_shows_on_the_trail_with_its_reason(client, organization, coordinator):
    """Corrections of the versioned records carry their reason into the history, and the
    audit trail shows each version with who made it and why."""
    from phases.models import ContinuationDecision
    from tests.factories import MeasureFactory, ProgramFactory

    measure = MeasureFactory(program=ProgramFactory(organization=organization), phase=4)
    client.force_login(coordinator)
    pass_second_factor(client, coordinator)
    path = reverse("continuation_decision", args=[organization.slug, measure.pk])
    decision = {
        "outcome": "adjust",
        "decision_maker": "Kommunestyret",
        "decided_on": "15.10.2026",
        "case_reference": "2026/1234",
        "adjustments_to_measure": "Færre møter.",
    }
    client.post(path, decision)
    client.post(
        path,
        {
            **decision,
            "outcome": "stop",
            "case_reference": "2026/9999",
            "correction_reason": "Kommunestyret vedtok å avslutte.",
        },
    )
    assert ContinuationDecision.objects.count() == 2
    page = audit_page(client, organization, measure=measure.pk).content.decode()
    assert "Kommunestyret vedtok å avslutte." in page
    assert "2026/9999" in page and "2026/1234" in page
    csv = audit_csv(client, organization, measure=measure.pk)
    assert "Kommunestyret vedtok å avslutte." in csv
