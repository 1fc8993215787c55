"""The municipal planning cycle: placed in the planning year on working days, in the
organisation's written standard, applied once however often it is applied.

Time is frozen in June 2025, before the wheels made here begin, so none of them is the current
wheel and nothing rolls on to the next year (tests/yearwheel/test_rolling_wheel.py does).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from tests.factories import RingFactory, WheelFactory
from yearwheel import planning_cycle
from yearwheel.models import Event, Kind, Ring
from yearwheel.services import planning_cycle_apply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _before_the_wheels_begin():
    with time_machine.travel(datetime(2025, 6, 2, 12, tzinfo=ZoneInfo("Europe/Oslo")), tick=False):
        yield


def cycle_events(organization):
    return Event.objects.filter(
        organization=organization, external_uid__startswith="planning-cycle:"
    )


def by_key(organization, year):
    return {
        event.external_uid.split(":")[1]: event
        for event in cycle_events(organization).filter(external_uid__endswith=f":{year}")
    }


def test_every_item_has_texts_in_three_languages_and_a_known_ring():
    rings = {ring["key"] for ring in planning_cycle.RINGS}
    keys = [item["key"] for item in planning_cycle.ITEMS]
    assert len(keys) == len(set(keys))
    for item in planning_cycle.ITEMS:
        assert item["ring"] in rings
        assert item["kind"] in Kind.values
        for language in ("nb", "nn", "en"):
            assert item["title"][language]
            assert item["description"][language]


def test_applying_adds_the_items_and_their_rings_once(organization, coordinator):
    wheel = WheelFactory(organization=organization, year=2026, start_month=1)

    added = planning_cycle_apply(wheel=wheel, user=coordinator)

    assert added == len(planning_cycle.ITEMS)
    assert cycle_events(organization).count() == added
    names = set(Ring.objects.filter(organization=organization).values_list("name", flat=True))
    assert {"Politisk styring", "Oppvekst", "Kvalitetsarbeid"} <= names
    event = by_key(organization, 2026)["budget_decision"]
    assert event.kind == Kind.DEADLINE
    assert event.ring.name == "Politisk styring"
    assert event.title == "Kommunestyret vedtar budsjett og økonomiplan"
    assert event.start_date == date(2026, 12, 15)
    assert event.created_by == coordinator
    assert event.responsible == coordinator  # so its reminders reach someone

    assert planning_cycle_apply(wheel=wheel, user=coordinator) == 0
    assert cycle_events(organization).count() == added
    assert Ring.objects.filter(organization=organization, name="Oppvekst").count() == 1


def test_items_edited_or_archived_are_not_made_again(organization, coordinator):
    wheel = WheelFactory(organization=organization, year=2026, start_month=1)
    planning_cycle_apply(wheel=wheel, user=coordinator)
    items = by_key(organization, 2026)
    items["school_start"].title = "Skolestart i Testvik"
    items["school_start"].start_date = date(2026, 8, 20)
    items["school_start"].save()
    items["annual_report"].is_archived = True
    items["annual_report"].save()
    items["term_evaluation_spring"].delete()

    assert planning_cycle_apply(wheel=wheel, user=coordinator) == 1

    again = by_key(organization, 2026)
    assert again["school_start"].title == "Skolestart i Testvik"
    assert again["annual_report"].is_archived
    assert again["term_evaluation_spring"].start_date == date(2026, 6, 19)  # from a Saturday


def test_an_august_wheel_places_spring_items_in_the_next_calendar_year(organization, coordinator):
    wheel = WheelFactory(organization=organization, year=2026, start_month=8)

    planning_cycle_apply(wheel=wheel, user=coordinator)

    items = by_key(organization, 2026)
    assert items["planning_meeting"].start_date == date(2026, 8, 10)
    assert items["school_start"].start_date == date(2026, 8, 17)
    assert items["budget_input"].start_date == date(2026, 9, 15)
    # 25 October 2026 is a Sunday: the range begins on the Monday.
    assert (items["budget_proposal"].start_date, items["budget_proposal"].end_date) == (
        date(2026, 10, 26),
        date(2026, 11, 20),
    )
    assert items["budget_decision"].start_date == date(2026, 12, 15)
    assert items["term_evaluation_autumn"].start_date == date(2026, 12, 21)  # from a Sunday
    assert items["annual_accounts"].start_date == date(2027, 2, 22)
    assert items["annual_report"].start_date == date(2027, 3, 31)
    assert items["status_report_preparation"].end_date == date(2027, 4, 30)
    assert items["status_report"].start_date == date(2027, 6, 15)
    assert items["term_evaluation_spring"].start_date == date(2027, 6, 21)  # from a Sunday
    assert all(wheel.contains(event.start_date) for event in items.values())


def test_a_range_never_ends_before_it_starts(organization):
    # A wheel starting in November: the budget proposal (25 Oct – 20 Nov) falls at its end.
    wheel = WheelFactory(organization=organization, year=2026, start_month=11)
    planned = {item.key: item for item in planning_cycle.plan(wheel)}
    proposal = planned["budget_proposal"]
    # 20 November 2027 is a Saturday: the range ends on the Friday.
    assert (proposal.start, proposal.end) == (date(2027, 10, 25), date(2027, 11, 19))
    assert all(item.end is None or item.end >= item.start for item in planned.values())
    assert planned["planning_meeting"].start == date(2026, 11, 10)


def test_the_next_years_wheel_gets_its_own_items(organization, coordinator):
    planning_cycle_apply(
        wheel=WheelFactory(organization=organization, year=2026, start_month=1), user=coordinator
    )
    added = planning_cycle_apply(
        wheel=WheelFactory(organization=organization, year=2027, start_month=1), user=coordinator
    )
    assert added == len(planning_cycle.ITEMS)
    assert by_key(organization, 2027)["budget_decision"].start_date == date(2027, 12, 15)
    # The rings are shared by both years.
    assert Ring.objects.filter(organization=organization, name="Politisk styring").count() == 1


def test_texts_follow_the_written_standard(organization, coordinator):
    organization.written_standard = "nn"
    organization.save()
    wheel = WheelFactory(organization=organization, year=2026, start_month=8)

    planning_cycle_apply(wheel=wheel, user=coordinator)

    items = by_key(organization, 2026)
    assert items["school_start"].title == "Skulestart"
    assert items["annual_report"].title == "Frist for årsmeldinga"


def test_an_existing_ring_of_the_same_name_is_used_and_restored(organization, coordinator):
    ring = RingFactory(organization=organization, name="politisk STYRING", is_archived=True)
    wheel = WheelFactory(organization=organization, year=2026, start_month=1)

    planning = {item.key: item for item in planning_cycle.plan(wheel)}
    assert planning["budget_decision"].ring_exists
    assert not planning["school_start"].ring_exists

    planning_cycle_apply(wheel=wheel, user=coordinator)

    ring.refresh_from_db()
    assert not ring.is_archived
    assert by_key(organization, 2026)["budget_decision"].ring == ring
    assert not Ring.objects.filter(organization=organization, name="Politisk styring").exists()


def test_the_preview_marks_what_is_already_there(organization, coordinator):
    wheel = WheelFactory(organization=organization, year=2026, start_month=1)
    assert not any(item.present for item in planning_cycle.plan(wheel))
    planning_cycle_apply(wheel=wheel, user=coordinator)
    planned = planning_cycle.plan(wheel)
    assert all(item.present for item in planned)
    assert [item.start for item in planned] == sorted(item.start for item in planned)


# --- weekends -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 4), date(2026, 12, 4)),  # Friday stays
        (date(2026, 12, 5), date(2026, 12, 4)),  # Saturday: the Friday before
        (date(2026, 12, 6), date(2026, 12, 7)),  # Sunday: the Monday after
        (date(2026, 12, 7), date(2026, 12, 7)),  # Monday stays
        (date(2026, 12, 8), date(2026, 12, 8)),  # Tuesday stays
    ],
)
def test_a_weekend_date_moves_to_the_nearest_working_day(day, expected):
    assert planning_cycle.working_day(day) == expected


def test_the_2027_items_on_sundays_move_to_the_monday_and_say_where_from(organization):
    wheel = WheelFactory(organization=organization, year=2027, start_month=1)
    planned = {item.key: item for item in planning_cycle.plan(wheel)}

    meeting = planned["planning_meeting"]  # 10 January 2027 is a Sunday
    assert (meeting.start, meeting.moved_from) == (date(2027, 1, 11), date(2027, 1, 10))
    spring = planned["term_evaluation_spring"]  # 20 June 2027 is a Sunday
    assert (spring.start, spring.moved_from) == (date(2027, 6, 21), date(2027, 6, 20))
    # A weekday keeps its date and is not listed as moved.
    decision = planned["budget_decision"]  # Wednesday 15 December 2027
    assert (decision.start, decision.moved_from) == (date(2027, 12, 15), None)
    assert all(item.start.weekday() < 5 for item in planned.values())
    assert all(item.end is None or item.end.weekday() < 5 for item in planned.values())


def test_a_saturday_item_moves_to_the_friday(organization, coordinator):
    wheel = WheelFactory(organization=organization, year=2026, start_month=1)
    planning_cycle_apply(wheel=wheel, user=coordinator)
    meeting = by_key(organization, 2026)["planning_meeting"]  # 10 January 2026 is a Saturday
    assert meeting.start_date == date(2026, 1, 9)


def test_the_preview_lists_the_moved_items(organization, coordinator, login):
    WheelFactory(organization=organization, year=2027, start_month=1)
    url = reverse("wheel_apply_template", kwargs={"org_slug": organization.slug, "year": 2027})
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])

    with translation.override("en"):
        page = login(coordinator).get(url).content.decode()

    # The items' titles follow the organisation's written standard (marked with it: the
    # <span lang="nb"> closes after the title); the rest the person's.
    assert "moved to the nearest working day" in page
    assert (
        "Planleggingsmøte for året</span>: Sunday 10 January 2027 is moved to Monday "
        "11 January 2027." in page
    )
    assert "Evaluering av vårhalvåret</span>: Sunday 20 June 2027 is moved to Monday" in page
    assert "Kommunestyret vedtar budsjett og økonomiplan:" not in page
