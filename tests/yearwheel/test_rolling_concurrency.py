"""Several beat runs, or a beat run and a person making the wheel, rolling on at the same
time: one wheel for next year and one set of planning-cycle items.

PostgreSQL only, like tests/notifications/test_concurrency.py: each thread has its own
connection and the test commits for real, so a second insert of the same year waits on the
first transaction's unique index entry and then finds its row.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from tests.conftest import require_or_skip
from tests.factories import WheelFactory
from tests.notifications.test_concurrency import at_once
from yearwheel import planning_cycle, rolling
from yearwheel.models import Event, Wheel
from yearwheel.services import planning_cycle_apply

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    require_or_skip(
        connection.vendor == "postgresql",
        "inserts racing on a unique constraint between transactions need PostgreSQL",
    )


def test_four_rolls_at_once_make_one_wheel_with_one_cycle(organization, coordinator):
    current = WheelFactory(organization=organization, year=2026, start_month=1)
    # Applied while 2026 is still ahead, so nothing rolls on before the race.
    with time_machine.travel(datetime(2025, 6, 2, 12, tzinfo=ZoneInfo("Europe/Oslo"))):
        planning_cycle_apply(wheel=current, user=coordinator)

    made = at_once(lambda: rolling.roll_all(date(2026, 12, 7)), threads=4)

    assert sum(made) == 1
    assert Wheel.objects.filter(organization=organization, year=2027).count() == 1
    rolled = Event.objects.filter(
        organization=organization, external_uid__endswith=":2027"
    ).values_list("external_uid", flat=True)
    assert sorted(rolled) == sorted(set(rolled))
    assert len(rolled) == len(planning_cycle.ITEMS)
