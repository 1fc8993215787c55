"""Names on the wheel, read from the rendered page: every event's name is visible text in the
month view (the demo year and a year of 1,000 events), and in the year view for rings under
the density threshold; crowded months show a count linking to the month; markup in names is
escaped; the query count does not grow with the events."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dataversion import versions
from tests.factories import RingFactory, WheelFactory
from yearwheel.models import Event, Kind, Recurrence, Wheel
from yearwheel.wheel_geometry import MAX_LANES, lane_cap

pytestmark = pytest.mark.django_db

LABELS = re.compile(r'<g class="wheel-labels"[^>]*>(.*?)</g>', re.S)
TEXT = re.compile(r"<text[^>]*>(.*?)</text>", re.S)
TAGS = re.compile(r"<[^>]+>")


def labels_of(html: str) -> list[str]:
    """The names drawn as text on the wheel (on the page, each along its arc in a textPath)."""
    return [
        unescape(TAGS.sub("", text))
        for group in LABELS.findall(html)
        for text in TEXT.findall(group)
    ]


def wheel_page(client, wheel: Wheel, zoom: str = ""):
    url = reverse("wheel_detail", args=[wheel.organization.slug, wheel.year])
    response = client.get(url + (f"?zoom={zoom}" if zoom else ""))
    assert response.status_code == 200
    return response


def bench_year(organization, ring_count: int, events: int, weekly: int = 0) -> None:
    """``events`` events (``weekly`` of them weekly series) spread over a school year."""
    rings = [
        RingFactory(organization=organization, name=f"Tjenesteområde {n + 1}", colour="#1f5f8b")
        for n in range(ring_count)
    ]
    Event.objects.bulk_create(
        Event(
            organization=organization,
            ring=rings[n % ring_count],
            kind=Kind.values[n % 4],
            title=f"Hendelse {n + 1} med en litt lengre tittel",
            start_date=date(2026, 8, 1) + timedelta(days=(n * 7) % 28 if n < weekly else n % 365),
            end_date=(
                date(2026, 8, 1) + timedelta(days=n % 365 + 3)
                if n >= weekly and n % 9 == 1
                else None
            ),
            recurrence=Recurrence.WEEKLY if n < weekly else Recurrence.NONE,
            repeat_until=date(2027, 6, 20) if n < weekly else None,
        )
        for n in range(events)
    )


def assert_every_name_in_every_month(client, wheel: Wheel) -> None:
    for month in range(1, 13):
        response = wheel_page(client, wheel, f"m{month}")
        shown = set(labels_of(response.content.decode()))
        titles = {p.occurrence.title for p in response.context["drawing"].placed}
        assert titles, month
        # A name longer than its inner ring's month holds is cut with "…", never left out.
        cut = {name[:-1] for name in shown if name.endswith("…")}
        missing = {t for t in titles - shown if not any(t.startswith(c) for c in cut)}
        assert not missing, (month, sorted(missing)[:5])


def test_every_name_of_the_demo_year_is_text_in_its_month(client, password_login):
    call_command("seed_demo", password="demo-passord-1")
    assert password_login("politiker@demo-kommune.no", "demo-passord-1")
    wheel = Wheel.objects.get(organization__slug="demo-kommune", year=2026)
    assert_every_name_in_every_month(client, wheel)


def test_every_name_of_a_year_of_1000_events_is_text_in_its_month(login, member, organization):
    wheel = WheelFactory(organization=organization, year=2026, start_month=8)
    bench_year(organization, 8, 1000, weekly=20)
    assert_every_name_in_every_month(login(member), wheel)


def test_the_year_names_every_event_of_a_quiet_ring_and_counts_a_crowded_one(
    login, member, organization
):
    wheel = WheelFactory(organization=organization, year=2026, start_month=8)
    quiet = RingFactory(organization=organization, name="Stille", position=1)
    busy = RingFactory(organization=organization, name="Travel", position=2)
    day = date(2026, 10, 14)
    # The rings (the system rings too, made on the first visit) share the year's lanes.
    rings = len(wheel_page(login(member), wheel).context["drawing"].bands)
    cap = lane_cap("year", rings)
    assert cap is not None and cap < MAX_LANES
    # At the threshold: as many names at one spot as there are lanes, all shown.
    for n in range(cap):
        Event.objects.create(
            organization=organization, ring=quiet, title=f"Stille {n}", start_date=day
        )
    # Past it: more names at one spot than a ring may have lanes (the rings' spare lanes go
    # to the crowded one, up to MAX_LANES); the rest of the year stays named.
    crowd = MAX_LANES + 1
    for n in range(crowd):
        Event.objects.create(
            organization=organization, ring=busy, title=f"Travel {n}", start_date=day
        )
    Event.objects.create(
        organization=organization, ring=busy, title="Vårmøte", start_date=date(2027, 4, 7)
    )
    response = wheel_page(login(member), wheel)
    html = response.content.decode()
    shown = set(labels_of(html))
    assert {f"Stille {n}" for n in range(cap)} <= shown
    assert "Vårmøte" in shown
    travel = len({f"Travel {n}" for n in range(crowd)} & shown)
    assert cap <= travel < crowd
    quiet_band, busy_band = (b for b in response.context["drawing"].bands if b.ring.source == "")
    assert quiet_band.badges == []
    [badge] = busy_band.badges
    # The count takes a spot in its month in the last lane: what it displaces, it counts.
    assert badge.text == f"+{crowd - travel}"
    # The count links to its month (October is the third of a school year), which names all.
    assert badge.href == reverse("wheel_detail", args=["testvik", 2026]) + "?zoom=m3"
    assert f'<a href="{badge.href}" class="wheel-badge"' in html
    month = labels_of(wheel_page(login(member), wheel, "m3").content.decode())
    assert {f"Travel {n}" for n in range(crowd)} <= set(month)


def test_markup_in_names_and_ring_names_is_escaped(login, member, organization):
    wheel = WheelFactory(organization=organization, year=2026, start_month=8)
    evil = "<script>alert('x')</script> & \"q\""
    ring = RingFactory(organization=organization, name=evil)
    Event.objects.create(
        organization=organization, ring=ring, title=evil, start_date=date(2026, 10, 14)
    )
    for zoom in ("", "m3"):
        html = wheel_page(login(member), wheel, zoom).content.decode()
        assert "<script>alert" not in html
        # Shortened in the year, whole in the month: escaped either way.
        [label] = [text for text in labels_of(html) if text.startswith("<script>alert")]
        assert label == evil or label.endswith("…")
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;" in html


def test_the_svg_carries_the_period_and_centre_for_dragging(login, member, organization):
    wheel = WheelFactory(organization=organization, year=2026, start_month=8)
    ring = RingFactory(organization=organization)
    event = Event.objects.create(
        organization=organization, ring=ring, title="Møte", start_date=date(2026, 10, 14)
    )
    html = wheel_page(login(member), wheel, "m3").content.decode()
    svg = html[html.index("<svg") : html.index(">", html.index("<svg"))]
    assert 'data-period-start="2026-10-01" data-period-end="2026-10-31"' in svg
    assert re.search(r'data-cx="[\d.]+" data-cy="[\d.]+"', svg)
    assert f'data-event-id="{event.pk}" data-date="2026-10-14"' in html


def test_a_weekly_series_is_drawn_once_in_the_year_and_each_time_in_a_month(
    login, member, organization
):
    wheel = WheelFactory(organization=organization, year=2026, start_month=8)
    ring = RingFactory(organization=organization)
    Event.objects.create(
        organization=organization,
        ring=ring,
        title="Ledermøte",
        start_date=date(2026, 8, 4),
        recurrence=Recurrence.WEEKLY,
        repeat_until=date(2027, 6, 29),
    )
    client = login(member)
    year = wheel_page(client, wheel)
    html = year.content.decode()
    assert html.count('class="wheel-item wheel-series"') == 1
    assert html.count("data-event-id=") == 0
    assert year.context["drawing"].count == 48  # 4 August 2026 – 29 June 2027, Tuesdays
    # Its name and rhythm on the arc ("hver tirsdag" once the catalogue has it).
    [label] = labels_of(html)
    assert label.startswith("Ledermøte · ") and label.endswith(" tirsdag")
    month = wheel_page(client, wheel, "m3").content.decode()  # October: four Tuesdays
    assert month.count("data-event-id=") == 4


def test_the_query_count_stays_fixed_from_10_to_1000_events(
    login, member, organization, django_assert_num_queries
):
    wheel = WheelFactory(organization=organization, year=2026, start_month=8)
    bench_year(organization, 8, 10)
    client = login(member)
    wheel_page(client, wheel)  # makes the system rings and warms the session
    versions.bump([organization.pk])  # gathered afresh, as after any write
    with CaptureQueriesContext(connection) as few:
        wheel_page(client, wheel)
    Event.objects.all().delete()
    bench_year(organization, 8, 1000, weekly=20)
    with django_assert_num_queries(len(few)):
        response = wheel_page(client, wheel)
    assert response.context["drawing"].count > 1000


def test_the_page_lays_names_on_their_arcs_and_the_print_view_glyph_by_glyph(
    login, member, organization
):
    # Browsers lay text along a path (a fifth of the bytes); WeasyPrint, which makes the
    # print view into the PDF, does not, so the print view places each glyph.
    wheel = WheelFactory(organization=organization, year=2026, start_month=8)
    bench_year(organization, 2, 10)
    client = login(member)
    page = LABELS.findall(wheel_page(client, wheel, "m1").content.decode())
    assert page and all("<textPath" in group and "rotate=" not in group for group in page)
    url = reverse("wheel_print", args=[organization.slug, wheel.year]) + "?zoom=m1"
    printed = LABELS.findall(client.get(url).content.decode())
    assert printed and all("rotate=" in group and "<textPath" not in group for group in printed)
