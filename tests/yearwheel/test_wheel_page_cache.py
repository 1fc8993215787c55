"""The wheel page keeps its drawing under the organisation's data version
(yearwheel/page_cache.py): a page seen again is the same page without drawing, and
everything the drawing depends on (the data, the reader's right to add, the day, the
language, the zoom and the filter) gives a drawing of its own."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import EventFactory, RingFactory, WheelFactory
from yearwheel import drawing as drawing_module

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def wheel(organization):
    return WheelFactory(organization=organization, year=2026, start_month=8)


@pytest.fixture
def ring(organization):
    return RingFactory(organization=organization, name="Oppvekst")


def svg_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<svg") : html.index("</svg>")]


def page(client, wheel, query=""):
    response = client.get(
        reverse("wheel_detail", args=[wheel.organization.slug, wheel.year]) + query
    )
    assert response.status_code == 200
    return response


@pytest.fixture
def draws(monkeypatch):
    """How many times the wheel was laid out (the real layout, counted)."""
    calls = []
    real = drawing_module.draw

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("yearwheel.views.wheel.draw", counted)
    return calls


def test_a_page_seen_again_is_the_same_page_without_drawing(login, member, wheel, ring, draws):
    EventFactory(
        organization=wheel.organization,
        ring=ring,
        title="Budsjettmøte",
        start_date=date(2026, 10, 15),
    )
    client = login(member)
    first = page(client, wheel)
    again = page(client, wheel)
    assert len(draws) == 1
    assert svg_of(again) == svg_of(first)
    assert "Budsjettmøte" in svg_of(again)


def test_a_write_shows_at_once(login, member, wheel, ring, draws):
    client = login(member)
    page(client, wheel)
    EventFactory(
        organization=wheel.organization, ring=ring, title="Nytt møte", start_date=date(2026, 11, 3)
    )
    assert "Nytt møte" in svg_of(page(client, wheel))
    assert len(draws) == 2


def test_another_organisations_write_keeps_the_drawing(
    login, member, wheel, ring, other_organization, draws
):
    client = login(member)
    page(client, wheel)
    EventFactory(
        organization=other_organization,
        ring=RingFactory(organization=other_organization),
        start_date=date(2026, 11, 3),
    )
    page(client, wheel)
    assert len(draws) == 1


def test_who_may_add_gets_a_drawing_of_their_own(login, member, coordinator, wheel, ring):
    with_cells = svg_of(page(login(coordinator), wheel))
    assert "wheel-cell" in with_cells and "data-move-url" in with_cells
    without = svg_of(page(login(member), wheel))
    assert "wheel-cell" not in without and "data-move-url" not in without
    assert "wheel-cell" in svg_of(page(login(coordinator), wheel))


def test_the_zoom_and_the_filter_each_have_their_drawing(login, member, wheel, ring, draws):
    client = login(member)
    page(client, wheel)
    page(client, wheel, "?zoom=m3")
    page(client, wheel, f"?ring={ring.pk}")
    page(client, wheel, "?zoom=m3")
    assert len(draws) == 3


def test_the_today_line_follows_the_day(login, member, wheel, ring):
    with time_machine.travel(datetime(2026, 10, 15, 12, tzinfo=OSLO), tick=False):
        before = page(login(member), wheel).context["drawing"].today
    with time_machine.travel(datetime(2026, 10, 16, 12, tzinfo=OSLO), tick=False):
        after = page(login(member), wheel).context["drawing"].today
    assert before is not None and after is not None
    assert before.d != after.d


def test_each_language_gets_its_own_drawing(login, member, wheel, ring):
    client = login(member)
    assert "oktober" in svg_of(page(client, wheel)).lower()
    member.language = "en"
    member.save(update_fields=["language"])
    english = svg_of(page(client, wheel))
    assert "Oct" in english and "okt" not in english.lower()


def test_a_new_drawing_version_draws_afresh(login, member, wheel, ring, draws, monkeypatch):
    """A deploy that changes the layout raises DRAWING_VERSION: yesterday's markup, kept
    under the old number, is not served with the new code."""
    client = login(member)
    page(client, wheel)
    page(client, wheel)
    assert len(draws) == 1
    monkeypatch.setattr("yearwheel.page_cache.DRAWING_VERSION", 999)
    page(client, wheel)
    assert len(draws) == 2
