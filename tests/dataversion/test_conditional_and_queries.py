"""The cached feed answers conditional requests, and the cached pages cost few queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    EventFactory,
    IndicatorFactory,
    MeasureFactory,
    ProgramFactory,
    RingFactory,
)
from yearwheel import feeds

pytestmark = pytest.mark.django_db

# A cached read: the session, the person, the membership and the filter form's choices for
# the dashboard (no measure, indicator or wheel query); the token and the memberships for
# the feed.
CACHED_DASHBOARD_QUERIES = 8
CACHED_FEED_QUERIES = 2


@pytest.fixture(autouse=True)
def _site():
    with override_settings(SITE_URL="https://tiltak.kommune.test"):
        yield


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization)


@pytest.fixture
def feed(member):
    return feeds.feed_path(feeds.create_or_regenerate(member)[0])


def add_events(organization, count):
    ring = RingFactory(organization=organization)
    for n in range(count):
        EventFactory(
            organization=organization,
            ring=ring,
            start_date=timezone.localdate() + dt.timedelta(days=n),
            measure=MeasureFactory(organization=organization, program__organization=organization),
        )


def test_an_unchanged_feed_answers_304_to_its_etag(client, organization, feed):
    add_events(organization, 3)
    first = client.get(feed)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('W/"')
    again = client.get(feed, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_a_write_gives_200_and_a_new_etag(client, organization, feed):
    add_events(organization, 1)
    etag = client.get(feed)["ETag"]
    EventFactory(organization=organization, title="Nytt møte", start_date=timezone.localdate())
    changed = client.get(feed, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Nytt møte" in changed.content.decode()
    assert client.get(feed, headers={"if-none-match": changed["ETag"]}).status_code == 304


def test_if_modified_since_answers_304_until_a_write(client, organization, feed):
    add_events(organization, 1)
    first = client.get(feed)
    last_modified = first["Last-Modified"]
    assert client.get(feed, headers={"if-modified-since": last_modified}).status_code == 304
    EventFactory(organization=organization, title="Nytt møte", start_date=timezone.localdate())
    # The new content has not been built yet: nothing says it is older than the date given.
    assert client.get(feed, headers={"if-modified-since": last_modified}).status_code == 200


def test_a_new_day_is_a_new_feed(client, organization, feed, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 7, 23, 50, tzinfo=dt.UTC), tick=False)
    add_events(organization, 1)
    etag = client.get(feed)["ETag"]
    time_machine.move_to(dt.datetime(2026, 12, 8, 23, 50, tzinfo=dt.UTC), tick=False)
    assert client.get(feed, headers={"if-none-match": etag}).status_code == 200


@pytest.mark.parametrize("events", [5, 40])
def test_a_cached_feed_costs_a_fixed_few_queries(client, organization, feed, events):
    add_events(organization, events)
    client.get(feed)  # builds, and records the fetch
    with CaptureQueriesContext(connection) as queries:
        assert client.get(feed).status_code == 200
    assert len(queries) == CACHED_FEED_QUERIES, [q["sql"] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(feed, headers={"if-none-match": 'W/"x"'}).status_code == 200
    assert len(queries) == CACHED_FEED_QUERIES


@pytest.mark.parametrize("measures", [5, 40])
def test_a_cached_dashboard_costs_a_fixed_few_queries(
    login, coordinator, organization, program, measures
):
    for _n in range(measures):
        IndicatorFactory(goal__measure=MeasureFactory(program=program))
    client = login(coordinator)
    url = reverse("status_dashboard", kwargs={"org_slug": organization.slug})
    client.get(url)  # builds
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= CACHED_DASHBOARD_QUERIES, [q["sql"] for q in queries]


@pytest.mark.parametrize("role", ["viewer", "coordinator"])
def test_each_role_sees_its_own_links_on_a_cached_dashboard(
    role, request, login, organization, program
):
    MeasureFactory(program=program, name="Leksehjelp")
    user = request.getfixturevalue(role)
    other = request.getfixturevalue("viewer" if role == "coordinator" else "coordinator")
    # The cards carry the summary links.
    url = reverse("status_dashboard", kwargs={"org_slug": organization.slug}) + "?view=cards"
    login(other).get(url)  # the other role fills the cache
    client = login(user)
    page = client.get(url)
    writes = user.has_perm("reports.write_summary", organization)
    assert page.context["can_write_summary"] is writes
    assert ("/summary/" in page.content.decode()) is writes
