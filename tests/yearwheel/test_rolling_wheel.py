"""The rolling wheel (yearwheel/rolling.py, ``wheel_roll_on`` in yearwheel/services.py): next
planning year's wheel is made by the system, with the planning cycle when the current wheel
has it, so next year's routines and recurring events show and are reminded of without anyone
making a wheel by hand.

Time is frozen with time_machine at Oslo wall-clock times; "today" is Monday 7 December 2026
unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import planning
from notifications.models import Reminder
from phases.models import MaintenanceRoutine
from tests.factories import EventFactory, MeasureFactory, OrganizationFactory, WheelFactory
from yearwheel import planning_cycle, rolling, tasks
from yearwheel.models import Event, Recurrence, Wheel
from yearwheel.services import planning_cycle_apply, wheel_create, wheel_roll_on

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
DECEMBER = datetime(2026, 12, 7, 12, tzinfo=OSLO)


@pytest.fixture
def frozen():
    with time_machine.travel(DECEMBER, tick=False):
        yield DECEMBER.date()


def wheel_of(organization, year):
    return Wheel.objects.get(organization=organization, year=year)


def cycle_events(organization, year):
    return Event.objects.filter(
        organization=organization,
        external_uid__startswith="planning-cycle:",
        external_uid__endswith=f":{year}",
    )


# --- the beat task ------------------------------------------------------------------------------


def test_the_task_gives_the_current_wheel_a_successor_made_by_the_system(organization, frozen):
    WheelFactory(organization=organization, year=2026, start_month=1, title="Årshjul")

    assert tasks.roll_wheels() == 1

    made = wheel_of(organization, 2027)
    assert made.start_month == organization.planning_year_start_month
    assert made.made_automatically
    assert made.created_by is None
    assert not made.uses_planning_cycle
    assert made.title == "Årshjul"
    # The audit trail names the system as its author: a history row without a user.
    record = made.history.get()
    assert (record.history_type, record.history_user) == ("+", None)

    assert tasks.roll_wheels() == 0  # idempotent
    assert Wheel.objects.filter(organization=organization).count() == 2


def test_the_successor_takes_the_organisations_first_month(organization):
    organization.planning_year_start_month = 8
    organization.save()
    WheelFactory(organization=organization, year=2026, start_month=8)

    # In March 2027 the school year that began in August 2026 is still the current one.
    assert rolling.roll_all(date(2027, 3, 1)) == 1
    made = wheel_of(organization, 2027)
    assert (made.start, made.end) == (date(2027, 8, 1), date(2028, 7, 31))


def test_the_wheel_rolls_on_again_when_the_new_year_begins(organization):
    WheelFactory(organization=organization, year=2026, start_month=1)
    assert rolling.roll_all(date(2026, 12, 31)) == 1
    assert rolling.roll_all(date(2026, 12, 31)) == 0
    # 1 January: the 2027 wheel is current and gets its own successor.
    assert rolling.roll_all(date(2027, 1, 1)) == 1
    assert set(Wheel.objects.values_list("year", flat=True)) == {2026, 2027, 2028}


def test_without_a_current_wheel_or_when_inactive_nothing_is_made(organization, frozen):
    WheelFactory(organization=organization, year=2025, start_month=1)  # last year's only
    inactive = OrganizationFactory(is_active=False)
    WheelFactory(organization=inactive, year=2026, start_month=1)

    assert rolling.organizations_to_roll(frozen) == []
    assert tasks.roll_wheels() == 0
    assert not Wheel.objects.filter(year=2027).exists()


def test_a_next_wheel_made_by_hand_is_left_as_it_is(organization, coordinator, frozen):
    WheelFactory(organization=organization, year=2026, start_month=1, uses_planning_cycle=True)
    by_hand = WheelFactory(organization=organization, year=2027, start_month=8, title="Vår egen")

    assert rolling.organizations_to_roll(frozen) == []
    assert wheel_roll_on(organization=organization) is None
    by_hand.refresh_from_db()
    assert (by_hand.start_month, by_hand.title, by_hand.uses_planning_cycle) == (
        8,
        "Vår egen",
        False,
    )
    assert not cycle_events(organization, 2027).exists()


def test_a_title_naming_the_year_is_not_carried_over(organization, frozen):
    WheelFactory(
        organization=organization,
        year=2026,
        start_month=1,
        title="Årshjul 2026",
        introduction="Det vi gjør for barn og unge.",
    )
    wheel_roll_on(organization=organization)
    made = wheel_of(organization, 2027)
    assert (made.title, made.introduction) == ("", "Det vi gjør for barn og unge.")
    assert str(made) == "Årshjul 2027"  # the default title, in the language in use


def test_the_scan_costs_one_query_however_many_organisations(frozen):
    for _ in range(3):
        WheelFactory(organization=OrganizationFactory(), year=2026, start_month=1)
    with CaptureQueriesContext(connection) as queries:
        assert len(rolling.organizations_to_roll(frozen)) == 3
    assert len(queries) == 1


# --- at once, with the planning cycle -------------------------------------------------------------


def test_a_new_current_wheel_rolls_on_at_once_with_the_planning_cycle(
    organization, coordinator, frozen
):
    wheel_create(
        organization=organization,
        user=coordinator,
        year=2026,
        start_month=1,
        apply_template=True,
    )

    made = wheel_of(organization, 2027)
    assert made.made_automatically
    assert made.uses_planning_cycle
    items = cycle_events(organization, 2027)
    assert items.count() == len(planning_cycle.ITEMS)
    # The system made them; whoever answered for each item last year answers again.
    assert set(items.values_list("created_by", flat=True)) == {None}
    assert set(items.values_list("responsible", flat=True)) == {coordinator.pk}
    # Nothing left for the beat task.
    assert tasks.roll_wheels() == 0


def test_a_past_wheel_made_by_hand_does_not_roll_on(organization, coordinator, frozen):
    wheel_create(
        organization=organization, user=coordinator, year=2024, start_month=1, apply_template=True
    )
    assert not Wheel.objects.filter(year=2025).exists()


def test_applying_the_cycle_to_the_current_wheel_completes_the_rolled_wheel(
    organization, coordinator, frozen
):
    current = WheelFactory(organization=organization, year=2026, start_month=1)
    tasks.roll_wheels()
    assert not cycle_events(organization, 2027).exists()

    planning_cycle_apply(wheel=current, user=coordinator)

    made = wheel_of(organization, 2027)
    assert made.uses_planning_cycle
    assert cycle_events(organization, 2027).count() == len(planning_cycle.ITEMS)
    assert tasks.roll_wheels() == 0
    assert planning_cycle_apply(wheel=made, user=coordinator) == 0


def test_the_rolled_cycle_carries_each_items_responsible_person(
    organization, coordinator, team_lead
):
    current = WheelFactory(organization=organization, year=2026, start_month=1)
    # Applied ahead of the year, while the wheel is not the current one: no roll yet.
    with time_machine.travel(datetime(2025, 6, 2, 12, tzinfo=OSLO), tick=False):
        planning_cycle_apply(wheel=current, user=coordinator)
    assert not Wheel.objects.filter(year=2027).exists()
    cycle_events(organization, 2026).filter(external_uid__contains=":school_start:").update(
        responsible=team_lead
    )

    rolling.roll_all(date(2026, 12, 7))

    rolled = {event.external_uid.split(":")[1]: event for event in cycle_events(organization, 2027)}
    assert rolled["school_start"].responsible == team_lead
    assert rolled["budget_decision"].responsible == coordinator


def test_the_task_gives_the_cycle_to_a_rolled_wheel_that_lacks_it(organization, coordinator):
    current = WheelFactory(organization=organization, year=2026, start_month=1)
    rolling.roll_all(date(2026, 12, 7))
    # Marked as using the cycle without rolling on (a wheel from before the rolling wheel).
    Wheel.objects.filter(pk=current.pk).update(uses_planning_cycle=True)

    assert rolling.organizations_to_roll(date(2026, 12, 7)) == [organization.pk]
    assert rolling.roll_all(date(2026, 12, 7)) == 1
    assert cycle_events(organization, 2027).count() == len(planning_cycle.ITEMS)
    assert rolling.organizations_to_roll(date(2026, 12, 7)) == []


# --- next year's occurrences, without a manual step ---------------------------------------------


def test_next_years_routine_and_recurring_event_show_and_are_reminded(
    organization, coordinator, team_lead, login, frozen
):
    measure = MeasureFactory(program__organization=organization, name="Trygge friminutt")
    routine = MaintenanceRoutine.objects.create(
        measure=measure,
        kind=MaintenanceRoutine.Kind.SUPERVISION,
        description="Veiledning av de nye miljøarbeiderne",
        owner=coordinator,
        recurrence="monthly",
        first_date=date(2026, 9, 12),
    )
    event = EventFactory(
        organization=organization,
        title="Teammøte i oppvekst",
        start_date=date(2026, 11, 5),
        recurrence=Recurrence.MONTHLY,
        responsible=team_lead,
    )
    wheel_create(
        organization=organization, user=coordinator, year=2026, start_month=1, apply_template=False
    )

    client = login(coordinator)
    for name in ("wheel_detail", "wheel_agenda"):
        response = client.get(reverse(name, kwargs={"org_slug": organization.slug, "year": 2027}))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Teammøte i oppvekst" in page
        assert "Veiledning av de nye miljøarbeiderne" in page

    planning.plan_organization(organization)
    # The window of 62 days reaches into January 2027: both get reminder rows there.
    reminder = Reminder.objects.get(
        subject_key=f"routine-{routine.pk}-2027-01-12", recipient=coordinator, offset_days=7
    )
    # The email says the routine's name once (the description begins with the kind's).
    assert reminder.title == "Veiledning av de nye miljøarbeiderne"
    assert Reminder.objects.filter(
        subject_key=f"event-{event.pk}-2027-01-05", recipient=team_lead
    ).exists()


def test_the_last_year_a_wheel_may_have_does_not_roll_on(organization):
    WheelFactory(organization=organization, year=2100, start_month=1)
    assert rolling.organizations_to_roll(date(2100, 6, 1)) == []
    assert wheel_roll_on(organization=organization, today=date(2100, 6, 1)) is None
    assert Wheel.objects.filter(organization=organization).count() == 1


def test_the_list_marks_the_wheel_the_system_made(organization, member, login, frozen):
    WheelFactory(organization=organization, year=2026, start_month=1)
    wheel_roll_on(organization=organization)
    member.language = "en"
    member.save(update_fields=["language"])

    page = login(member).get(reverse("wheel_index", kwargs={"org_slug": organization.slug}))

    html = page.content.decode()
    assert html.count(">made automatically</span>") == 1
    assert html.index("2027") < html.index(">made automatically</span>") < html.index(">current<")
