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

    kommune = Wheel.objects.get(organization__slug="demo-kommune")
    assert kommune.contains(date(2026, 11, 22))
    herad = Wheel.objects.get(organization__slug="demo-herad")
    assert herad.contains(date(2026, 11, 22))
    assert herad.start_month == 8

    for wheel in (kommune, herad):
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
