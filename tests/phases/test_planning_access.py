"""Who may use phase I and II's URLs beyond the matrix, and ids from elsewhere (404).

The permission matrix (tests/matrix/phases_planning.py) covers each role on a measure its team
lead leads; here: a team lead who does not lead the measure, members, and every kind of foreign
id (another measure's rows, another organisation's measure).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.models import Role
from phases.models import BudgetLine, PlannedActivity, Preparation, RoleResponsibility
from tests.factories import MeasureFactory, MembershipFactory, ProgramFactory, UserFactory
from tests.phases.test_planning import (
    ActivityFactory,
    BudgetLineFactory,
    PlanFactory,
    RoleFactory,
)


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


@pytest.fixture
def rows(measure):
    plan = PlanFactory(measure=measure)
    return {
        "activity": ActivityFactory(plan=plan),
        "role": RoleFactory(plan=plan),
        "budget": BudgetLineFactory(plan=plan),
    }


def url(name, measure, *args):
    return reverse(name, args=[measure.organization.slug, measure.pk, *args])


def counts():
    return (
        Preparation.objects.count(),
        PlannedActivity.objects.count(),
        RoleResponsibility.objects.count(),
        BudgetLine.objects.count(),
    )


# (URL name, method, the row whose id follows the measure's in the URL)
WRITE_URLS = [
    ("preparation", "post", None),
    ("plan_update", "get", None),
    ("plan_update", "post", None),
    ("planned_activity_create", "get", None),
    ("planned_activity_create", "post", None),
    ("planned_activity_update", "get", "activity"),
    ("planned_activity_update", "post", "activity"),
    ("planned_activity_delete", "post", "activity"),
    ("plan_role_create", "post", None),
    ("plan_role_update", "post", "role"),
    ("plan_role_delete", "post", "role"),
    ("budget_line_create", "post", None),
    ("budget_line_update", "post", "budget"),
    ("budget_line_delete", "post", "budget"),
]
ROW_URLS = [(name, method, key) for name, method, key in WRITE_URLS if key]


@pytest.fixture
def other_lead(organization):
    return MembershipFactory(
        organization=organization, role=Role.TEAM_LEAD, user=UserFactory()
    ).user


@pytest.mark.parametrize(("name", "method", "key"), WRITE_URLS)
def test_a_team_lead_who_does_not_lead_the_measure_gets_403(
    login, measure, rows, other_lead, name, method, key
):
    before = counts()
    args = [rows[key].pk] if key else []
    response = getattr(login(other_lead), method)(url(name, measure, *args))
    assert response.status_code == 403
    assert counts() == before


@pytest.mark.parametrize("role", ["other_lead", "member", "team_lead"])
def test_the_decision_is_for_planners_only(login, measure, request, role):
    user = request.getfixturevalue(role)
    client = login(user)
    assert client.get(url("preparation_decision", measure)).status_code == 403
    response = client.post(
        url("preparation_decision", measure),
        {"decision": "go_on", "decided_by": user.pk, "decided_on": "01.01.2026"},
    )
    assert response.status_code == 403
    assert not Preparation.objects.exists()


def test_a_team_lead_who_does_not_lead_the_measure_still_reads_it(login, measure, rows, other_lead):
    client = login(other_lead)
    response = client.get(url("preparation", measure))
    assert response.status_code == 200
    assert "form" not in response.context
    page = client.get(url("implementation_plan", measure)).content.decode()
    assert rows["activity"].what in page
    assert url("planned_activity_update", measure, rows["activity"].pk) not in page


def _foreign_rows(measure):
    plan = PlanFactory(measure=measure)
    return {
        "activity": ActivityFactory(plan=plan),
        "role": RoleFactory(plan=plan),
        "budget": BudgetLineFactory(plan=plan),
    }


@pytest.mark.parametrize(("name", "method", "key"), ROW_URLS)
@pytest.mark.parametrize("where", ["another measure", "another organisation"])
def test_rows_of_another_measure_give_404(
    login, admin_user, other_organization, measure, rows, name, method, key, where
):
    organization = other_organization if where == "another organisation" else measure.organization
    foreign = _foreign_rows(MeasureFactory(program=ProgramFactory(organization=organization)))
    before = counts()
    response = getattr(login(admin_user), method)(url(name, measure, foreign[key].pk))
    assert response.status_code == 404
    assert counts() == before


ALL_URLS = [
    ("preparation", "get"),
    ("preparation", "post"),
    ("preparation_decision", "get"),
    ("preparation_decision", "post"),
    ("implementation_plan", "get"),
    *((name, method) for name, method, key in WRITE_URLS if not key),
]


@pytest.mark.parametrize(("name", "method"), ALL_URLS)
def test_a_measure_of_another_organisation_gives_404(
    login, admin_user, other_organization, name, method
):
    foreign = MeasureFactory(program=ProgramFactory(organization=other_organization))
    path = reverse(name, args=["testvik", foreign.pk])
    response = getattr(login(admin_user), method)(path)
    assert response.status_code == 404
    assert not Preparation.objects.exists()
