"""Moving an own event by hand (the wheel's drag and arrow keys, and the event page's "Move to
date" form): who may, single events and series, what is refused, the history, undo and a stale
undo, and the calendar feed following the move."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from dataversion import versions
from tests.factories import EventFactory, MeasureFactory, RingFactory, WheelFactory
from yearwheel import feeds
from yearwheel.models import Event, Kind, Recurrence
from yearwheel.occurrences import Occurrence
from yearwheel.services import event_version

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def login(login):
    """English pages and messages: the middleware follows the person's language."""

    def _login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        return login(user)

    return _login


def move_url(event):
    return reverse("event_move", kwargs={"org_slug": event.organization.slug, "pk": event.pk})


@pytest.fixture
def ring(organization):
    return RingFactory(organization=organization, name="Skole")


@pytest.fixture
def single(organization, ring):
    """Three days, 15–17 October 2026."""
    return EventFactory(
        organization=organization,
        ring=ring,
        title="Budsjettseminar",
        start_date=date(2026, 10, 15),
        end_date=date(2026, 10, 17),
    )


@pytest.fixture
def weekly(organization, ring):
    """Tuesdays from 3 November 2026 to 30 March 2027, but not 1 December."""
    return EventFactory(
        organization=organization,
        ring=ring,
        title="Åpen hall",
        kind=Kind.MEETING,
        start_date=date(2026, 11, 3),
        recurrence=Recurrence.WEEKLY,
        repeat_until=date(2027, 3, 30),
        exceptions=["2026-12-01"],
    )


def posted_json(response):
    assert response["Content-Type"] == "application/json", response.status_code
    return json.loads(response.content)


def dates_of(event):
    event.refresh_from_db()
    return (event.start_date, event.end_date)


# --- moving -------------------------------------------------------------------------------------


def test_a_single_event_moves_and_keeps_its_length(coordinator, single, login):
    response = login(coordinator).post(
        move_url(single), {"date": "2026-10-15", "to": "2026-11-02"}, **JSON
    )
    answer = posted_json(response)
    assert response.status_code == 200
    assert dates_of(single) == (date(2026, 11, 2), date(2026, 11, 4))
    assert answer["ok"] is True
    assert answer["message"] == "“Budsjettseminar” is moved to Monday 2 November 2026."
    assert answer["dates"] == "2–4 November 2026"
    assert (answer["start"], answer["end"], answer["to"]) == (
        "2026-11-02",
        "2026-11-04",
        "2026-11-02",
    )
    assert answer["undo"] == {
        "date": "2026-11-02",
        "to": "2026-10-15",
        "version": event_version(single),
    }
    record = single.history.first()
    assert record.history_user == coordinator
    assert record.history_change_reason == "Moved on the wheel: 2026-10-15 → 2026-11-02"


def test_a_move_by_a_number_of_days(coordinator, single, login):
    response = login(coordinator).post(
        move_url(single), {"date": "2026-10-15", "days": "-3"}, **JSON
    )
    assert response.status_code == 200
    assert dates_of(single) == (date(2026, 10, 12), date(2026, 10, 14))


def test_the_event_pages_form_moves_and_returns_to_the_event(coordinator, single, login):
    response = login(coordinator).post(move_url(single), {"date": "2026-10-15", "to": "2026-10-20"})
    assert response.status_code == 302
    assert response["Location"] == single.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“Budsjettseminar” is moved to Tuesday 20 October 2026."
    ]
    assert dates_of(single) == (date(2026, 10, 20), date(2026, 10, 22))


def test_the_event_page_offers_the_form_to_those_who_may_move(
    organization, coordinator, member, single, weekly, login, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 11, 22))
    page = login(coordinator).get(single.get_absolute_url()).content.decode()
    assert move_url(single) in page
    assert 'name="to" value="2026-10-15"' in page
    assert "The event keeps its length." in page
    page = login(member).get(single.get_absolute_url()).content.decode()
    assert move_url(single) not in page

    # A series is moved by its next date.
    page = login(coordinator).get(weekly.get_absolute_url()).content.decode()
    assert 'name="date" value="2026-11-24"' in page
    assert "Move Tuesday 24 November 2026 to" in page
    assert "The whole series moves by the same number of days" in page

    # A series without more dates, or an archived event, has nothing to move.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2027, 4, 1))
    assert (
        move_url(weekly) not in login(coordinator).get(weekly.get_absolute_url()).content.decode()
    )
    Event.objects.filter(pk=single.pk).update(is_archived=True)
    assert (
        move_url(single) not in login(coordinator).get(single.get_absolute_url()).content.decode()
    )


def test_a_series_moves_as_a_whole_with_its_end_and_skipped_dates(coordinator, weekly, login):
    response = login(coordinator).post(
        move_url(weekly), {"date": "2026-11-24", "to": "2026-11-26"}, **JSON
    )
    assert response.status_code == 200, response.content
    weekly.refresh_from_db()
    assert weekly.start_date == date(2026, 11, 5)
    assert weekly.repeat_until == date(2027, 4, 1)
    assert weekly.exceptions == ["2026-12-03"]
    assert weekly.occurrences(date(2026, 11, 20), date(2026, 12, 10)) == [
        date(2026, 11, 26),
        date(2026, 12, 10),
    ]


def test_a_rule_that_keeps_its_own_weekdays_is_not_moved(organization, coordinator, ring, login):
    event = EventFactory(
        organization=organization,
        ring=ring,
        start_date=date(2026, 11, 3),
        recurrence=Recurrence.CUSTOM,
        rrule="FREQ=WEEKLY;BYDAY=TU",
    )
    response = login(coordinator).post(
        move_url(event), {"date": "2026-11-10", "to": "2026-11-11"}, **JSON
    )
    assert response.status_code == 400
    assert "cannot be moved by dragging" in posted_json(response)["error"]
    assert dates_of(event) == (date(2026, 11, 3), None)


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"date": "2026-10-15"}, "Choose the date to move the event to."),
        ({"date": "2026-10-15", "to": "20.10.2026"}, "Choose the date to move the event to."),
        ({"date": "2026-10-15", "days": "tre"}, "Choose the date to move the event to."),
        ({"to": "2026-10-20"}, "Choose the date to move the event to."),
        ({"date": "2026-10-16", "to": "2026-10-20"}, "16.10.2026 is not a date of this event."),
        (
            {"date": "2026-10-15", "to": "2026-10-15"},
            "Choose another date than the one the event has.",
        ),
        ({"date": "2026-10-15", "days": "0"}, "Choose another date than the one the event has."),
        # Its last day would be 2 January 2101.
        ({"date": "2026-10-15", "to": "2100-12-31"}, "Choose a date between 2000 and 2100."),
        ({"date": "2026-10-15", "to": "1999-12-31"}, "Choose a date between 2000 and 2100."),
        ({"date": "2026-10-15", "days": "99999999999"}, "Choose the date to move the event to."),
    ],
)
def test_bad_moves_are_refused_and_save_nothing(coordinator, single, login, posted, message):
    client = login(coordinator)
    response = client.post(move_url(single), posted, **JSON)
    assert response.status_code == 400
    assert posted_json(response) == {"ok": False, "error": message}
    assert dates_of(single) == (date(2026, 10, 15), date(2026, 10, 17))
    assert single.history.count() == 1

    response = client.post(move_url(single), posted)
    assert response.status_code == 302
    assert response["Location"] == f"{single.get_absolute_url()}#move"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]


def test_the_years_allowed_are_reached_but_not_passed(organization, coordinator, ring, login):
    event = EventFactory(organization=organization, ring=ring, start_date=date(2026, 10, 15))
    client = login(coordinator)
    assert (
        client.post(move_url(event), {"date": "2026-10-15", "to": "2100-12-31"}).status_code == 302
    )
    assert dates_of(event) == (date(2100, 12, 31), None)
    assert (
        client.post(move_url(event), {"date": "2100-12-31", "to": "2000-01-01"}).status_code == 302
    )
    assert dates_of(event) == (date(2000, 1, 1), None)


def test_a_series_is_not_moved_past_the_last_year_by_its_end(
    organization, coordinator, ring, login
):
    event = EventFactory(
        organization=organization,
        ring=ring,
        start_date=date(2026, 10, 15),
        recurrence=Recurrence.YEARLY,
        repeat_until=date(2100, 12, 20),
    )
    client = login(coordinator)
    response = client.post(move_url(event), {"date": "2026-10-15", "days": "12"}, **JSON)
    assert response.status_code == 400
    assert dates_of(event) == (date(2026, 10, 15), None)
    response = client.post(move_url(event), {"date": "2026-10-15", "days": "11"}, **JSON)
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.repeat_until == date(2100, 12, 31)


def test_a_skipped_date_or_a_date_outside_the_series_is_not_moved(coordinator, weekly, login):
    client = login(coordinator)
    for day in ("2026-12-01", "2026-11-04", "2027-04-06", "2026-10-27"):
        response = client.post(move_url(weekly), {"date": day, "to": "2026-12-02"}, **JSON)
        assert response.status_code == 400, day
    assert dates_of(weekly) == (date(2026, 11, 3), None)
    # The first and the last date are dates of the series.
    assert (
        client.post(move_url(weekly), {"date": "2027-03-30", "days": "1"}, **JSON).status_code
        == 200
    )
    assert (
        client.post(move_url(weekly), {"date": "2026-11-04", "days": "-1"}, **JSON).status_code
        == 200
    )
    assert dates_of(weekly) == (date(2026, 11, 3), None)


def test_an_archived_event_is_not_moved(coordinator, single, login):
    Event.objects.filter(pk=single.pk).update(is_archived=True)
    response = login(coordinator).post(
        move_url(single), {"date": "2026-10-15", "to": "2026-10-20"}, **JSON
    )
    assert response.status_code == 400
    assert posted_json(response)["error"] == "An archived event cannot be moved."


# --- who may ------------------------------------------------------------------------------------


def test_only_those_who_may_change_the_event_move_it(
    organization, other_organization, coordinator, team_lead, member, ring, login
):
    theirs = EventFactory(
        organization=organization,
        ring=ring,
        start_date=date(2026, 10, 15),
        measure=MeasureFactory(program__organization=organization, team_lead=team_lead),
    )
    others = EventFactory(organization=organization, ring=ring, start_date=date(2026, 10, 15))
    foreign = EventFactory(organization=other_organization, start_date=date(2026, 10, 15))
    posted = {"date": "2026-10-15", "to": "2026-10-16"}

    client = login(team_lead)
    assert client.post(move_url(theirs), posted, **JSON).status_code == 200
    assert client.post(move_url(others), posted, **JSON).status_code == 403
    assert login(member).post(move_url(others), posted, **JSON).status_code == 403
    foreign_url = reverse("event_move", kwargs={"org_slug": organization.slug, "pk": foreign.pk})
    assert login(coordinator).post(foreign_url, posted, **JSON).status_code == 404
    assert dates_of(others) == (date(2026, 10, 15), None)
    assert dates_of(foreign) == (date(2026, 10, 15), None)


# --- undo ---------------------------------------------------------------------------------------


def test_undo_puts_the_previous_dates_back(coordinator, single, login):
    client = login(coordinator)
    answer = posted_json(
        client.post(move_url(single), {"date": "2026-10-15", "to": "2026-11-02"}, **JSON)
    )
    response = client.post(move_url(single), {**answer["undo"], "undo": "1"}, **JSON)
    assert response.status_code == 200
    assert posted_json(response)["message"] == (
        "“Budsjettseminar” is moved to Thursday 15 October 2026."
    )
    assert dates_of(single) == (date(2026, 10, 15), date(2026, 10, 17))
    reasons = list(single.history.values_list("history_change_reason", flat=True))
    assert reasons == [
        "Undone move on the wheel: 2026-11-02 → 2026-10-15",
        "Moved on the wheel: 2026-10-15 → 2026-11-02",
        None,
    ]


def test_an_undo_after_another_change_is_refused(coordinator, single, login):
    client = login(coordinator)
    answer = posted_json(
        client.post(move_url(single), {"date": "2026-10-15", "to": "2026-11-02"}, **JSON)
    )
    single.refresh_from_db()
    single.title = "Budsjettseminar 2027"
    single.save()

    response = client.post(move_url(single), {**answer["undo"], "undo": "1"}, **JSON)
    assert response.status_code == 409
    assert posted_json(response)["error"].startswith(
        "The event was changed after that move, so the move can no longer be undone."
    )
    assert dates_of(single) == (date(2026, 11, 2), date(2026, 11, 4))

    # Without the page's script the refusal is a message on the event page.
    response = client.post(move_url(single), {**answer["undo"], "undo": "1"})
    assert response.status_code == 302
    assert dates_of(single) == (date(2026, 11, 2), date(2026, 11, 4))


# --- the wheel and the calendars follow ----------------------------------------------------------


def test_a_move_bumps_the_data_version(organization, coordinator, single, login):
    before = versions.current([organization.pk])[organization.pk]
    login(coordinator).post(move_url(single), {"date": "2026-10-15", "to": "2026-10-20"}, **JSON)
    assert versions.current([organization.pk])[organization.pk] != before


@override_settings(SITE_URL="https://tiltak.kommune.test")
def test_the_calendar_feed_shows_the_new_date(client, organization, coordinator, ring, login):
    today = timezone.localdate()
    event = EventFactory(
        organization=organization, ring=ring, start_date=today + timedelta(days=10)
    )
    subscription, _created = feeds.create_or_regenerate(coordinator)
    feed = feeds.feed_path(subscription)

    def starts():
        calendar = Calendar.from_ical(client.get(feed).content)
        return [
            entry["DTSTART"].dt
            for entry in calendar.walk("VEVENT")
            if str(entry["UID"]).startswith(f"event-{event.pk}")
        ]

    assert starts() == [today + timedelta(days=10)]
    login(coordinator).post(
        move_url(event), {"date": event.start_date.isoformat(), "days": "7"}, **JSON
    )
    assert starts() == [today + timedelta(days=17)]


def test_the_wheel_marks_own_events_as_movable_for_those_who_may_add(
    organization, coordinator, member, single, login
):
    wheel = WheelFactory(organization=organization, year=2026, start_month=1)
    url = wheel.get_absolute_url()
    page = login(coordinator).get(url).content.decode()
    pattern = reverse("event_move", kwargs={"org_slug": organization.slug, "pk": 0})
    assert f'data-move-url="{pattern}"' in page
    assert 'data-period-start="2026-01-01" data-period-end="2026-12-31"' in page
    assert f'data-event-id="{single.pk}" data-date="2026-10-15"' in page
    assert "js/wheel-move.js" in page
    assert "data-move-undo" in page

    page = login(member).get(url).content.decode()
    assert "data-move-url" not in page
    assert "js/wheel-move.js" not in page


def test_derived_occurrences_carry_no_event_to_move():
    from yearwheel.drawing import Shape
    from yearwheel.wheel_text import shape_markup

    def markup(occurrence):
        shape = Shape(
            occurrence=occurrence,
            ring=None,
            dom_id="wheel-x",
            is_range=False,
            d="M0 0",
            glyph="",
            lane=0,
            label="label",
            kind_label="",
            dates="",
            times="",
            clipped_start=False,
            clipped_end=False,
            start_degrees=0.0,
            end_degrees=0.0,
            radius=10.0,
        )
        return shape_markup(shape, "#1f5f8b", "#ffffff")

    derived = Occurrence(
        key="evaluation-3",
        source="evaluations",
        kind=Kind.DEADLINE,
        title="Evaluering",
        start=date(2026, 10, 15),
        end=date(2026, 10, 15),
        url="/m/3/",
        event_id=None,
    )
    own = Occurrence(
        key="event-7-2026-10-15",
        source="",
        kind=Kind.DEADLINE,
        title="Frist",
        start=date(2026, 10, 15),
        end=date(2026, 10, 15),
        url="/e/7/",
        event_id=7,
    )
    assert "data-event-id" not in markup(derived)
    assert 'data-event-id="7" data-date="2026-10-15"' in markup(own)
