"""Every page of phase I and II runs the same number of queries for 5 rows as for 50."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Role
from phases.models import Preparation
from phases.views.planning import measure_section
from tests.factories import (
    EvaluationCycleFactory,
    FuturePictureFactory,
    KnowledgeItemFactory,
    MeasureFactory,
    MembershipFactory,
    PreparationDecisionFactory,
    ProgramFactory,
    UserFactory,
)
from tests.phases.test_planning import (
    ActivityFactory,
    BudgetLineFactory,
    PlanFactory,
    RoleFactory,
)


@pytest.fixture
def measure(organization, team_lead, coordinator):
    measure = MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)
    Preparation.objects.create(measure=measure, key_people="Rektor")
    PreparationDecisionFactory(
        measure=measure, decided_by=coordinator, decided_on=dt.date(2026, 1, 5)
    )
    EvaluationCycleFactory(measure=measure)
    return measure


class Rows:
    """Adds activities (each with its own responsible person), roles, budget lines over several
    years, knowledge items, future pictures and members of the organisation."""

    def __init__(self, measure):
        self.measure = measure
        self.plan = PlanFactory(measure=measure)
        self.activity = ActivityFactory(plan=self.plan)
        self.role = RoleFactory(plan=self.plan)
        self.budget_line = BudgetLineFactory(plan=self.plan)
        self.added = 0

    def add(self, count: int) -> None:
        for _ in range(count):
            n = self.added = self.added + 1
            person = MembershipFactory(
                organization=self.measure.organization, role=Role.MEMBER, user=UserFactory()
            ).user
            if n % 2:
                ActivityFactory(
                    plan=self.plan, start_date=dt.date(2026, 1, 1) + dt.timedelta(days=n)
                )
            else:
                ActivityFactory(plan=self.plan, start_date=None, month=n % 12 + 1)
            ActivityFactory(plan=self.plan, responsible=person)
            RoleFactory(plan=self.plan)
            BudgetLineFactory(plan=self.plan, year=2026 + n % 4, amount=Decimal(n))
            KnowledgeItemFactory(measure=self.measure, created_by=person)
            FuturePictureFactory(measure=self.measure, horizon_year=2030 + n)


def _count_get(client, url: str) -> int:
    client.get(url)  # warm up: sessions, content types, translations
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _urls(measure, rows: Rows) -> dict[str, str]:
    def url(name, *args):
        return reverse(name, args=[measure.organization.slug, measure.pk, *args])

    return {
        "preparation": url("preparation"),
        "preparation_decision": url("preparation_decision"),
        "implementation_plan": url("implementation_plan"),
        "implementation_plan_print": url("implementation_plan") + "?print=1",
        "plan_update": url("plan_update"),
        "planned_activity_create": url("planned_activity_create"),
        "planned_activity_update": url("planned_activity_update", rows.activity.pk),
        "plan_role_create": url("plan_role_create"),
        "plan_role_update": url("plan_role_update", rows.role.pk),
        "budget_line_create": url("budget_line_create"),
        "budget_line_update": url("budget_line_update", rows.budget_line.pk),
    }


def test_every_page_runs_the_same_number_of_queries_for_5_and_50_rows(login, admin_user, measure):
    client = login(admin_user)
    rows = Rows(measure)
    rows.add(5)
    urls = _urls(measure, rows)
    few = {name: _count_get(client, url) for name, url in urls.items()}
    rows.add(45)
    many = {name: _count_get(client, url) for name, url in urls.items()}
    assert many == few
    print("\nqueries per page:", few)
    # Session, user, membership, measure, the menu's organisations, the notification bell's
    # unread count; the plan, its activities, roles and budget lines, the decision to go on
    # (with who decided and who recorded it) and the evaluation cycle; the choices of
    # "responsible" in the inline form for a new activity. (The print view has no menu, no
    # bell and no forms.)
    assert few["implementation_plan"] == 13
    assert few["implementation_plan_print"] == 10
    # The same six; the preparation, the versions of the decision to go on, the knowledge
    # base and the future pictures.
    assert few["preparation"] == 10


def _section_queries(measure, user) -> tuple[int, str]:
    request = RequestFactory().get("/")
    request.user = user
    request.organization = measure.organization
    # As on the measure page, the membership is already known (the middleware found it).
    user.has_perm("phases.view_phases", measure)
    with CaptureQueriesContext(connection) as queries:
        section = measure_section(request, measure)
        html = render_to_string(section.template, {"section": section.context}, request=request)
    return len(queries), html


def test_the_measure_page_section_runs_a_fixed_number_of_queries(team_lead, measure):
    empty, _html = _section_queries(measure, team_lead)
    # The preparation, the versions of the decision to go on and the plan (none yet).
    assert empty == 3
    rows = Rows(measure)
    rows.add(5)
    few, _html = _section_queries(measure, team_lead)
    rows.add(45)
    many, _html = _section_queries(measure, team_lead)
    assert many == few
    # The preparation, the decision's versions with who decided and who recorded them, the
    # plan with its counts and total, the activities with who is responsible.
    assert few == 4
