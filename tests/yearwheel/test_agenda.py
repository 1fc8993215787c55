"""The agenda: the wheel's year as text, grouped by month, narrowed by the same filter as the
wheel, at a fixed number of queries."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    EvaluationCycleFactory,
    EventFactory,
    MeasureFactory,
    RingFactory,
    WheelFactory,
)
from yearwheel.models import Kind, Recurrence

pytestmark = pytest.mark.django_db


def agenda_url(organization, year=2026):
    return reverse("wheel_agenda", kwargs={"org_slug": organization.slug, "year": year})


@pytest.fixture
def wheel(organization):
    return WheelFactory(organization=organization, year=2026, start_month=1)


@pytest.fixture
def ring(organization):
    return RingFactory(organization=organization, name="Skole", colour="#1f5f8b")


def titles(response):
    return [row.occurrence.title for month in response.context["months"] for row in month.rows]


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

    response = login(member).get(agenda_url(organization))
    page = response.content.decode()

    months = response.context["months"]
    assert [month.first for month in months] == [date(2026, m, 1) for m in range(1, 13)]
    assert [row.occurrence.title for row in months[9].rows] == ["Foreldremøte", "Kursdager"]
    assert [row.occurrence.title for row in months[2].rows] == ["Frist"]
    assert response.context["count"] == 3
    assert ">oktober 2026</h2>" in page
    assert ">mars 2026</h2>" in page
    assert "06.10.2026" in page
    assert "18:00–19:30" in page
    assert "19.10.2026–20.10.2026" in page
    assert "Aulaen" in page
    assert "Trygge friminutt" in page
    assert measure.program.name in page
    assert str(member) in page
    assert 'fill="#1f5f8b"' in page  # the swatch
    assert months[9].rows[0].kind == str(Kind.MEETING.label)  # in bokmål, like the page


def test_recurring_events_are_marked_and_listed_on_each_date(
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
    response = login(member).get(agenda_url(organization))
    rows = response.context["months"][10].rows
    assert [row.occurrence.start for row in rows] == [
        date(2026, 11, 4),
        date(2026, 11, 11),
        date(2026, 11, 25),
    ]
    assert all(row.occurrence.recurring for row in rows)
    assert response.content.decode().count("badge text-bg-light border") >= 3


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

    response = login(member).get(agenda_url(organization))

    months = response.context["months"]
    assert months[0].first == date(2026, 8, 1)
    assert months[-1].first == date(2027, 7, 1)
    assert [row.occurrence.title for row in months[0].rows] == ["Over grensen"]
    assert [row.occurrence.title for row in months[5].rows] == ["Vinter"]
    assert "Før" not in titles(response)
    assert ">januar 2027</h2>" in response.content.decode()


def test_derived_occurrences_appear_in_their_system_ring(organization, wheel, member, login):
    measure = MeasureFactory(program__organization=organization, name="Leseglede")
    EvaluationCycleFactory(measure=measure, first_due=date(2026, 6, 20))
    response = login(member).get(agenda_url(organization))
    rows = [row for month in response.context["months"] for row in month.rows]
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
    assert titles(client.get(agenda_url(organization), {"ring": other_ring.pk})) == ["B"]
    assert titles(client.get(agenda_url(organization), {"ring": hidden.pk})) == ["C"]
    assert titles(client.get(agenda_url(organization), {"kind": Kind.MEETING})) == ["A"]
    assert titles(client.get(agenda_url(organization), {"measure": measure.pk})) == ["A"]
    # Values the organisation does not have are ignored, never an error page.
    response = client.get(agenda_url(organization), {"measure": 999999, "kind": "x"})
    assert response.status_code == 200
    assert sorted(titles(response)) == ["A", "B"]


def test_the_links_keep_the_filter(organization, wheel, ring, member, login):
    response = login(member).get(agenda_url(organization), {"kind": Kind.MEETING})
    page = response.content.decode()
    args = {"org_slug": organization.slug, "year": 2026}
    for name in ("wheel_detail", "wheel_print", "wheel_ics"):
        assert f'{reverse(name, kwargs=args)}?kind=meeting"' in page


def test_an_empty_agenda_says_so(organization, wheel, coordinator, member, login):
    response = login(member).get(agenda_url(organization))
    assert response.context["count"] == 0
    assert "<h2" not in response.content.decode().split("</details>")[1]
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
                start_date=date(2026, 1 + n % 12, 1 + n % 28),
                recurrence=Recurrence.MONTHLY if n % 5 == 0 else "",
            )

    make(5)
    client.get(agenda_url(organization))  # the system rings are made on the first visit
    with CaptureQueriesContext(connection) as few:
        assert client.get(agenda_url(organization)).status_code == 200

    make(45)
    with django_assert_num_queries(len(few)):
        response = client.get(agenda_url(organization))
    assert response.context["count"] > 50
