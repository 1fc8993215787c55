"""Phase I (the preparation and the decision to go on), the next activities and the measure
page's section; and the small factories of phase I and II's tests.

The plan's pages are in test_planning_plan.py, access (other team leads, foreign ids) in
test_planning_access.py, query counts in test_planning_queries.py, and every role on every URL
in tests/matrix/phases_planning.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from factory.django import DjangoModelFactory

from organizations.models import Role
from phases.models import (
    BudgetLine,
    ImplementationPlan,
    PlannedActivity,
    Preparation,
    PreparationDecision,
    RoleResponsibility,
)
from phases.planning import ActivityRow, next_activities, next_occurrence
from phases.views.planning import measure_section
from tests.factories import (
    FuturePictureFactory,
    KnowledgeItemFactory,
    MeasureFactory,
    MembershipFactory,
    PreparationDecisionFactory,
    ProgramFactory,
    UserFactory,
)

TODAY = dt.date(2026, 11, 20)
NBSP = "\xa0"

# --- small factories of this area --------------------------------------------------------------


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = ImplementationPlan

    measure = factory.SubFactory(MeasureFactory)


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = PlannedActivity

    plan = factory.SubFactory(PlanFactory)
    what = factory.Sequence(lambda n: f"Aktivitet {n}")
    start_date = dt.date(2026, 9, 1)


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = RoleResponsibility

    plan = factory.SubFactory(PlanFactory)
    role = factory.Sequence(lambda n: f"Rolle {n}")
    responsibility = "Følger opp tiltaket"


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = BudgetLine

    plan = factory.SubFactory(PlanFactory)
    description = factory.Sequence(lambda n: f"Post {n}")
    year = 2026
    amount = Decimal("1000")


# --- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0), tick=False):
        yield


@pytest.fixture
def english(admin_user, coordinator, team_lead, member, viewer):
    """Assertions read the English texts, whatever the translators make of them."""
    for user in (admin_user, coordinator, team_lead, member, viewer):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


def url(name, measure, *args):
    return reverse(name, args=[measure.organization.slug, measure.pk, *args])


def errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return {name: list(messages) for name, messages in response.context["form"].errors.items()}


def choice_ids(response, name) -> set[int]:
    return {user.pk for user in response.context["form"].fields[name].queryset}


# --- phase I: the preparation -----------------------------------------------------------------


def test_reading_the_preparation_creates_nothing(login, member, measure):
    response = login(member).get(url("preparation", measure))
    assert response.status_code == 200
    assert not Preparation.objects.exists()
    # Members read it; there is no form for them.
    assert "form" not in response.context


def test_the_team_lead_saves_the_preparation_and_the_row_is_made_once(login, team_lead, measure):
    client = login(team_lead)
    assert "form" in client.get(url("preparation", measure)).context
    data = {
        "key_people": "Rektor og helsesykepleier",
        "scope": "trial",
        "fit_with_local_needs": "Elevundersøkelsen viser lav trivsel i friminuttene.",
        "competence": "Kurs i relasjonsbygging",
        "structures": "Fast teammøte",
        "resources": "Ti timer i uka",
    }
    response = client.post(url("preparation", measure), data)
    assert response.status_code == 302
    client.post(url("preparation", measure), {**data, "scope": "lasting"})
    preparation = Preparation.objects.get()
    assert preparation.measure == measure
    assert preparation.scope == "lasting"
    assert preparation.key_people == "Rektor og helsesykepleier"
    # The team lead cannot decide; saving the preparation records no decision.
    assert not PreparationDecision.objects.exists()
    page = client.get(url("preparation", measure)).content.decode()
    assert "Elevundersøkelsen viser lav trivsel" in page


def test_the_preparation_shows_the_measures_knowledge_base_and_future_pictures(
    login, member, measure
):
    KnowledgeItemFactory(measure=measure, summary="Mange elever er alene i friminuttene.")
    FuturePictureFactory(measure=measure, description="Alle barn har en venn.")
    other = MeasureFactory(program=measure.program)
    KnowledgeItemFactory(measure=other, summary="Noe helt annet.")
    page = login(member).get(url("preparation", measure)).content.decode()
    assert "Mange elever er alene i friminuttene." in page
    assert "Alle barn har en venn." in page
    assert "Noe helt annet." not in page
    # Links to where they are kept, not a second copy of their forms.
    assert url("measure_detail", measure) + "#future-pictures" in page


# --- phase I: the decision to go on -----------------------------------------------------------


def test_a_decision_without_who_and_when_is_refused(english, login, coordinator, measure):
    response = login(coordinator).post(
        url("preparation_decision", measure), {"decision": "go_on", "decision_note": "Ja"}
    )
    assert errors(response) == {
        "decided_by": ["Say who made the decision."],
        "decided_on": ["Say when the decision was made."],
    }
    assert "Nothing was saved" in response.content.decode()
    assert not Preparation.objects.exists() and not PreparationDecision.objects.exists()
    # The page still says what is saved, not what was refused.
    assert response.context["decision"] is None


def test_a_stop_needs_who_and_when_too(english, login, coordinator, measure):
    response = login(coordinator).post(
        url("preparation_decision", measure),
        {"decision": "stop", "decided_by": coordinator.pk, "decided_on": ""},
    )
    assert errors(response) == {"decided_on": ["Say when the decision was made."]}
    assert not PreparationDecision.objects.exists()


def test_a_decision_cannot_be_dated_in_the_future(english, login, coordinator, measure):
    response = login(coordinator).post(
        url("preparation_decision", measure),
        {"decision": "go_on", "decided_by": coordinator.pk, "decided_on": "21.11.2026"},
    )
    assert errors(response) == {"decided_on": ["The decision date cannot be in the future."]}


def test_the_decision_is_recorded_with_who_and_when(login, coordinator, viewer, measure):
    client = login(coordinator)
    form = client.get(url("preparation_decision", measure)).context["form"]
    # Usually recorded on the day, by the one who decided.
    assert form.initial["decided_by"] == coordinator
    assert form.initial["decided_on"] == TODAY
    # Top management (viewers in the product) may be the ones who decided.
    response = client.post(
        url("preparation_decision", measure),
        {
            "decision": "go_on",
            "decided_by": viewer.pk,
            "decided_on": "18.11.2026",
            "decision_note": "Vedtatt i ledermøtet.",
        },
    )
    assert response.status_code == 302
    decision = PreparationDecision.objects.get(measure=measure)
    assert decision.decision == PreparationDecision.Decision.GO_ON
    assert (decision.decided_by, decision.recorded_by) == (viewer, coordinator)
    assert decision.decided_on == dt.date(2026, 11, 18)
    assert decision.number == 1 and not decision.correction_reason
    page = client.get(url("preparation", measure)).content.decode()
    assert "18.11.2026" in page and "Vedtatt i ledermøtet." in page


def test_a_recorded_decision_is_corrected_with_a_reason_never_overwritten(
    english, login, coordinator, measure
):
    PreparationDecisionFactory(
        measure=measure, decided_by=coordinator, decided_on=TODAY, decision_note="Ja."
    )
    client = login(coordinator)
    form = client.get(url("preparation_decision", measure)).context["form"]
    # Filled in from the decision as it stands, with a reason to give.
    assert form.initial["decision"] == "go_on" and "correction_reason" in form.fields
    stop = {"decision": "stop", "decided_by": coordinator.pk, "decided_on": "20.11.2026"}
    response = client.post(url("preparation_decision", measure), stop)
    assert errors(response) == {
        "correction_reason": ["Say why the record is corrected. The reason is kept with it."]
    }
    assert PreparationDecision.objects.count() == 1
    response = client.post(
        url("preparation_decision", measure),
        {**stop, "correction_reason": "Ledermøtet snudde etter ny budsjettprognose."},
    )
    assert response.status_code == 302
    first, second = PreparationDecision.objects.order_by("number")
    assert (first.decision, first.decision_note) == ("go_on", "Ja.")  # kept as it was
    assert (second.number, second.decision) == (2, "stop")
    assert second.correction_reason == "Ledermøtet snudde etter ny budsjettprognose."
    page = client.get(url("preparation", measure)).content.decode()
    assert "Do not go on" in page and "Go on to planning" in page
    assert "Ledermøtet snudde etter ny budsjettprognose." in page


def test_a_correction_that_changes_nothing_is_refused(english, login, coordinator, measure):
    PreparationDecisionFactory(measure=measure, decided_by=coordinator, decided_on=TODAY)
    response = login(coordinator).post(
        url("preparation_decision", measure),
        {
            "decision": "go_on",
            "decided_by": coordinator.pk,
            "decided_on": "20.11.2026",
            "correction_reason": "Bare for sikkerhets skyld.",
        },
    )
    assert response.context["form"].non_field_errors() == [
        "Nothing is changed: the correction says the same as the record."
    ]
    assert PreparationDecision.objects.count() == 1


def test_the_decision_keeps_the_teams_preparation(login, coordinator, measure):
    Preparation.objects.create(measure=measure, key_people="Rektor", scope="trial")
    login(coordinator).post(
        url("preparation_decision", measure),
        {"decision": "go_on", "decided_by": coordinator.pk, "decided_on": "20.11.2026"},
    )
    preparation = Preparation.objects.get()
    assert (preparation.key_people, preparation.scope) == ("Rektor", "trial")
    assert PreparationDecision.objects.get().decision == "go_on"


def test_who_decided_is_chosen_among_this_organisations_people_only(
    login, coordinator, viewer, outsider, other_organization, measure
):
    left = MembershipFactory(
        organization=measure.organization, user=UserFactory(), is_active=False
    ).user
    response = login(coordinator).get(url("preparation_decision", measure))
    ids = choice_ids(response, "decided_by")
    assert {coordinator.pk, viewer.pk} <= ids
    assert outsider.pk not in ids and left.pk not in ids
    response = login(coordinator).post(
        url("preparation_decision", measure),
        {"decision": "go_on", "decided_by": outsider.pk, "decided_on": "20.11.2026"},
    )
    assert list(errors(response)) == ["decided_by"]


# --- the next activities and the measure page's section -----------------------------------------


def test_next_occurrence():
    def row(**values):
        return PlannedActivity(what="x", **values)

    today = dt.date(2026, 11, 20)
    assert next_occurrence(row(start_date=dt.date(2026, 12, 1)), today) == dt.date(2026, 12, 1)
    # Going on now: counted as today.
    going_on = row(start_date=dt.date(2026, 11, 1), end_date=dt.date(2026, 11, 30))
    assert next_occurrence(going_on, today) == today
    assert next_occurrence(row(start_date=dt.date(2026, 11, 19)), today) is None
    # A month comes back every year: this month counts, earlier months are next year's.
    assert next_occurrence(row(month=11), today) == today
    assert next_occurrence(row(month=12), today) == dt.date(2026, 12, 1)
    assert next_occurrence(row(month=3), today) == dt.date(2027, 3, 1)


def test_next_activities_are_the_soonest_three():
    today = dt.date(2026, 11, 20)
    rows = [
        ActivityRow(PlannedActivity(pk=1, what="over", start_date=dt.date(2026, 1, 1))),
        ActivityRow(PlannedActivity(pk=2, what="mars", month=3)),
        ActivityRow(PlannedActivity(pk=3, what="desember", start_date=dt.date(2026, 12, 3))),
        ActivityRow(PlannedActivity(pk=4, what="januar", month=1)),
        ActivityRow(PlannedActivity(pk=5, what="juni", start_date=dt.date(2027, 6, 1))),
    ]
    assert [row.activity.what for row in next_activities(rows, today)] == [
        "desember",
        "januar",
        "mars",
    ]


def render_section(measure, user):
    request = RequestFactory().get("/")
    request.user = user
    request.organization = measure.organization
    # Outside a request: the test's own language decides (English, for the assertions).
    with translation.override("en"):
        section = measure_section(request, measure)
        # As on the measure page, whose context has the organisation.
        context = {"section": section.context, "organization": measure.organization}
        return section, render_to_string(section.template, context)


def test_the_section_without_any_material(measure, coordinator):
    section, html = render_section(measure, coordinator)
    assert section.context["parts_done"] == 0
    assert "Not decided yet" in html
    assert "0 of 8 parts of the plan are filled in." in html
    assert url("preparation_decision", measure) in html
    assert url("implementation_plan", measure) in html
    assert not Preparation.objects.exists() and not ImplementationPlan.objects.exists()


def test_the_section_summarises_decision_plan_and_next_activities(measure, member, coordinator):
    PreparationDecisionFactory(measure=measure, decided_by=coordinator, decided_on=TODAY)
    plan = PlanFactory(measure=measure, to_develop="Rutine", training_plan="Kurs")
    ActivityFactory(plan=plan, what="Ferdig", start_date=dt.date(2026, 1, 5))
    ActivityFactory(plan=plan, what="Oppstart", start_date=dt.date(2026, 12, 1), responsible=member)
    ActivityFactory(plan=plan, what="Evaluering", start_date=None, month=6)
    RoleFactory(plan=plan)
    BudgetLineFactory(plan=plan, amount=Decimal("12500.50"))
    BudgetLineFactory(plan=plan, amount=Decimal("500"), year=2027)
    section, html = render_section(measure, member)
    assert [row.activity.what for row in section.context["next_activities"]] == [
        "Oppstart",
        "Evaluering",
    ]
    assert "Go on to planning" in html
    assert "5 of 8 parts of the plan are filled in." in html
    assert f"13{NBSP}000,50 kr" in html
    # The organisation's words in the English page carry its written standard.
    assert f'01.12.2026: <span lang="nb">Oppstart</span> ({member})' in html
    # Members may not record the decision.
    assert url("preparation_decision", measure) not in html


def test_a_team_lead_of_another_measure_reads_the_section_without_edit_links(organization, measure):
    other_lead = MembershipFactory(
        organization=organization, role=Role.TEAM_LEAD, user=UserFactory()
    ).user
    section, _html = render_section(measure, other_lead)
    assert section.context["can_work"] is False
    assert section.context["can_decide"] is False
