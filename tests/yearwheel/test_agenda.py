"""The agenda: the wheel's year as text, one month a page with every month one link away,
narrowed by the same filter as the wheel, at a fixed number of queries."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from dataversion import versions
from tests.factories import (
    EvaluationCycleFactory,
    EventFactory,
    MeasureFactory,
    RingFactory,
    WheelFactory,
)
from yearwheel.models import Kind, Recurrence
from yearwheel.occurrences import sources

pytestmark = pytest.mark.django_db


def agenda_url(organization, year=2026, month=10, **filters):
    """The agenda's page of the ``month``-th month of the planning year, narrowed."""
    url = reverse("wheel_agenda", kwargs={"org_slug": organization.slug, "year": year})
    query = urlencode({**filters, **({"zoom": f"m{month}"} if month else {})})
    return f"{url}?{query}" if query else url


@pytest.fixture
def wheel(organization):
    return WheelFactory(organization=organization, year=2026, start_month=1)


@pytest.fixture
def ring(organization):
    return RingFactory(organization=organization, name="Skole", colour="#1f5f8b")


def titles(response):
    return [row.occurrence.title for row in response.context["month"].rows]


def test_the_agenda_groups_the_year_by_month(organization, wheel, ring, member, login):
    measure = MeasureFactory(program__organization=organization, name="Trygge friminutt")
    EventFactory(
        organization=organization,
        ring=ring,
        title="Foreldremøte",
        kind=Kind.MEETING,
        start_date=date(2026, 10, 6),
        start_time=time(18),
        end_time=time(19, 30),
        place="Aulaen",
        responsible=member,
        measure=measure,
    )
    EventFactory(
        organization=organization,
        ring=ring,
        title="Kursdager",
        kind=Kind.ACTIVITY,
        start_date=date(2026, 10, 19),
        end_date=date(2026, 10, 20),
    )
    EventFactory(organization=organization, ring=ring, title="Frist", start_date=date(2026, 3, 1))

    client = login(member)
    response = client.get(agenda_url(organization, month=10))
    page = response.content.decode()

    month = response.context["month"]
    assert month.first == date(2026, 10, 1)
    assert [row.occurrence.title for row in month.rows] == ["Foreldremøte", "Kursdager"]
    assert titles(client.get(agenda_url(organization, month=3))) == ["Frist"]
    assert response.context["count"] == 2
    assert ">oktober 2026</h2>" in page
    assert "06.10.2026" in page
    assert "18:00–19:30" in page
    assert "19.10.2026–20.10.2026" in page
    assert "Aulaen" in page
    assert "Trygge friminutt" in page
    assert measure.program.name in page
    assert str(member) in page
    # The ring's swatch, drawn once and used by each of its rows.
    assert f'<symbol id="ring-swatch-{ring.pk}" viewBox="0 0 10 10"><circle' in page
    assert 'fill="#1f5f8b"' in page
    assert page.count(f'<use href="#ring-swatch-{ring.pk}"/>') == 2
    assert month.rows[0].kind == str(Kind.MEETING.label)  # in bokmål, like the page


def test_the_hidden_caption_counts_the_months_items(organization, wheel, ring, member, login):
    for day in (5, 12):
        EventFactory(organization=organization, ring=ring, start_date=date(2026, 10, day))
    EventFactory(
        organization=organization,
        ring=ring,
        start_date=date(2026, 10, 1),
        recurrence=Recurrence.WEEKLY,
        repeat_until=date(2026, 10, 15),
    )
    page = login(member).get(agenda_url(organization, month=10)).content.decode()
    # Three rows: two events and a series of three dates; five items in all.
    assert '<caption class="visually-hidden">5 oppføringer i oktober 2026</caption>' in page


def test_every_month_is_one_link_away_and_the_links_keep_the_filter(
    organization, wheel, ring, member, login
):
    response = login(member).get(agenda_url(organization, kind=Kind.MEETING))
    links = response.context["month_links"]
    base = reverse("wheel_agenda", kwargs={"org_slug": organization.slug, "year": 2026})
    assert [link.first for link in links] == [date(2026, m, 1) for m in range(1, 13)]
    assert [link.url for link in links] == [f"{base}?kind=meeting&zoom=m{m}" for m in range(1, 13)]
    assert [link.current for link in links] == [m == 10 for m in range(1, 13)]
    assert response.context["previous"] == links[8]
    assert response.context["next"] == links[10]
    page = response.content.decode()
    assert f'href="{base}?kind=meeting&amp;zoom=m10" aria-current="page"' in page
    assert 'rel="prev"' in page and 'rel="next"' in page
    # The filter form keeps the month.
    assert '<input type="hidden" name="zoom" value="m10">' in page


def test_the_first_and_last_months_have_no_link_beyond_the_year(organization, wheel, member, login):
    client = login(member)
    first = client.get(agenda_url(organization, month=1))
    assert first.context["previous"] is None
    assert first.context["next"].first == date(2026, 2, 1)
    last = client.get(agenda_url(organization, month=12))
    assert last.context["next"] is None
    assert 'rel="next"' not in last.content.decode()


@pytest.mark.parametrize(
    ("zoom", "today", "shown"),
    [
        ("", date(2026, 5, 20), date(2026, 5, 1)),  # today's month
        ("", date(2027, 2, 1), date(2026, 1, 1)),  # a year not this one: its first month
        ("m12", date(2026, 5, 20), date(2026, 12, 1)),
        ("q3", date(2026, 5, 20), date(2026, 7, 1)),  # a quarter: its first month
        ("m13", date(2026, 5, 20), date(2026, 5, 1)),  # unknown: as if none
    ],
)
def test_the_month_shown(organization, wheel, member, login, zoom, today, shown):
    with time_machine.travel(today, tick=False):
        response = login(member).get(agenda_url(organization, month=None), {"zoom": zoom})
    assert response.status_code == 200
    assert response.context["month"].first == shown


def test_a_series_is_one_row_listing_its_dates_in_the_month(
    organization, wheel, ring, member, login
):
    EventFactory(
        organization=organization,
        ring=ring,
        title="Åpen hall",
        start_date=date(2026, 11, 4),
        recurrence=Recurrence.WEEKLY,
        repeat_until=date(2026, 11, 25),
        exceptions=["2026-11-18"],
    )
    response = login(member).get(agenda_url(organization, month=11))
    # A series is one row a month listing its dates.
    [row] = response.context["month"].rows
    assert [one.start for one in row.occurrences] == [
        date(2026, 11, 4),
        date(2026, 11, 11),
        date(2026, 11, 25),
    ]
    assert row.occurrence.recurring
    assert response.context["count"] == 3
    page = response.content.decode()
    assert "04.11.2026, 11.11.2026, 25.11.2026" in page
    assert page.count("badge text-bg-light border") == 1


def test_an_august_wheel_runs_from_august_to_july(organization, ring, member, login):
    WheelFactory(organization=organization, year=2026, start_month=8)
    EventFactory(organization=organization, ring=ring, title="Vinter", start_date=date(2027, 1, 5))
    EventFactory(organization=organization, ring=ring, title="Før", start_date=date(2026, 7, 5))
    EventFactory(
        organization=organization,
        ring=ring,
        title="Over grensen",
        start_date=date(2026, 7, 30),
        end_date=date(2026, 8, 2),
    )

    client = login(member)
    first = client.get(agenda_url(organization, month=1))
    links = first.context["month_links"]
    assert links[0].first == date(2026, 8, 1)
    assert links[-1].first == date(2027, 7, 1)
    # What began before the wheel's first month and goes on into it is shown there.
    assert titles(first) == ["Over grensen"]
    january = client.get(agenda_url(organization, month=6))
    assert titles(january) == ["Vinter"]
    assert ">januar 2027</h2>" in january.content.decode()
    # ...but an event running from one month into the next is shown only in its first.
    september = client.get(agenda_url(organization, month=2))
    assert titles(september) == []


def test_derived_occurrences_appear_in_their_system_ring(organization, wheel, member, login):
    measure = MeasureFactory(program__organization=organization, name="Leseglede")
    EvaluationCycleFactory(measure=measure, first_due=date(2026, 6, 20))
    client = login(member)
    rows = [
        row
        for month in (6, 12)
        for row in client.get(agenda_url(organization, month=month)).context["month"].rows
    ]
    assert [row.occurrence.start for row in rows] == [date(2026, 6, 20), date(2026, 12, 20)]
    assert {row.ring.source for row in rows} == {"evaluations"}


def test_the_filter_narrows_by_ring_kind_and_measure(organization, wheel, ring, member, login):
    other_ring = RingFactory(organization=organization, name="Barnehage")
    hidden = RingFactory(organization=organization, name="Skjult", is_visible=False)
    archived = RingFactory(organization=organization, name="Gammel", is_archived=True)
    measure = MeasureFactory(program__organization=organization)
    EventFactory(
        organization=organization, ring=ring, title="A", kind=Kind.MEETING, measure=measure
    )
    EventFactory(organization=organization, ring=other_ring, title="B", kind=Kind.DEADLINE)
    EventFactory(organization=organization, ring=hidden, title="C", kind=Kind.MEETING)
    EventFactory(organization=organization, ring=archived, title="D", kind=Kind.MEETING)
    client = login(member)

    assert sorted(titles(client.get(agenda_url(organization)))) == ["A", "B"]
    assert titles(client.get(agenda_url(organization, ring=other_ring.pk))) == ["B"]
    assert titles(client.get(agenda_url(organization, ring=hidden.pk))) == ["C"]
    assert titles(client.get(agenda_url(organization, kind=Kind.MEETING))) == ["A"]
    assert titles(client.get(agenda_url(organization, measure=measure.pk))) == ["A"]
    # Values the organisation does not have are ignored, never an error page.
    response = client.get(agenda_url(organization, measure=999999, kind="x"))
    assert response.status_code == 200
    assert sorted(titles(response)) == ["A", "B"]


def test_the_links_keep_the_filter(organization, wheel, ring, member, login):
    response = login(member).get(agenda_url(organization, kind=Kind.MEETING))
    page = response.content.decode()
    args = {"org_slug": organization.slug, "year": 2026}
    for name in ("wheel_print", "wheel_ics"):
        assert f'{reverse(name, kwargs=args)}?kind=meeting"' in page
    # The wheel shows the same month.
    assert f'{reverse("wheel_detail", kwargs=args)}?kind=meeting&amp;zoom=m10"' in page


def test_an_empty_month_says_so(organization, wheel, coordinator, member, login):
    response = login(member).get(agenda_url(organization))
    assert response.context["count"] == 0
    assert "Ingenting denne måneden." in response.content.decode()
    assert "<table" not in response.content.decode()
    template_url = reverse(
        "wheel_apply_template", kwargs={"org_slug": organization.slug, "year": 2026}
    )
    assert template_url not in response.content.decode()
    assert template_url in login(coordinator).get(agenda_url(organization)).content.decode()


def test_an_unknown_year_is_not_found(organization, member, login):
    assert login(member).get(agenda_url(organization, 2031)).status_code == 404


def test_the_agenda_costs_the_same_for_5_and_50_events(
    organization, wheel, ring, member, login, django_assert_num_queries
):
    client = login(member)
    measure = MeasureFactory(program__organization=organization)

    def make(count):
        for n in range(count):
            EventFactory(
                organization=organization,
                ring=ring,
                measure=measure if n % 2 else None,
                responsible=member if n % 3 else None,
                start_date=date(2026, 1 + n % 10, 1 + n % 28),
                recurrence=Recurrence.WEEKLY if n % 5 == 0 else "",
            )

    make(5)
    client.get(agenda_url(organization))  # the system rings are made on the first visit
    # Gathered afresh each time (a write moves the data version): the cost of building.
    versions.bump([organization.pk])
    with CaptureQueriesContext(connection) as few:
        assert client.get(agenda_url(organization)).status_code == 200

    make(45)
    with django_assert_num_queries(len(few)):
        response = client.get(agenda_url(organization))
    assert response.context["count"] > 40  # the series' dates in October and the singles
    # Seen again with nothing written: the occurrences come from the memo (one query a
    # source fewer) and the filter's fields from the cache (without the four lists of
    # programmes, measures, units and rings).
    with django_assert_num_queries(len(few) - len(sources()) - 4):
        again = client.get(agenda_url(organization))
    assert again.context["rows"] == response.context["rows"]


def test_the_filter_shows_a_new_measure_at_once_and_keeps_each_choice(
    organization, wheel, member, login
):
    # The filter's fields are cached under the data version, the choice and the language.
    client = login(member)
    first = MeasureFactory(program__organization=organization, name="Første tiltak")
    assert "Første tiltak" in client.get(agenda_url(organization)).content.decode()
    MeasureFactory(program__organization=organization, name="Nytt tiltak")
    assert "Nytt tiltak" in client.get(agenda_url(organization)).content.decode()
    chosen = f'<option value="{first.pk}" selected>'
    assert chosen in client.get(agenda_url(organization, measure=first.pk)).content.decode()
    assert chosen not in client.get(agenda_url(organization)).content.decode()
    # A person's language is changed without a signal (no new data version).
    type(member).objects.filter(pk=member.pk).update(language="en")
    assert "All measures" in client.get(agenda_url(organization)).content.decode()
