"""The wheel as an .ics file, read back with an independent parser (recurring-ical-events)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from tests.factories import (
    EvaluationCycleFactory,
    EventFactory,
    GoalFactory,
    MeasureFactory,
    RingFactory,
    WheelFactory,
)
from yearwheel.ical import oslo_timezone
from yearwheel.models import Event, Recurrence

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
SITE = "https://tiltak.kommune.test"


@pytest.fixture(autouse=True)
def _site():
    with override_settings(SITE_URL=SITE):
        yield


@pytest.fixture
def wheel(organization):
    return WheelFactory(organization=organization, year=2026)


def download(client, organization, year=2026, query=""):
    response = client.get(reverse("wheel_ics", args=[organization.slug, year]) + query)
    assert response.status_code == 200
    return response, Calendar.from_ical(response.content)


def vevents(calendar):
    return list(calendar.walk("VEVENT"))


def between(calendar, start, end):
    return sorted(
        recurring_ical_events.of(calendar).between(start, end), key=lambda e: e.start.isoformat()
    )


def test_the_file_is_a_calendar_with_its_headers(login, coordinator, organization, wheel):
    response, calendar = download(login(coordinator), organization)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="arshjul-testvik-2026.ics"'
    assert "no-store" in response["Cache-Control"]
    assert str(calendar["PRODID"]) == "-//Tiltakshjulet//NONSGML Tiltakshjulet//NB"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Oslo"
    assert "Testvik kommune" in str(calendar["X-WR-CALNAME"])
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Oslo"


def test_a_school_year_wheel_is_named_by_both_years(login, coordinator, organization):
    WheelFactory(organization=organization, year=2026, start_month=8)
    response, _calendar = download(login(coordinator), organization)
    assert response["Content-Disposition"] == 'attachment; filename="arshjul-testvik-2026-27.ics"'


def test_the_timezone_agrees_with_the_time_zone_database_for_a_century():
    custom = oslo_timezone().to_tz()
    for year in range(2000, 2100):
        for month in range(1, 13):
            for day, hour in ((1, 12), (25, 0), (25, 1), (28, 0), (28, 1), (31, 0), (31, 1)):
                try:
                    moment = datetime(year, month, day, hour, tzinfo=UTC)
                except ValueError:
                    continue
                assert (
                    moment.astimezone(custom).utcoffset() == moment.astimezone(OSLO).utcoffset()
                ), moment


def test_a_weekly_meeting_stays_at_nine_across_the_change_of_clocks(
    login, coordinator, organization, wheel
):
    event = EventFactory(
        organization=organization,
        kind=Event.Kind.MEETING,
        title="Samarbeidsmøte",
        start_date=date(2026, 10, 15),  # Thursdays; clocks go back on Sunday 25 October
        start_time=time(9),
        end_time=time(10, 30),
        recurrence=Recurrence.WEEKLY,
        repeat_until=date(2026, 11, 12),
        exceptions=["2026-11-05"],
    )
    _response, calendar = download(login(coordinator), organization)
    [master] = vevents(calendar)
    assert master["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20261112T225959Z"
    assert master["EXDATE"].to_ical() == b"20261105T090000"
    assert master["EXDATE"].params["TZID"] == "Europe/Oslo"

    found = between(calendar, date(2026, 10, 1), date(2027, 1, 1))
    starts = [e.start for e in found]
    assert [s.astimezone(OSLO).date() for s in starts] == [
        date(2026, 10, 15),
        date(2026, 10, 22),
        date(2026, 10, 29),
        # 5 November is skipped
        date(2026, 11, 12),  # UNTIL is the last day, inclusive
    ]
    assert {s.astimezone(OSLO).time() for s in starts} == {time(9)}
    assert [s.astimezone(UTC).hour for s in starts] == [7, 7, 8, 8]
    assert {e.end - e.start for e in found} == {timedelta(hours=1, minutes=30)}
    assert {str(e["UID"]) for e in found} == {f"event-{event.pk}@tiltak.kommune.test"}


def test_single_and_ranged_all_day_events(login, coordinator, organization, wheel):
    single = EventFactory(organization=organization, start_date=date(2026, 9, 1))
    ranged = EventFactory(
        organization=organization, start_date=date(2026, 9, 7), end_date=date(2026, 9, 9)
    )
    _response, calendar = download(login(coordinator), organization)
    by_uid = {str(e["UID"]): e for e in vevents(calendar)}
    first = by_uid[f"event-{single.pk}@tiltak.kommune.test"]
    assert first["DTSTART"].to_ical() == b"20260901"
    assert first["DTEND"].to_ical() == b"20260902"  # exclusive
    found = between(calendar, date(2026, 8, 1), date(2026, 10, 1))
    assert [(e.start, e.end) for e in found] == [
        (date(2026, 9, 1), date(2026, 9, 2)),
        (date(2026, 9, 7), date(2026, 9, 10)),
    ]
    assert str(by_uid[f"event-{ranged.pk}@tiltak.kommune.test"]["TRANSP"]) == "TRANSPARENT"


def test_a_yearly_all_day_deadline_keeps_a_date_until(login, coordinator, organization, wheel):
    EventFactory(
        organization=organization,
        kind=Event.Kind.DEADLINE,
        start_date=date(2026, 3, 1),
        recurrence=Recurrence.YEARLY,
        repeat_until=date(2028, 3, 1),
        exceptions=["2027-03-01"],
    )
    _response, calendar = download(login(coordinator), organization)
    [master] = vevents(calendar)
    assert master["RRULE"].to_ical() == b"FREQ=YEARLY;UNTIL=20280301"
    assert master["EXDATE"].to_ical() == b"20270301"
    found = between(calendar, date(2026, 1, 1), date(2031, 1, 1))
    assert [e.start for e in found] == [date(2026, 3, 1), date(2028, 3, 1)]


def test_timed_events_without_an_end_last_an_hour_and_long_ones_end_on_their_last_day(
    login, coordinator, organization, wheel
):
    short = EventFactory(
        organization=organization, start_date=date(2026, 9, 1), start_time=time(13)
    )
    seminar = EventFactory(
        organization=organization,
        start_date=date(2026, 9, 2),
        end_date=date(2026, 9, 3),
        start_time=time(10),
        end_time=time(15),
    )
    _response, calendar = download(login(coordinator), organization)
    by_uid = {str(e["UID"]): e for e in vevents(calendar)}
    one = by_uid[f"event-{short.pk}@tiltak.kommune.test"]
    assert one.end - one.start == timedelta(hours=1)
    two = by_uid[f"event-{seminar.pk}@tiltak.kommune.test"]
    assert two.start == datetime(2026, 9, 2, 10, tzinfo=OSLO)
    assert two.end == datetime(2026, 9, 3, 15, tzinfo=OSLO)


def test_a_custom_rule_with_count(login, coordinator, organization, wheel):
    EventFactory(
        organization=organization,
        start_date=date(2026, 1, 6),
        start_time=time(8, 30),
        recurrence=Recurrence.CUSTOM,
        rrule="FREQ=MONTHLY;BYDAY=1TU;COUNT=3",
    )
    _response, calendar = download(login(coordinator), organization)
    found = between(calendar, date(2026, 1, 1), date(2027, 1, 1))
    assert [e.start.astimezone(OSLO).date() for e in found] == [
        date(2026, 1, 6),
        date(2026, 2, 3),
        date(2026, 3, 3),
    ]


def test_an_event_begun_in_an_earlier_year_is_exported_as_its_whole_series(
    login, coordinator, organization, wheel
):
    EventFactory(
        organization=organization, start_date=date(2025, 12, 30), recurrence=Recurrence.MONTHLY
    )
    _response, calendar = download(login(coordinator), organization)
    [master] = vevents(calendar)
    assert master["DTSTART"].to_ical() == b"20251230"
    assert master["RRULE"].to_ical() == b"FREQ=MONTHLY"


def test_events_outside_the_year_are_left_out(login, coordinator, organization, wheel):
    EventFactory(organization=organization, start_date=date(2027, 2, 1))
    EventFactory(organization=organization, start_date=date(2026, 2, 1), is_archived=True)
    _response, calendar = download(login(coordinator), organization)
    assert vevents(calendar) == []


def test_uids_are_stable_across_exports(login, coordinator, organization, wheel):
    EventFactory(organization=organization, start_date=date(2026, 5, 5))
    EventFactory(organization=organization, start_date=date(2026, 6, 5), recurrence="weekly")
    EvaluationCycleFactory(
        measure=MeasureFactory(organization=organization), first_due=date(2026, 6, 20)
    )
    client = login(coordinator)
    first = [str(e["UID"]) for e in vevents(download(client, organization)[1])]
    second = [str(e["UID"]) for e in vevents(download(client, organization)[1])]
    assert first == second
    assert len(set(first)) == len(first) == 4  # two events and two evaluation due dates


def test_derived_occurrences_are_single_all_day_entries(login, coordinator, organization, wheel):
    measure = MeasureFactory(organization=organization, name="Mestringsgrupper")
    EvaluationCycleFactory(measure=measure, rhythm="term", first_due=date(2026, 6, 20))
    _response, calendar = download(login(coordinator), organization)
    entries = vevents(calendar)
    assert [str(e["UID"]) for e in entries] == [
        f"evaluation-{measure.pk}-2026-06-20@tiltak.kommune.test",
        f"evaluation-{measure.pk}-2026-12-20@tiltak.kommune.test",
    ]
    assert entries[0]["DTSTART"].to_ical() == b"20260620"
    assert entries[0]["DTEND"].to_ical() == b"20260621"
    assert "RRULE" not in entries[0]
    assert "Mestringsgrupper" in str(entries[0]["DESCRIPTION"])
    assert str(entries[0]["URL"]).startswith(f"{SITE}/o/testvik/measures/{measure.pk}/")


def test_alarms_follow_the_downloaders_reminder_days(login, coordinator, organization, wheel):
    coordinator.reminder_days = [14, 2, 0]
    coordinator.save()
    EventFactory(organization=organization, start_date=date(2026, 9, 1), start_time=time(9))
    _response, calendar = download(login(coordinator), organization)
    [entry] = vevents(calendar)
    alarms = entry.walk("VALARM")
    assert [a["TRIGGER"].dt for a in alarms] == [
        timedelta(days=-14),
        timedelta(days=-2),
        timedelta(0),
    ]
    assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
    assert all(str(a["DESCRIPTION"]) for a in alarms)


def test_an_events_own_reminder_days_set_its_alarms(login, coordinator, organization, wheel):
    coordinator.reminder_days = [7, 1]
    coordinator.save()
    EventFactory(organization=organization, start_date=date(2026, 9, 1), reminder_days=[3])
    _response, calendar = download(login(coordinator), organization)
    [entry] = vevents(calendar)
    assert [a["TRIGGER"].dt for a in entry.walk("VALARM")] == [timedelta(days=-3)]


def test_no_reminder_days_means_no_alarms(login, coordinator, organization, wheel):
    coordinator.reminder_days = []
    coordinator.save()
    EventFactory(organization=organization, start_date=date(2026, 9, 1))
    _response, calendar = download(login(coordinator), organization)
    assert vevents(calendar)[0].walk("VALARM") == []


def test_the_entry_describes_the_event_and_links_to_it(login, coordinator, organization, wheel):
    measure = MeasureFactory(organization=organization, name="Familieteam")
    goal = GoalFactory(measure=measure, title="Færre akuttplasseringer")
    event = EventFactory(
        organization=organization,
        kind=Event.Kind.MEETING,
        title="Møte i styringsgruppa",
        description="Gjennomgang av status.",
        place="Rådhuset, møterom 2",
        measure=measure,
        goal=goal,
        start_date=date(2026, 9, 1),
    )
    _response, calendar = download(login(coordinator), organization)
    [entry] = vevents(calendar)
    link = f"{SITE}/o/testvik/wheel/events/{event.pk}/"
    assert str(entry["SUMMARY"]) == "Møte i styringsgruppa"
    assert str(entry["LOCATION"]) == "Rådhuset, møterom 2"
    assert str(entry["URL"]) == link
    description = str(entry["DESCRIPTION"])
    assert "Gjennomgang av status." in description
    assert "Familieteam" in description
    assert "Færre akuttplasseringer" in description
    assert link in description
    with translation.override("nb"):  # the kind, in the language of the request
        assert entry.categories == [str(Event.Kind.MEETING.label)]
    assert entry["CREATED"].dt.tzinfo is not None
    assert entry["LAST-MODIFIED"].dt.tzinfo is not None
    assert entry["DTSTAMP"].dt.tzinfo is not None


def test_the_filter_narrows_the_file(login, coordinator, organization, wheel):
    meeting = EventFactory(
        organization=organization, kind=Event.Kind.MEETING, start_date=date(2026, 9, 1)
    )
    EventFactory(organization=organization, kind=Event.Kind.DEADLINE, start_date=date(2026, 9, 2))
    other_ring = RingFactory(organization=organization)
    EventFactory(
        organization=organization,
        ring=other_ring,
        kind=Event.Kind.MEETING,
        start_date=date(2026, 9, 3),
    )
    _response, calendar = download(
        login(coordinator), organization, query=f"?kind=meeting&ring={meeting.ring_id}"
    )
    assert [str(e["UID"]) for e in vevents(calendar)] == [f"event-{meeting.pk}@tiltak.kommune.test"]


def test_lines_are_crlf_and_folded_at_75_octets(login, coordinator, organization, wheel):
    EventFactory(
        organization=organization,
        title="Årsmøte for foreldreutvalget i grunnskolen, med særskilt vekt på ære og økonomi",
        description="Æ ø å " * 80,
        start_date=date(2026, 9, 1),
    )
    response, calendar = download(login(coordinator), organization)
    content = response.content
    assert content.endswith(b"\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")
    lines = content.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # no character is split between two lines
    assert Calendar.from_ical(content.decode("utf-8")) is not None
    assert str(vevents(calendar)[0]["DESCRIPTION"]).startswith("Æ ø å")


def test_only_members_may_download(client, login, outsider, viewer, organization, wheel):
    url = reverse("wheel_ics", args=[organization.slug, 2026])
    assert client.get(url).status_code == 302  # to the login page
    assert login(outsider).get(url).status_code == 404
    assert login(viewer).get(url).status_code == 200
    assert login(viewer).post(url).status_code == 405


def test_another_organisations_events_never_appear(
    login, coordinator, organization, other_organization, wheel
):
    EventFactory(organization=other_organization, start_date=date(2026, 9, 1))
    _response, calendar = download(login(coordinator), organization)
    assert vevents(calendar) == []


def test_the_download_costs_the_same_queries_however_many_events(
    login, coordinator, organization, wheel
):
    client = login(coordinator)
    ring = RingFactory(organization=organization)
    download(client, organization)  # the first request makes the system rings
    counts = []
    for total in (5, 50):
        Event.objects.all().delete()
        for n in range(total):
            EventFactory(
                organization=organization,
                ring=ring,
                start_date=date(2026, 1 + n % 12, 1 + n % 28),
                start_time=time(9) if n % 2 else None,
                recurrence=Recurrence.MONTHLY if n % 3 == 0 else Recurrence.NONE,
                measure=MeasureFactory(organization=organization) if n % 5 == 0 else None,
            )
        with CaptureQueriesContext(connection) as queries:
            _response, calendar = download(client, organization)
        assert len(vevents(calendar)) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
