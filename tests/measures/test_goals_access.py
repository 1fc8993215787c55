"""Who may use the goals area's URLs, and ids from another measure or organisation (404).

The permission matrix (tests/matrix/measures_goals.py) covers each role on a measure its team
lead leads; here: a team lead who does not lead the measure, and every kind of foreign id.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from measures.models import Goal, Measurement
from organizations.models import Role
from tests.factories import (
    FuturePictureFactory,
    GoalFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


@pytest.fixture
def goal(measure):
    return GoalFactory(measure=measure)


@pytest.fixture
def indicator(goal):
    return IndicatorFactory(goal=goal)


def url(name, measure, *args):
    return reverse(name, args=[measure.organization.slug, measure.pk, *args])


@pytest.fixture
def objects(measure, goal, indicator):
    """One of everything in ``measure``, for walking every URL of the area."""
    return {
        "goal": goal,
        "indicator": indicator,
        "measurement": MeasurementFactory(indicator=indicator),
        "picture": FuturePictureFactory(measure=measure),
    }


# (URL name, method, the objects whose ids follow the measure's in the URL)
WRITE_URLS = [
    ("goal_create", "get", []),
    ("goal_create", "post", []),
    ("goal_update", "post", ["goal"]),
    ("goal_judge", "post", ["goal"]),
    ("goal_move", "post", ["goal"]),
    ("goal_delete", "post", ["goal"]),
    ("indicator_create", "post", ["goal"]),
    ("indicator_update", "post", ["indicator"]),
    ("indicator_delete", "post", ["indicator"]),
    ("measurement_create", "post", ["indicator"]),
    ("measurement_update", "post", ["indicator", "measurement"]),
    ("measurement_delete", "post", ["indicator", "measurement"]),
    ("future_picture_create", "post", []),
    ("future_picture_update", "post", ["picture"]),
    ("future_picture_delete", "post", ["picture"]),
]
OBJECT_URLS = [
    *((name, method, keys) for name, method, keys in WRITE_URLS if keys),
    ("indicator_detail", "get", ["indicator"]),
]


@pytest.mark.parametrize(("name", "method", "keys"), WRITE_URLS)
def test_a_team_lead_who_does_not_lead_the_measure_gets_403(
    login, organization, measure, objects, name, method, keys
):
    other_lead = MembershipFactory(
        organization=organization, role=Role.TEAM_LEAD, user=UserFactory()
    ).user
    assert measure.team_lead != other_lead
    response = getattr(login(other_lead), method)(
        url(name, measure, *(objects[key].pk for key in keys))
    )
    assert response.status_code == 403
    # Nothing changed on the way.
    assert Goal.objects.count() == 1 and Measurement.objects.count() == 1


def test_a_team_lead_who_does_not_lead_the_measure_still_reads_it(
    login, organization, measure, objects
):
    other_lead = MembershipFactory(
        organization=organization, role=Role.TEAM_LEAD, user=UserFactory()
    ).user
    client = login(other_lead)
    response = client.get(url("indicator_detail", measure, objects["indicator"].pk))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "measurement-form" not in response.content.decode()


def _other_measure_objects(other):
    other_goal = GoalFactory(measure=other)
    other_indicator = IndicatorFactory(goal=other_goal)
    return {
        "goal": other_goal,
        "indicator": other_indicator,
        "measurement": MeasurementFactory(indicator=other_indicator),
        "picture": FuturePictureFactory(measure=other),
    }


@pytest.mark.parametrize(("name", "method", "keys"), OBJECT_URLS)
@pytest.mark.parametrize("where", ["another measure", "another organisation"])
def test_ids_from_another_measure_or_organisation_give_404(
    login, admin_user, other_organization, measure, objects, name, method, keys, where
):
    organization = other_organization if where == "another organisation" else measure.organization
    foreign = _other_measure_objects(
        MeasureFactory(program=ProgramFactory(organization=organization))
    )
    client = login(admin_user)
    for swapped in keys:
        ids = [(foreign if key == swapped else objects)[key].pk for key in keys]
        response = getattr(client, method)(url(name, measure, *ids))
        assert response.status_code == 404, f"{name} with {swapped} from {where}"
    assert Goal.objects.count() == 2 and Measurement.objects.count() == 2


def test_another_organisations_measure_gives_404_under_this_organisation(
    login, admin_user, organization, other_organization
):
    foreign_measure = MeasureFactory(program=ProgramFactory(organization=other_organization))
    foreign = _other_measure_objects(foreign_measure)
    client = login(admin_user)
    for name, method, keys in [*WRITE_URLS, ("indicator_detail", "get", ["indicator"])]:
        args = [organization.slug, foreign_measure.pk, *(foreign[key].pk for key in keys)]
        response = getattr(client, method)(reverse(name, args=args))
        assert response.status_code == 404, name


def test_a_measurement_of_another_indicator_of_the_same_measure_gives_404(
    login, coordinator, measure, goal, indicator
):
    sibling = IndicatorFactory(goal=goal)
    measurement = MeasurementFactory(indicator=sibling)
    client = login(coordinator)
    for name in ("measurement_update", "measurement_delete"):
        response = client.post(url(name, measure, indicator.pk, measurement.pk))
        assert response.status_code == 404
    assert Measurement.objects.count() == 1
