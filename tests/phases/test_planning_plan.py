"""Phase II: the implementation plan's texts, activities, roles and budget lines, the plan page
and its print view (phase I and the measure page's section: test_planning.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from phases.models import BudgetLine, ImplementationPlan, PlannedActivity, RoleResponsibility
from tests.factories import EvaluationCycleFactory, MeasureFactory, ProgramFactory
from tests.phases.test_planning import (
    NBSP,
    ActivityFactory,
    BudgetLineFactory,
    PlanFactory,
    RoleFactory,
    choice_ids,
    errors,
)


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


# --- phase II: the plan's texts ---------------------------------------------------------------


def test_the_plan_row_is_made_on_the_first_save_only(login, team_lead, measure):
    client = login(team_lead)
    assert client.get(url("implementation_plan", measure)).status_code == 200
    assert client.get(url("plan_update", measure)).status_code == 200
    assert not ImplementationPlan.objects.exists()
    response = client.post(
        url("plan_update", measure),
        {"to_develop": "En rutine for trygge friminutt", "target_group": "Elever på 1.–4. trinn"},
    )
    assert response.status_code == 302
    client.post(url("plan_update", measure), {"to_develop": "Ny tekst"})
    plan = ImplementationPlan.objects.get()
    assert (plan.measure, plan.to_develop, plan.target_group) == (measure, "Ny tekst", "")


# --- phase II: activities ---------------------------------------------------------------------


def activity(**values):
    return {"what": "Oppstartsmøte", "contributors": "PPT, helsestasjonen", **values}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"start_date": "10.09.2026", "end_date": "01.09.2026"},
            {"end_date": ["The activity cannot end before it starts."]},
        ),
        (
            {"start_date": "01.09.2026", "month": "9"},
            {"month": ["Give either a month or dates, not both."]},
        ),
        (
            {"end_date": "01.09.2026", "month": "9"},
            {"month": ["Give either a month or dates, not both."]},
        ),
        ({}, {"start_date": ["Say when: give the dates, or choose a month."]}),
        ({"end_date": "01.09.2026"}, {"start_date": ["Give the date the activity starts."]}),
        (
            {"start_date": "31.02.2026"},
            {"start_date": ["Write the date as dd.mm.yyyy, for example 31.12.2026."]},
        ),
        (
            {"month": "13"},
            {"month": ["Choose one of the options. 13 is not one of them."]},
        ),
    ],
)
def test_bad_activities_are_refused_next_to_the_field(
    english, login, team_lead, measure, values, expected
):
    response = login(team_lead).post(url("planned_activity_create", measure), activity(**values))
    assert errors(response) == expected
    assert not PlannedActivity.objects.exists()
    # Not even the plan row: nothing is saved.
    assert not ImplementationPlan.objects.exists()


@pytest.mark.parametrize(
    ("values", "stored"),
    [
        (
            {"start_date": "01.09.2026", "end_date": "15.09.2026"},
            (dt.date(2026, 9, 1), dt.date(2026, 9, 15), None),
        ),
        ({"start_date": "01.09.2026"}, (dt.date(2026, 9, 1), None, None)),
        (
            {"start_date": "01.09.2026", "end_date": "01.09.2026"},
            (dt.date(2026, 9, 1), dt.date(2026, 9, 1), None),
        ),
        ({"month": "3"}, (None, None, 3)),
    ],
)
def test_activities_have_dates_or_a_month(login, team_lead, member, measure, values, stored):
    response = login(team_lead).post(
        url("planned_activity_create", measure), activity(responsible=member.pk, **values)
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#activities")
    saved = PlannedActivity.objects.get()
    assert (saved.start_date, saved.end_date, saved.month) == stored
    assert saved.plan.measure == measure
    assert saved.responsible == member
    assert saved.contributors == "PPT, helsestasjonen"


def test_an_activity_moves_from_dates_to_a_month(login, team_lead, measure):
    row = ActivityFactory(plan=PlanFactory(measure=measure), start_date=dt.date(2026, 9, 1))
    response = login(team_lead).post(
        url("planned_activity_update", measure, row.pk),
        activity(start_date="", end_date="", month="8"),
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.start_date, row.end_date, row.month) == (None, None, 8)


def test_the_responsible_is_one_of_this_organisations_people(
    login, team_lead, member, viewer, outsider, measure
):
    client = login(team_lead)
    ids = choice_ids(client.get(url("planned_activity_create", measure)), "responsible")
    assert {team_lead.pk, member.pk} <= ids
    # Viewers read; people of other organisations are never offered.
    assert viewer.pk not in ids and outsider.pk not in ids
    response = client.post(
        url("planned_activity_create", measure),
        activity(start_date="01.09.2026", responsible=outsider.pk),
    )
    assert list(errors(response)) == ["responsible"]
    assert not PlannedActivity.objects.exists()


def test_deleting_an_activity(login, team_lead, measure):
    plan = PlanFactory(measure=measure)
    gone, kept = ActivityFactory(plan=plan), ActivityFactory(plan=plan)
    response = login(team_lead).post(url("planned_activity_delete", measure, gone.pk))
    assert response.status_code == 302
    assert list(PlannedActivity.objects.all()) == [kept]


def test_the_plan_lists_activities_in_order_of_time(login, member, measure):
    plan = PlanFactory(measure=measure)
    ActivityFactory(plan=plan, what="Evaluering", start_date=None, month=6)
    ActivityFactory(plan=plan, what="Kurs", start_date=dt.date(2026, 10, 1))
    ActivityFactory(
        plan=plan, what="Oppstart", start_date=dt.date(2026, 8, 20), end_date=dt.date(2026, 9, 5)
    )
    response = login(member).get(url("implementation_plan", measure))
    assert [row.activity.what for row in response.context["activities"]] == [
        "Oppstart",
        "Kurs",
        "Evaluering",
    ]
    page = response.content.decode()
    assert "20.08.2026–05.09.2026" in page
    # Members read: no buttons to change the plan.
    assert url("planned_activity_create", measure) not in page


# --- phase II: roles ----------------------------------------------------------------------------


def test_roles_are_added_changed_and_deleted(login, team_lead, measure):
    client = login(team_lead)
    response = client.post(
        url("plan_role_create", measure),
        {"role": "Implementeringsteam", "responsibility": "Følger planen", "holder": "Rektor"},
    )
    assert response.status_code == 302
    role = RoleResponsibility.objects.get()
    client.post(
        url("plan_role_update", measure, role.pk),
        {"role": "Implementeringsteam", "responsibility": "Følger opp planen", "holder": ""},
    )
    role.refresh_from_db()
    assert (role.responsibility, role.holder) == ("Følger opp planen", "")
    assert "Følger opp planen" in client.get(url("implementation_plan", measure)).content.decode()
    client.post(url("plan_role_delete", measure, role.pk))
    assert not RoleResponsibility.objects.exists()


def test_a_role_needs_a_responsibility(login, team_lead, measure):
    response = login(team_lead).post(url("plan_role_create", measure), {"role": "Teamleder"})
    assert list(errors(response)) == ["responsibility"]
    assert not RoleResponsibility.objects.exists()


# --- phase II: budget ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("12 500,50", Decimal("12500.50")),
        (f"12{NBSP}500,50", Decimal("12500.50")),
        ("12500", Decimal("12500")),
        ("0", Decimal("0")),
    ],
)
def test_amounts_are_typed_the_norwegian_way(login, team_lead, measure, typed, stored):
    response = login(team_lead).post(
        url("budget_line_create", measure),
        {"description": "Kurs", "year": "2027", "amount": typed, "funding_source": "Statstilskudd"},
    )
    assert response.status_code == 302
    line = BudgetLine.objects.get()
    assert (line.amount, line.year, line.plan.measure) == (stored, 2027, measure)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"amount": "-100"}, "amount", "The amount cannot be negative."),
        ({"amount": "12,505"}, "amount", "Write at most 2 digits after the decimal comma."),
        ({"amount": "mye"}, "amount", "Write a number, for example 12,5."),
        ({"year": "1999"}, "year", "Give a year between 2000 and 2100."),
    ],
)
def test_bad_budget_lines_are_refused(english, login, team_lead, measure, values, field, message):
    data = {"description": "Kurs", "year": "2026", "amount": "1000", **values}
    response = login(team_lead).post(url("budget_line_create", measure), data)
    assert errors(response) == {field: [message]}
    assert not BudgetLine.objects.exists()


def test_the_budget_shows_norwegian_amounts_and_a_total_per_year(login, member, measure):
    plan = PlanFactory(measure=measure)
    BudgetLineFactory(plan=plan, year=2026, amount=Decimal("12500.50"))
    BudgetLineFactory(plan=plan, year=2026, amount=Decimal("7500"))
    BudgetLineFactory(plan=plan, year=2027, amount=Decimal("100000"))
    response = login(member).get(url("implementation_plan", measure))
    years = response.context["budget_years"]
    assert [(year.year, year.total) for year in years] == [
        (2026, Decimal("20000.50")),
        (2027, Decimal("100000")),
    ]
    page = response.content.decode()
    assert f"12{NBSP}500,50" in page
    assert f"20{NBSP}000,50" in page  # the total of 2026
    assert f"7{NBSP}500<" in page  # whole kroner without ",00"
    assert f"120{NBSP}000,50" in page  # all years


def test_editing_a_budget_line_shows_the_amount_as_typed(login, team_lead, measure):
    line = BudgetLineFactory(plan=PlanFactory(measure=measure), amount=Decimal("12500.00"))
    response = login(team_lead).get(url("budget_line_update", measure, line.pk))
    assert f'value="12{NBSP}500"' in response.content.decode()
    response = login(team_lead).post(
        url("budget_line_update", measure, line.pk),
        {"description": "Kurs", "year": "2026", "amount": f"12{NBSP}500,75"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.amount == Decimal("12500.75")


# --- the plan page and its print view -----------------------------------------------------------


def test_the_plan_shows_the_evaluation_cycle_and_links_to_it(login, team_lead, member, measure):
    EvaluationCycleFactory(measure=measure, rhythm="term")
    ImplementationPlan.objects.create(measure=measure, evaluation_plan="Hvert halvår")
    cycle_url = url("evaluation_cycle", measure)
    page = login(team_lead).get(url("implementation_plan", measure)).content.decode()
    assert "Hvert halvår" in page and cycle_url in page
    # Members see the rhythm, but may not change it.
    page = login(member).get(url("implementation_plan", measure)).content.decode()
    assert cycle_url not in page


def test_the_print_view_has_the_whole_plan_and_no_buttons(login, team_lead, measure):
    plan = PlanFactory(measure=measure, training_plan="Kurs i august")
    ActivityFactory(plan=plan, what="Oppstartsmøte")
    RoleFactory(plan=plan, role="Rektor")
    BudgetLineFactory(plan=plan, description="Vikarutgifter")
    response = login(team_lead).get(url("implementation_plan", measure) + "?print=1")
    page = response.content.decode()
    for text in ("Oppstartsmøte", "Rektor", "Vikarutgifter", "Kurs i august"):
        assert text in page
    assert "<form" not in page and "/edit/" not in page
    assert 'class="navbar' not in page


def test_the_plan_says_which_parts_are_missing(login, member, measure):
    plan = PlanFactory(measure=measure, to_develop="Rutine", target_group="1.–4. trinn")
    ActivityFactory(plan=plan)
    response = login(member).get(url("implementation_plan", measure))
    done = {part.anchor for part in response.context["parts"] if part.done}
    assert done == {"to-develop", "target-group", "activities"}
