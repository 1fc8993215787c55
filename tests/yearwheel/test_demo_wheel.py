"""The demo's annual wheels: made with the planning cycle, filled around the demo measures,
in each organisation's written standard, and the same after seeding twice."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from yearwheel import planning_cycle
from yearwheel.models import Event, Kind, Recurrence, Ring, Wheel

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_the_annual_wheels_once():
    call_command("seed_demo", password="demo-passord-1")
    counts = (Wheel.objects.count(), Ring.objects.count(), Event.objects.count())
    call_command("seed_demo", password="demo-passord-1")
    assert (Wheel.objects.count(), Ring.objects.count(), Event.objects.count()) == counts

    kommune = Wheel.objects.get(organization__slug="demo-kommune", year=2026)
    assert kommune.contains(date(2026, 11, 22))
    herad = Wheel.objects.get(organization__slug="demo-herad", year=2026)
    assert herad.contains(date(2026, 11, 22))
    assert herad.start_month == 8
    # Each has rolled on to next planning year by itself, with the planning cycle.
    for current in (kommune, herad):
        following = Wheel.objects.get(organization=current.organization, year=2027)
        assert following.start_month == current.start_month
        assert (following.made_automatically, following.uses_planning_cycle) == (True, True)
        assert following.created_by is None

    for wheel in (kommune, herad, *Wheel.objects.filter(year=2027)):
        uids = set(
            Event.objects.filter(organization=wheel.organization).values_list(
                "external_uid", flat=True
            )
        )
        for item in planning_cycle.ITEMS:
            assert f"planning-cycle:{item['key']}:{wheel.year}" in uids

    events = Event.objects.filter(organization__slug="demo-kommune")
    rings = set(
        Ring.objects.filter(organization__slug="demo-kommune", source="").values_list(
            "name", flat=True
        )
    )
    assert {"Barnehage", "Skole", "Helsestasjon og skolehelsetjeneste", "Møteplasser"} <= rings
    weekly = events.get(recurrence=Recurrence.WEEKLY)
    assert len(weekly.exceptions) == 1
    assert events.filter(recurrence=Recurrence.MONTHLY).exists()
    assert events.filter(kind=Kind.CHECKPOINT, goal__isnull=False).count() >= 2
    assert events.filter(end_date__gt=date(2026, 1, 1)).exclude(end_date=None).exists()
    assert events.filter(kind=Kind.DEADLINE, measure__isnull=False).exists()
    assert Ring.objects.filter(organization__slug="demo-kommune", name="Politisk styring").exists()
    assert not events.filter(external_uid="").exists()

    herad_titles = set(
        Event.objects.filter(organization__slug="demo-herad").values_list("title", flat=True)
    )
    assert "Skulestart" in herad_titles
    assert "Nettverksmøte i overgangsteamet" in herad_titles
    assert Event.objects.filter(
        organization__slug="demo-herad", start_date__year=2027, external_uid__contains="status"
    ).exists()


def test_the_demo_wheels_show_on_their_pages(client, password_login):
    call_command("seed_demo", password="demo-passord-1")
    assert password_login("politiker@demo-kommune.no", "demo-passord-1")
    counts = []
    for month in range(1, 13):  # the agenda shows a month a page
        response = client.get(f"/o/demo-kommune/wheel/2026/agenda/?zoom=m{month}")
        assert response.status_code == 200
        counts.append(response.context["count"])
    assert sum(counts) > 30


def test_the_demo_shows_next_year_without_anyone_making_its_wheel(client, password_login):
    call_command("seed_demo", password="demo-passord-1")
    assert password_login("politiker@demo-kommune.no", "demo-passord-1")

    titles = set()
    for month in range(1, 13):  # the agenda shows a month a page
        response = client.get(f"/o/demo-kommune/wheel/2027/agenda/?zoom=m{month}")
        assert response.status_code == 200
        titles |= {row.occurrence.title for row in response.context["month"].rows}
    # The phase IV routine from December comes back in June, once by its name.
    assert "Opplæring av nyansatte" in titles
    assert "Kommunestyret vedtar budsjett og økonomiplan" in titles
    assert not any(title.startswith("Opplæring av nyansatte: ") for title in titles)
