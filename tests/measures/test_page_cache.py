"""The measure page kept in the cache (measures/page_cache.py): after each kind of write to
something the page shows, the next view sees exactly what a fresh build gives, and the
change; each reader gets the links and forms of their own role; a new day builds afresh.

How a test compares: it views the page (which fills the cache), writes, views again (from
the cache, or built afresh if the write bumped the version), then empties the cache and
builds once more. The second and third views must be equal (but for the per-request tokens),
and differ from the first.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from formonce.services import FIELD
from measures.models import Indicator
from organizations.models import Membership, Role
from tests.factories import (
    CommentFactory,
    EventFactory,
    GoalFactory,
    IndicatorFactory,
    LearningMeetingFactory,
    LogicElementFactory,
    MeasureFactory,
    MeasurementFactory,
    MembershipFactory,
    PhaseTransitionFactory,
    ProgramFactory,
    TagFactory,
    UserFactory,
)
from yearwheel.models import Event

pytestmark = pytest.mark.django_db


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    names = f"csrfmiddlewaretoken|{re.escape(FIELD)}"
    return re.sub(rf'(name="(?:{names})" value=")[^"]*"', r"\1", response.text)


@pytest.fixture
def measure(organization, coordinator):
    measure = MeasureFactory(
        program=ProgramFactory(organization=organization), team_lead=coordinator, phase=2
    )
    goal = GoalFactory(measure=measure, title="Færre fravær")
    indicator = IndicatorFactory(goal=goal, name="Fraværsprosent")
    MeasurementFactory(indicator=indicator, value=Decimal(40))
    return measure


def _soon() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=10)


def _comment(measure, user):
    CommentFactory(measure=measure, author=user, text="En ny kommentar")


def _tag(measure, user):
    measure.tags.add(TagFactory(organization=measure.organization, name="trivsel"))


def _contributor(measure, user):
    measure.contributors.add(UserFactory(full_name="Kari Bidragsyter"))


def _measure_renamed(measure, user):
    measure.name = "Et nytt navn"
    measure.save()


def _goal(measure, user):
    GoalFactory(measure=measure, title="Bedre trivsel")


def _indicator_renamed(measure, user):
    indicator = Indicator.objects.get(measure=measure)
    indicator.name = "Fravær i prosent"
    indicator.save()


def _measurement(measure, user):
    MeasurementFactory(
        indicator=Indicator.objects.get(measure=measure),
        value=Decimal(12),
        date=timezone.localdate(),
    )


def _logic_element(measure, user):
    LogicElementFactory(measure=measure, text="Flere voksne i friminuttene")


def _wheel_event(measure, user):
    EventFactory(
        organization=measure.organization,
        measure=measure,
        title="Foreldremøte om tiltaket",
        start_date=_soon(),
    )


def _phase_transition(measure, user):
    PhaseTransitionFactory(measure=measure, decided_by=user, from_phase=2, to_phase=3)
    measure.phase = 3
    measure.save()


def _learning_meeting(measure, user):
    LearningMeetingFactory(measure=measure, title="Erfaringsmøte i desember", date=_soon())


def _tag_renamed(measure, user):
    tag = measure.tags.get()
    tag.name = "skolemiljø"
    tag.save()


def _contributor_renamed(measure, user):
    person = measure.contributors.get()
    person.full_name = "Kari Nyttnavn"
    person.save()


def _wheel_event_moved(measure, user):
    event = Event.objects.get(measure=measure)
    event.start_date += dt.timedelta(days=3)
    event.save()


def _with_contributor(measure, user):
    person = UserFactory(full_name="Kari Bidragsyter")
    MembershipFactory(organization=measure.organization, user=person, role=Role.MEMBER)
    measure.contributors.add(person)


# (what is there before the page is cached, the write)
WRITES = [
    (None, _comment),
    (None, _tag),
    (_tag, _tag_renamed),
    (None, _contributor),
    (_with_contributor, _contributor_renamed),
    (None, _measure_renamed),
    (None, _goal),
    (None, _indicator_renamed),
    (None, _measurement),
    (None, _logic_element),
    (None, _wheel_event),
    (_wheel_event, _wheel_event_moved),
    (None, _phase_transition),
    (None, _learning_meeting),
]


@pytest.mark.parametrize(("setup", "write"), WRITES, ids=[w.__name__.strip("_") for _, w in WRITES])
def test_the_next_view_after_a_write_sees_it(
    login, coordinator, organization, measure, setup, write
):
    client = login(coordinator)
    url = reverse("measure_detail", args=[organization.slug, measure.pk])
    if setup is not None:
        setup(measure, coordinator)
    before = _page(client, url)
    write(measure, coordinator)
    after = _page(client, url)
    cache.clear()
    fresh = _page(client, url)
    assert after == fresh
    assert after != before


def test_each_reader_gets_their_own_links(login, coordinator, viewer, organization, measure):
    url = reverse("measure_detail", args=[organization.slug, measure.pk])
    _page(login(coordinator), url)  # cached for the coordinator
    seen = _page(login(viewer), url)
    cache.clear()
    assert seen == _page(login(viewer), url)
    assert reverse("event_create", args=[organization.slug]) not in seen


def test_a_role_changed_is_seen_at_once(login, member, organization, measure):
    url = reverse("measure_detail", args=[organization.slug, measure.pk])
    client = login(member)
    before = _page(client, url)
    membership = Membership.objects.get(user=member, organization=organization)
    membership.role = Role.COORDINATOR
    membership.save()
    after = _page(client, url)
    cache.clear()
    assert after == _page(client, url)
    assert after != before


def test_a_new_day_builds_afresh(login, coordinator, organization, measure, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 7, 22, 50, tzinfo=dt.UTC), tick=False)
    EventFactory(
        organization=organization,
        measure=measure,
        title="Siste sjekkpunkt",
        start_date=dt.date(2026, 12, 7),
    )
    client = login(coordinator)
    url = reverse("measure_detail", args=[organization.slug, measure.pk])
    today = _page(client, url)
    assert "Siste sjekkpunkt" in today
    time_machine.move_to(dt.datetime(2026, 12, 7, 23, 10, tzinfo=dt.UTC), tick=False)
    tomorrow = _page(client, url)  # past midnight in Oslo
    assert "Siste sjekkpunkt" not in tomorrow


def test_the_cached_view_runs_few_queries(
    login, coordinator, organization, measure, django_assert_max_num_queries
):
    client = login(coordinator)
    url = reverse("measure_detail", args=[organization.slug, measure.pk])
    # The first view copies the shipped success factors into the organisation (a write).
    _page(client, url)
    _page(client, url)
    with django_assert_max_num_queries(6):
        _page(client, url)
