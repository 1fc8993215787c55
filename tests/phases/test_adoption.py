"""Measures that travel: a partner takes a shared measure into use (docs/adoption.md).

``organization`` (Testvik) is the adopter; the county owns the measure and shares its
programme with Testvik through an active partnership."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import (
    Comment,
    Goal,
    Indicator,
    LogicColumn,
    LogicElement,
    LogicLink,
    Measure,
    Measurement,
)
from organizations.models import Organization, Role
from phases.adoption import measure_adopt
from phases.models import (
    BudgetLine,
    FactorAssessment,
    ImplementationPlan,
    MaintenanceRoutine,
    PhaseTransition,
    PilotIteration,
    PlannedActivity,
    RoleResponsibility,
)
from tests.factories import (
    CommentFactory,
    EvaluationFactory,
    FactorAssessmentFactory,
    GoalFactory,
    GoalJudgementFactory,
    IndicatorFactory,
    LogicElementFactory,
    MeasureFactory,
    MeasurementFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    PilotIterationFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(db):
    return OrganizationFactory(
        kind=Organization.Kind.COUNTY, number="46", name="Vestland fylke", slug="vestland"
    )


@pytest.fixture
def county_lead(county):
    return MembershipFactory(organization=county, role=Role.COORDINATOR).user


@pytest.fixture
def partnership(county, organization):
    return PartnershipFactory(grantor=county, partner=organization)


@pytest.fixture
def shared_program(county, partnership):
    program = ProgramFactory(organization=county, name="Regionalt løft")
    program.partnerships.add(partnership)
    return program


@pytest.fixture
def own_program(organization):
    return ProgramFactory(organization=organization, name="Vårt program")


@pytest.fixture
def source(shared_program, county_lead):
    """A measure full of the origin's own work and people."""
    measure = MeasureFactory(
        program=shared_program,
        name="Trygg overgang",
        description="Fast overgangsmøte mellom barnehage og skole.",
        target_groups=["0-5", "6-12"],
        target_group_note="Skolestartere",
        phase=3,
        team_lead=county_lead,
        start_date=dt.date(2025, 1, 1),
    )
    measure.contributors.add(county_lead)
    resource = LogicElementFactory(measure=measure, column=LogicColumn.RESOURCES, text="Tid")
    activity = LogicElementFactory(measure=measure, column=LogicColumn.ACTIVITIES, text="Møte")
    LogicElementFactory(measure=measure, column=LogicColumn.ASSUMPTIONS, text="Ledere deltar")
    LogicLink.objects.create(measure=measure, source=resource, target=activity)
    goal = GoalFactory(measure=measure, title="Trygge skolestartere", description="Alle")
    goal.logic_elements.add(activity)
    GoalJudgementFactory(goal=goal, recorded_by=county_lead)
    indicator = IndicatorFactory(goal=goal, name="Andel trygge", data_source="Kartlegging")
    MeasurementFactory(indicator=indicator, value=Decimal("55"), entered_by=county_lead)
    FactorAssessmentFactory(measure=measure, evidence="Referat", assessed_by=county_lead)
    EvaluationFactory(measure=measure)
    PilotIterationFactory(measure=measure)
    CommentFactory(measure=measure, author=county_lead, text="Bra")
    plan = ImplementationPlan.objects.create(
        measure=measure, to_develop="Overgangsrutine", training_plan="Kurs i august"
    )
    PlannedActivity.objects.create(
        plan=plan,
        what="Overgangsmøte",
        start_date=dt.date(2025, 5, 12),
        end_date=dt.date(2025, 5, 13),
        responsible=county_lead,
        contributors="Kari og Ola",
    )
    PlannedActivity.objects.create(plan=plan, what="Evaluering", month=11)
    RoleResponsibility.objects.create(
        plan=plan, role="Koordinator", responsibility="Kaller inn", holder="Kari Nordmann"
    )
    BudgetLine.objects.create(plan=plan, description="Vikarer", year=2025, amount=100000)
    MaintenanceRoutine.objects.create(
        measure=measure,
        kind=MaintenanceRoutine.Kind.TRAINING,
        description="Opplæring av nyansatte",
        owner=county_lead,
        recurrence="yearly",
        first_date=dt.date(2025, 8, 15),
    )
    return measure


def adopt_url(organization, measure):
    return reverse("measure_adopt", args=[organization.slug, measure.pk])


def test_it_copies_what_travels_and_nothing_else(source, own_program, coordinator):
    copy = measure_adopt(source=source, program=own_program, user=coordinator)

    assert copy.organization == own_program.organization
    assert copy.program == own_program
    assert (copy.name, copy.description) == (source.name, source.description)
    assert copy.target_groups == ["0-5", "6-12"]
    assert copy.target_group_note == "Skolestartere"
    assert copy.phase == 1
    assert copy.adopted_from == source
    assert copy.adopted_from_measure_name == "Trygg overgang"
    assert copy.adopted_from_organization_name == "Vestland fylke"
    assert not copy.is_template
    # No people, no dates of the origin's life.
    assert copy.team_lead is None and copy.responsible_unit is None
    assert not copy.contributors.exists() and not copy.tags.exists()
    assert copy.start_date is None and copy.end_date is None

    # The logic model: elements (assumptions included) and arrows, pointing at the copies.
    texts = sorted(copy.logic_elements.values_list("column", "text"))
    assert texts == [(1, "Tid"), (2, "Møte"), (9, "Ledere deltar")]
    link = LogicLink.objects.get(measure=copy)
    assert (link.source.text, link.target.text) == ("Tid", "Møte")
    assert link.source.measure == copy and link.target.measure == copy

    goal = Goal.objects.get(measure=copy)
    assert (goal.title, goal.description) == ("Trygge skolestartere", "Alle")
    assert [e.text for e in goal.logic_elements.all()] == ["Møte"]
    assert [e.measure_id for e in goal.logic_elements.all()] == [copy.pk]
    assert not goal.judgements.exists()
    indicator = Indicator.objects.get(measure=copy)
    assert indicator.goal == goal
    assert (indicator.name, indicator.data_source) == ("Andel trygge", "Kartlegging")
    assert not Measurement.objects.filter(indicator__measure=copy).exists()

    # The plan as a draft: months instead of dates, no people, no budget.
    plan = ImplementationPlan.objects.get(measure=copy)
    assert (plan.to_develop, plan.training_plan) == ("Overgangsrutine", "Kurs i august")
    activities = list(
        plan.activities.order_by("what").values_list(
            "what", "month", "start_date", "end_date", "responsible", "contributors"
        )
    )
    assert activities == [
        ("Evaluering", 11, None, None, None, ""),
        ("Overgangsmøte", 5, None, None, None, ""),
    ]
    role = RoleResponsibility.objects.get(plan=plan)
    assert (role.role, role.responsibility, role.holder) == ("Koordinator", "Kaller inn", "")
    assert not BudgetLine.objects.filter(plan=plan).exists()

    routine = MaintenanceRoutine.objects.get(measure=copy)
    assert routine.description == "Opplæring av nyansatte"
    assert routine.owner is None
    assert routine.first_date >= dt.date.today()
    assert (routine.first_date.month, routine.first_date.day) == (8, 15)

    # Nothing of the origin's own work.
    assert not FactorAssessment.objects.filter(measure=copy).exists()
    assert not copy.evaluations.exists()
    assert not PilotIteration.objects.filter(measure=copy).exists()
    assert not Comment.objects.filter(measure=copy).exists()
    # The origin is untouched.
    source.refresh_from_db()
    assert source.phase == 3 and source.logic_elements.count() == 3
    assert Measurement.objects.filter(indicator__measure=source).count() == 1


def test_the_copy_starts_in_phase_one_with_a_move_naming_its_origin(
    source, own_program, coordinator
):
    copy = measure_adopt(source=source, program=own_program, user=coordinator)

    transition = PhaseTransition.objects.get(measure=copy)
    assert (transition.from_phase, transition.to_phase) == (1, 1)
    assert transition.decided_by == coordinator
    assert not transition.overridden and not transition.is_registration
    # In the adopter's written standard (bokmål), needs the merged catalogues.
    assert transition.reason == "Tatt i bruk fra Trygg overgang i Vestland fylke"
    # The creation is on the adopter's audit trail with the same reason.
    assert copy.history.get().history_change_reason == transition.reason
    assert LogicElement.history.filter(measure_id=copy.pk).count() == 3


def test_the_link_survives_the_origin(source, own_program, coordinator):
    copy = measure_adopt(source=source, program=own_program, user=coordinator)
    Measure.objects.filter(pk=source.pk).update(adopted_from=None)
    source.delete()

    copy.refresh_from_db()
    assert copy.adopted_from is None
    assert copy.adopted_from_measure_name == "Trygg overgang"
    assert copy.adopted_from_organization_name == "Vestland fylke"


def test_the_confirmation_page_says_what_is_copied(client, login, coordinator, source, own_program):
    login(coordinator)
    response = client.get(adopt_url(coordinator.memberships.get().organization, source))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Trygg overgang" in html
    assert f'value="{own_program.pk}"' in html
    assert response.context["summary"].logic_elements == 3
    assert response.context["summary"].arrows == 1
    assert response.context["summary"].activities == 2
    assert not Measure.objects.filter(adopted_from=source).exists()  # GET changes nothing


def test_a_post_adopts_and_goes_to_the_new_measure(
    client, login, coordinator, organization, source, own_program
):
    login(coordinator)
    response = client.post(adopt_url(organization, source), {"program": own_program.pk})

    copy = Measure.objects.get(adopted_from=source)
    assert response.status_code == 302
    assert response["Location"] == copy.get_absolute_url()
    assert copy.organization == organization


def test_a_programme_of_another_organisation_is_refused(
    client, login, coordinator, organization, source, shared_program
):
    login(coordinator)
    response = client.post(adopt_url(organization, source), {"program": shared_program.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["program"]
    assert not Measure.objects.filter(adopted_from=source).exists()


def test_the_origin_shows_who_took_it_into_use(
    client, login, county, county_lead, source, own_program, coordinator
):
    measure_adopt(source=source, program=own_program, user=coordinator)
    login(county_lead)
    response = client.get(source.get_absolute_url())

    html = response.content.decode()
    assert "Testvik kommune" in html
    assert "Taken into use by:" in html or "Tatt i bruk av:" in html


def test_the_copy_names_its_origin_on_its_page(client, login, source, own_program, coordinator):
    copy = measure_adopt(source=source, program=own_program, user=coordinator)
    login(coordinator)
    html = client.get(copy.get_absolute_url()).content.decode()

    assert "Trygg overgang" in html and "Vestland fylke" in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_measure_not_shared_is_404(client, login, coordinator, organization, county, method):
    # The county's measure in a programme it has not shared with Testvik.
    unshared = MeasureFactory(program=ProgramFactory(organization=county))
    own = MeasureFactory(program=ProgramFactory(organization=organization))
    login(coordinator)

    for measure in (unshared, own):
        response = getattr(client, method)(
            adopt_url(organization, measure), {"program": own.program_id}
        )
        assert response.status_code == 404
    assert not Measure.objects.filter(adopted_from__isnull=False).exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", Role.values)
def test_a_non_partner_organisation_gets_404_for_every_role(client, login, source, method, role):
    stranger = OrganizationFactory(name="Fjern kommune", slug="fjern")
    user = MembershipFactory(organization=stranger, role=role).user
    program = ProgramFactory(organization=stranger)
    login(user)

    response = getattr(client, method)(adopt_url(stranger, source), {"program": program.pk})

    assert response.status_code == 404
    assert not Measure.objects.filter(adopted_from=source).exists()


def test_an_ended_partnership_ends_adoption_at_once(
    client, login, coordinator, organization, source, own_program, partnership
):
    partnership.is_active = False
    partnership.save()
    login(coordinator)

    response = client.post(adopt_url(organization, source), {"program": own_program.pk})

    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MEMBER, Role.TEAM_LEAD])
def test_only_planners_adopt(client, login, organization, source, own_program, role):
    login(MembershipFactory(organization=organization, role=role).user)

    response = client.post(adopt_url(organization, source), {"program": own_program.pk})

    assert response.status_code == 403
    assert not Measure.objects.filter(adopted_from=source).exists()


def test_a_template_is_listed_to_partners_with_a_button(
    client, login, coordinator, organization, source
):
    source.is_template = True
    source.save()
    login(coordinator)

    response = client.get(reverse("shared_program_list", args=[organization.slug]))

    assert [m.pk for m in response.context["templates"]] == [source.pk]
    assert adopt_url(organization, source) in response.content.decode()


def test_the_owners_coordinator_publishes_and_withdraws_a_template(
    client, login, county, county_lead, source
):
    login(county_lead)
    url = reverse("measure_template", args=[county.slug, source.pk])

    client.post(url, {"publish": "1"})
    source.refresh_from_db()
    assert source.is_template
    client.post(url, {"publish": "0"})
    source.refresh_from_db()
    assert not source.is_template


def test_a_partner_cannot_publish_the_owners_measure(
    client, login, coordinator, organization, source
):
    login(coordinator)

    response = client.post(
        reverse("measure_template", args=[organization.slug, source.pk]), {"publish": "1"}
    )

    assert response.status_code == 404
    source.refresh_from_db()
    assert not source.is_template


def _measure_with_elements(program, n):
    measure = MeasureFactory(program=program)
    elements = [
        LogicElement(measure=measure, column=LogicColumn.ACTIVITIES, text=f"A{i}", position=i)
        for i in range(n)
    ]
    outputs = [
        LogicElement(measure=measure, column=LogicColumn.OUTPUTS, text=f"O{i}", position=i)
        for i in range(n)
    ]
    LogicElement.objects.bulk_create(elements + outputs)
    LogicLink.objects.bulk_create(
        [
            LogicLink(measure=measure, source=a, target=o)
            for a, o in zip(elements, outputs, strict=True)
        ]
    )
    for i in range(max(n // 5, 1)):
        goal = GoalFactory(measure=measure)
        goal.logic_elements.add(outputs[i])
        IndicatorFactory(goal=goal)
    return measure


def test_the_adoption_runs_a_fixed_number_of_queries(shared_program, own_program, coordinator):
    small = _measure_with_elements(shared_program, 5)
    large = _measure_with_elements(shared_program, 50)
    measure_adopt(source=small, program=own_program, user=coordinator)  # warms lookups

    with CaptureQueriesContext(connection) as few:
        measure_adopt(source=small, program=own_program, user=coordinator)
    with CaptureQueriesContext(connection) as many:
        copy = measure_adopt(source=large, program=own_program, user=coordinator)

    assert copy.logic_elements.count() == 100
    assert LogicLink.objects.filter(measure=copy).count() == 50
    assert len(many) == len(few), [q["sql"][:80] for q in many.captured_queries]
    assert len(few) <= 30


def test_the_demo_has_a_measure_taken_into_use_once():
    from django.core.management import call_command

    call_command("seed_demo", password="demo-passord-1")
    call_command("seed_demo", password="demo-passord-1")

    copy = Measure.objects.get(organization__slug="demo-herad", adopted_from__isnull=False)
    assert copy.adopted_from.organization.slug == "demo-kommune"
    assert copy.adopted_from.is_template
    assert copy.phase == 1
    assert ImplementationPlan.objects.filter(measure=copy).exists()


def test_the_origins_cached_page_shows_a_new_adopter_at_once(
    client, login, county_lead, source, own_program, coordinator
):
    # Bulk inserts and the flag's update send no signal: the service bumps both versions.
    login(county_lead)
    client.get(source.get_absolute_url())  # a first view writes the shipped success factors
    assert "Testvik kommune" not in client.get(source.get_absolute_url()).content.decode()

    measure_adopt(source=source, program=own_program, user=coordinator)

    assert "Testvik kommune" in client.get(source.get_absolute_url()).content.decode()


def test_the_shared_programme_marks_its_templates(
    client, login, member, organization, source, shared_program
):
    other = MeasureFactory(program=shared_program, name="Vanlig tiltak")
    source.is_template = True
    source.save()
    login(member)

    response = client.get(
        reverse("shared_program_detail", args=[organization.slug, shared_program.pk])
    )

    assert {m.pk for m in response.context["measures"]} == {source.pk, other.pk}
    assert response.content.decode().count('class="badge text-bg-info"') == 1
    # A member reads; only planners are offered to take a template into use.
    listing = client.get(reverse("shared_program_list", args=[organization.slug]))
    assert not listing.context["can_adopt"]
    assert adopt_url(organization, source) not in listing.content.decode()
