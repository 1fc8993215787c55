"""The personal calendar feed: its token, what it holds, and whom it never shows."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import recurring_ical_events
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from organizations.models import Membership, Role
from tests.factories import (
    EvaluationCycleFactory,
    EventFactory,
    MeasureFactory,
    MembershipFactory,
    OrganizationFactory,
    RingFactory,
    UserFactory,
)
from yearwheel import feeds
from yearwheel.models import CalendarSubscription, Recurrence

pytestmark = pytest.mark.django_db

SITE = "https://tiltak.kommune.test"


@pytest.fixture(autouse=True)
def _site():
    with override_settings(SITE_URL=SITE):
        yield


def subscribe(user):
    subscription, _created = feeds.create_or_regenerate(user)
    return subscription


def feed_url(subscription):
    return feeds.feed_path(subscription)


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response, Calendar.from_ical(response.content)


def uids(calendar):
    return {str(entry["UID"]) for entry in calendar.walk("VEVENT")}


def today():
    return timezone.localdate()


# --- the subscription page ------------------------------------------------------------------


def test_the_page_needs_a_login(client):
    response = client.get(reverse("calendar_subscription"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_page_offers_to_make_a_link_and_makes_none_on_get(login, member):
    response = login(member).get(reverse("calendar_subscription"))
    assert response.status_code == 200
    assert not CalendarSubscription.objects.filter(user=member).exists()
    assert b'method="post"' in response.content
    assert b".ics" not in response.content


def test_posting_makes_the_link_and_the_page_shows_it(login, member):
    client = login(member)
    response = client.post(reverse("calendar_subscription"))
    assert response.status_code == 302
    assert response["Location"] == reverse("calendar_subscription")
    subscription = CalendarSubscription.objects.get(user=member)
    page = client.get(reverse("calendar_subscription")).content.decode()
    assert f"{SITE}{feed_url(subscription)}" in page
    assert f"webcal://tiltak.kommune.test{feed_url(subscription)}" in page
    assert reverse("profile") in page


def test_the_page_shows_the_reminder_setting(login, member):
    member.reminder_days = [3, 0]
    member.save()
    page = login(member).get(reverse("calendar_subscription")).content.decode()
    assert "3, 0" in page


def test_regenerating_stops_the_old_link(client, login, member, organization):
    EventFactory(organization=organization, start_date=today())
    user_client = login(member)
    user_client.post(reverse("calendar_subscription"))
    old = feed_url(CalendarSubscription.objects.get(user=member))
    assert client.get(old).status_code == 200
    user_client.post(reverse("calendar_subscription"))
    subscription = CalendarSubscription.objects.get(user=member)
    assert subscription.regenerated_at is not None
    new = feed_url(subscription)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


# --- the token ------------------------------------------------------------------------------


def test_a_valid_token_gives_the_persons_events(client, member, organization):
    event = EventFactory(organization=organization, start_date=today() + timedelta(days=10))
    response, calendar = fetch(client, feed_url(subscribe(member)))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert "max-age=900" in response["Cache-Control"]
    assert uids(calendar) == {f"event-{event.pk}@tiltak.kommune.test"}
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Oslo"
    assert calendar.walk("VTIMEZONE")


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "1",
        "1.",
        ".abc",
        "0." + "a" * 40,
        "-1." + "a" * 40,
        "1." + "A" * 40,
        "1." + "a" * 39,
        "1." + "a" * 41,
        "99999999999999999999999." + "a" * 40,
        "١." + "a" * 40,  # not an ASCII digit
        "1.%s" % ("g" * 40),
    ],
)
def test_malformed_tokens_are_not_found(client, member, token):
    subscribe(member)
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_tampered_token_is_not_found(client, member):
    token = feeds.token_for(subscribe(member))
    last = "0" if token[-1] != "0" else "1"
    assert client.get(reverse("calendar_feed", args=[token[:-1] + last])).status_code == 404


def test_another_persons_mac_does_not_open_my_feed(client, member, coordinator):
    mine, theirs = subscribe(member), subscribe(coordinator)
    mac = feeds.token_for(theirs).split(".")[1]
    assert client.get(reverse("calendar_feed", args=[f"{mine.user_id}.{mac}"])).status_code == 404


def test_a_token_without_a_subscription_is_not_found(client, member):
    subscription = subscribe(member)
    url = feed_url(subscription)
    subscription.delete()
    assert client.get(url).status_code == 404


def test_an_inactive_persons_feed_is_gone(client, member):
    url = feed_url(subscribe(member))
    member.is_active = False
    member.save()
    assert client.get(url).status_code == 404


def test_failures_look_like_any_missing_page(client, member):
    bad = client.get(reverse("calendar_feed", args=["1." + "0" * 40]))
    missing = client.get("/no-such-page/")
    assert bad.status_code == missing.status_code == 404
    assert [t.name for t in bad.templates] == [t.name for t in missing.templates]
    assert "404.html" in [t.name for t in bad.templates]
    assert bad["Content-Type"] == missing["Content-Type"]


def test_the_feed_answers_get_only(client, member):
    url = feed_url(subscribe(member))
    assert client.post(url).status_code == 405


# --- what it holds --------------------------------------------------------------------------


def test_a_person_removed_from_an_organisation_no_longer_sees_it(client, member, organization):
    EventFactory(organization=organization, start_date=today())
    url = feed_url(subscribe(member))
    assert len(uids(fetch(client, url)[1])) == 1
    Membership.objects.filter(user=member, organization=organization).update(is_active=False)
    assert uids(fetch(client, url)[1]) == set()


def test_an_inactive_organisation_is_left_out(client, member, organization):
    EventFactory(organization=organization, start_date=today())
    url = feed_url(subscribe(member))
    organization.is_active = False
    organization.save()
    assert uids(fetch(client, url)[1]) == set()


def test_outsiders_organisations_never_appear(client, member, organization, outsider):
    other = outsider.memberships.get().organization
    EventFactory(organization=other, start_date=today())
    EvaluationCycleFactory(measure=MeasureFactory(organization=other), first_due=today())
    mine = EventFactory(organization=organization, start_date=today())
    _response, calendar = fetch(client, feed_url(subscribe(member)))
    assert uids(calendar) == {f"event-{mine.pk}@tiltak.kommune.test"}
    assert other.name not in calendar.to_ical().decode()


def test_every_role_sees_the_wheel(client, viewer, organization):
    event = EventFactory(organization=organization, start_date=today())
    _response, calendar = fetch(client, feed_url(subscribe(viewer)))
    assert uids(calendar) == {f"event-{event.pk}@tiltak.kommune.test"}


def test_several_organisations_are_named_in_the_titles(client, member, organization):
    second = OrganizationFactory(name="Fjordby kommune")
    MembershipFactory(user=member, organization=second, role=Role.VIEWER)
    EventFactory(organization=organization, title="Budsjettmøte", start_date=today())
    EventFactory(organization=second, title="Foreldremøte", start_date=today())
    _response, calendar = fetch(client, feed_url(subscribe(member)))
    summaries = {str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")}
    assert summaries == {"Testvik kommune: Budsjettmøte", "Fjordby kommune: Foreldremøte"}


def test_one_organisation_needs_no_name_in_the_titles(client, member, organization):
    EventFactory(organization=organization, title="Budsjettmøte", start_date=today())
    _response, calendar = fetch(client, feed_url(subscribe(member)))
    assert [str(entry["SUMMARY"]) for entry in calendar.walk("VEVENT")] == ["Budsjettmøte"]
    assert "Testvik kommune" in str(calendar["X-WR-CALNAME"])


def test_old_archived_and_hidden_events_are_left_out(client, member, organization):
    now = today()
    kept = [
        EventFactory(organization=organization, start_date=now - timedelta(days=300)),
        EventFactory(
            organization=organization,
            start_date=now - timedelta(days=800),
            recurrence=Recurrence.MONTHLY,
        ),
        EventFactory(organization=organization, start_date=now + timedelta(days=700)),
    ]
    EventFactory(organization=organization, start_date=now - timedelta(days=400))
    EventFactory(
        organization=organization,
        start_date=now - timedelta(days=800),
        recurrence=Recurrence.WEEKLY,
        repeat_until=now - timedelta(days=400),
    )
    EventFactory(
        organization=organization,
        start_date=now - timedelta(days=800),
        recurrence=Recurrence.CUSTOM,
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    EventFactory(organization=organization, start_date=now, is_archived=True)
    EventFactory(
        organization=organization,
        start_date=now,
        ring=RingFactory(organization=organization, is_archived=True),
    )
    EventFactory(
        organization=organization,
        start_date=now,
        ring=RingFactory(organization=organization, is_visible=False),
    )
    _response, calendar = fetch(client, feed_url(subscribe(member)))
    assert uids(calendar) == {f"event-{event.pk}@tiltak.kommune.test" for event in kept}


def test_derived_occurrences_cover_three_months_back_and_a_year_ahead(client, member, organization):
    measure = MeasureFactory(organization=organization)
    start = today() - timedelta(days=200)
    EvaluationCycleFactory(measure=measure, rhythm="monthly", first_due=start)
    _response, calendar = fetch(client, feed_url(subscribe(member)))
    days = sorted(entry["DTSTART"].dt for entry in calendar.walk("VEVENT"))
    assert days
    assert days[0] >= today() - timedelta(days=90)
    assert days[-1] <= today() + timedelta(days=400)
    assert days[-1] >= today() + timedelta(days=365)
    assert all(uid.startswith(f"evaluation-{measure.pk}-") for uid in uids(calendar))


def test_alarms_follow_the_subscribers_reminder_days(client, member, coordinator, organization):
    member.reminder_days = [5]
    member.save()
    coordinator.reminder_days = [30, 1]
    coordinator.save()
    EventFactory(organization=organization, start_date=today())
    _response, calendar = fetch(client, feed_url(subscribe(member)))
    [entry] = calendar.walk("VEVENT")
    assert [alarm["TRIGGER"].dt for alarm in entry.walk("VALARM")] == [timedelta(days=-5)]


def test_a_weekly_meeting_expands_in_the_subscribed_calendar(client, member, organization):
    start = today() - timedelta(days=7)
    EventFactory(
        organization=organization,
        start_date=start,
        start_time=time(9),
        recurrence=Recurrence.WEEKLY,
    )
    _response, calendar = fetch(client, feed_url(subscribe(member)))
    found = recurring_ical_events.of(calendar).between(start, start + timedelta(days=35))
    assert len(found) == 5


def test_fetches_are_recorded_at_most_every_ten_minutes(client, member):
    subscription = subscribe(member)
    url = feed_url(subscription)
    fetch(client, url)
    subscription.refresh_from_db()
    first = subscription.last_fetched_at
    assert first is not None
    fetch(client, url)
    subscription.refresh_from_db()
    assert subscription.last_fetched_at == first
    earlier = timezone.now() - timedelta(minutes=11)
    CalendarSubscription.objects.filter(pk=subscription.pk).update(last_fetched_at=earlier)
    fetch(client, url)
    subscription.refresh_from_db()
    assert subscription.last_fetched_at > earlier


def test_the_feed_costs_the_same_queries_however_many_events(client, member, organization):
    second = OrganizationFactory()
    MembershipFactory(user=member, organization=second, role=Role.MEMBER)
    url = feed_url(subscribe(member))
    fetch(client, url)  # records the fetch; later fetches within ten minutes write nothing
    ring = RingFactory(organization=organization)
    counts = []
    for total in (5, 50):
        for org in (organization, second):
            org.wheel_events.all().delete()
        for n in range(total):
            EventFactory(
                organization=organization if n % 2 else second,
                ring=ring if n % 2 else RingFactory(organization=second),
                start_date=today() + timedelta(days=n),
                start_time=time(9) if n % 3 else None,
                recurrence=Recurrence.WEEKLY if n % 4 == 0 else Recurrence.NONE,
                measure=MeasureFactory(organization=organization) if n % 10 == 1 else None,
            )
        with CaptureQueriesContext(connection) as queries:
            _response, calendar = fetch(client, url)
        assert len(calendar.walk("VEVENT")) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_person_without_organisations_gets_an_empty_calendar(client):
    lone = UserFactory()
    _response, calendar = fetch(client, feed_url(subscribe(lone)))
    assert calendar.walk("VEVENT") == []


# --- the reminder setting on the profile ----------------------------------------------------


def profile_data(member, reminders):
    return {"full_name": member.full_name, "language": "en", "reminder_days": reminders}


def test_the_profile_shows_the_reminders_and_links_to_the_calendar(login, member):
    page = login(member).get(reverse("profile")).content.decode()
    assert 'value="7, 1"' in page
    assert reverse("calendar_subscription") in page


@pytest.mark.parametrize(
    ("text", "saved"),
    [
        ("14, 2, 0", [14, 2, 0]),
        ("1 7", [7, 1]),
        ("1;7;7", [7, 1]),
        (" 60 ", [60]),
        ("", []),
    ],
)
def test_the_profile_saves_reminder_days(login, member, text, saved):
    response = login(member).post(reverse("profile"), profile_data(member, text))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.reminder_days == saved


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("7, en dag", "“en” is not a whole number from 0 to 60"),
        ("-1", "“-1” is not a whole number from 0 to 60"),
        ("2.5", "“2.5” is not a whole number from 0 to 60"),
        ("61", "at most 60 days before, not 61"),
        ("1, 2, 3, 4, 5, 6", "at most 5 reminders"),
    ],
)
def test_the_profile_explains_bad_reminder_days(login, member, text, message):
    member.language = "en"  # the messages are matched in English
    member.save()
    response = login(member).post(reverse("profile"), profile_data(member, text))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["reminder_days"])
    member.refresh_from_db()
    assert member.reminder_days == [7, 1]
