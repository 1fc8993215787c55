"""The reminders' pages: a person's notifications and the bell, the coordinators' page of
reminders that went wrong, and the settings behind the reminders (profile, organisation,
event)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.context_processors import notifications as bell_context
from notifications.models import Notification, Reminder
from organizations.formtools import ReminderDaysField, parse_reminder_days
from organizations.models import Role
from tests.factories import EventFactory, MembershipFactory, RingFactory, UserFactory
from yearwheel.models import Event

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
_keys = itertools.count()


@pytest.fixture
def login(login):
    """Logs in with English as the person's language, so the pages' words can be checked
    (the bokmål and nynorsk catalogues are filled in later)."""

    def _login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        return login(user)

    return _login


def notify(user, organization, *, title="Budsjettseminar", path=None, **fields):
    return Notification.objects.create(
        recipient=user,
        organization=organization,
        title=title,
        path=f"/o/{organization.slug}/" if path is None else path,
        **fields,
    )


def make_reminder(organization, **fields):
    n = next(_keys)
    starts_on = fields.pop("starts_on", date(2026, 10, 15))
    values = {
        "key": f"test-{n}",
        "kind": Reminder.Kind.BEFORE,
        "subject_key": f"event-{n}-{starts_on.isoformat()}",
        "title": f"Hendelse {n}",
        "starts_on": starts_on,
        "ends_on": starts_on,
        "due_at": datetime.combine(starts_on, datetime.min.time(), OSLO) + timedelta(hours=7),
        "state": Reminder.State.FAILED,
        "problem": Reminder.Problem.REJECTED,
        "path": f"/o/{organization.slug}/wheel/events/{n}/",
    }
    values.update(fields)
    return Reminder.objects.create(organization=organization, **values)


# --- the notification list -----------------------------------------------------------------


def test_the_list_needs_a_login(client):
    response = client.get(reverse("notification_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_list_shows_the_persons_own_notifications_newest_first(
    login, member, coordinator, organization
):
    old = notify(member, organization, title="Gammel")
    new = notify(member, organization, title="Ny")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    notify(coordinator, organization, title="Ikke din")
    response = login(member).get(reverse("notification_list"))
    assert [n.pk for n in response.context["notifications"]] == [new.pk, old.pk]
    assert "Ikke din" not in response.content.decode()


def test_notifications_from_every_organisation_are_listed_with_its_name(
    login, member, organization, other_organization
):
    MembershipFactory(user=member, organization=other_organization, role=Role.MEMBER)
    notify(member, organization, title="Herfra")
    notify(member, other_organization, title="Derfra")
    body = login(member).get(reverse("notification_list")).content.decode()
    assert "Herfra" in body and "Derfra" in body
    assert organization.name in body and other_organization.name in body


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        (
            {
                "kind": "escalation",
                "subject_key": "action-9-2026-10-15",
                "kind_of_item": "deadline",
            },
            "Action item overdue since 15.10.2026",
        ),
        (
            {"kind": "escalation", "subject_key": "evaluation-4-2026-10-15"},
            "Evaluation overdue since 15.10.2026",
        ),
        (
            {"kind_of_item": "meeting", "start_time": time(9, 0), "end_time": time(11, 0)},
            "Meeting: 15.10.2026, 09:00–11:00",
        ),
        ({"kind_of_item": "deadline"}, "Deadline: 15.10.2026"),
        (
            {"kind_of_item": "activity", "ends_on": date(2026, 10, 16), "start_time": time(9, 0)},
            "Activity: 15.10.2026, 09:00 – 16.10.2026",
        ),
    ],
)
def test_each_notification_says_what_it_is_about(login, member, organization, fields, line):
    reminder = make_reminder(organization, recipient=member, state="sent", problem="", **fields)
    notify(member, organization, reminder=reminder)
    body = login(member).get(reverse("notification_list")).content.decode()
    assert f"{line} ·" in body
    overdue = {"Action item overdue", "Evaluation overdue"} - {line.rsplit(" since", 1)[0]}
    assert not any(other in body for other in overdue)


def test_unread_notifications_are_marked_not_only_by_colour(login, member, organization):
    notify(member, organization, title="Ulest")
    notify(member, organization, title="Lest", read_at=timezone.now())
    body = login(member).get(reverse("notification_list")).content.decode()
    assert body.count("notification-unread") == 1
    assert body.count("Unread:") == 1  # said to screen readers, and the title is bold


def test_the_list_is_paginated_by_25(login, member, organization):
    for n in range(30):
        notify(member, organization, title=f"Varsel {n}")
    client = login(member)
    first = client.get(reverse("notification_list"))
    second = client.get(reverse("notification_list"), {"page": 2})
    assert len(first.context["notifications"]) == 25
    assert len(second.context["notifications"]) == 5


def test_an_empty_list_says_so(login, member):
    body = login(member).get(reverse("notification_list")).content.decode()
    assert "You have no notifications yet." in body
    assert "Mark all as read" not in body


def test_opening_marks_read_and_goes_to_the_item(login, member, organization):
    notification = notify(member, organization, path=f"/o/{organization.slug}/wheel/")
    response = login(member).post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/o/{organization.slug}/wheel/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_again_keeps_the_first_read_time(login, member, organization):
    read = timezone.now() - timedelta(days=2)
    notification = notify(member, organization, read_at=read)
    login(member).post(reverse("notification_open", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == read


def test_someone_elses_notification_does_not_exist(login, member, coordinator, organization):
    notification = notify(coordinator, organization)
    response = login(member).post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_is_post_only(login, member, organization):
    notification = notify(member, organization)
    response = login(member).get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize(
    "path", ["", "//evil.example/o/", "https://evil.example/", "javascript:alert(1)"]
)
def test_opening_never_leaves_the_site(login, member, organization, path):
    notification = notify(member, organization, path=path)
    response = login(member).post(reverse("notification_open", args=[notification.pk]))
    assert response["Location"] == reverse("notification_list")


def test_mark_all_as_read_touches_only_the_persons_own(login, member, coordinator, organization):
    mine = [notify(member, organization) for _ in range(3)]
    theirs = notify(coordinator, organization)
    response = login(member).post(reverse("notification_read_all"))
    assert response.status_code == 302
    assert response["Location"] == reverse("notification_list")
    assert all(n.read_at for n in Notification.objects.filter(pk__in=[n.pk for n in mine]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


# --- the bell ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unread", "label", "badge"),
    [
        (0, "No unread notifications", None),
        (1, "1 unread notification", "1"),
        (3, "3 unread notifications", "3"),
        (120, "More than 99 unread notifications", "99+"),
    ],
)
def test_the_bell_says_how_many_are_unread(login, member, organization, unread, label, badge):
    Notification.objects.bulk_create(
        Notification(recipient=member, organization=organization, title=f"V{n}")
        for n in range(unread)
    )
    notify(member, organization, read_at=timezone.now())  # read ones never count
    body = login(member).get(reverse("organization_home", args=[organization.slug]))
    html = body.content.decode()
    assert f'<span class="visually-hidden">{label}</span>' in html
    if badge is None:
        assert "text-bg-danger" not in html
    else:
        assert f'aria-hidden="true">{badge}</span>' in html
    assert f'href="{reverse("notification_list")}"' in html


def test_anonymous_visitors_get_no_bell_and_no_query(client, django_assert_num_queries):
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert bell_context(request) == {}
    assert reverse("notification_list") not in client.get(reverse("login")).content.decode()


def test_the_unread_count_is_one_query_per_request(member, organization, django_assert_num_queries):
    notify(member, organization)
    request = RequestFactory().get("/")
    request.user = member
    with django_assert_num_queries(1):
        first = bell_context(request)["unread_notifications"]
        again = bell_context(request)["unread_notifications"]  # another template, same request
        assert (first.count, str(first.label), again.count, again.shown) == (
            1,
            "1 ulest varsel",  # tests run in bokmål
            1,
            "1",
        )


def test_the_count_is_not_read_unless_a_template_shows_it(member, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = member
    with django_assert_num_queries(0):
        bell_context(request)


# --- the coordinators' page ----------------------------------------------------------------


def problems_url(organization):
    return reverse("reminder_problems", args=[organization.slug])


def test_planners_see_what_went_wrong_and_nothing_else(
    login, coordinator, team_lead, organization, other_organization
):
    failed = make_reminder(
        organization, recipient=team_lead, attempts=1, last_error="550 No such user here"
    )
    missed = make_reminder(
        organization,
        recipient=team_lead,
        state=Reminder.State.MISSED,
        problem=Reminder.Problem.TOO_LATE,
    )
    gap = make_reminder(
        organization, recipient=None, problem=Reminder.Problem.NO_RECIPIENT, title="Ingen"
    )
    inactive = make_reminder(organization, recipient=team_lead, problem="inactive")
    hidden = [
        make_reminder(organization, recipient=team_lead, state=state, problem="")
        for state in ("sent", "pending", "sending", "cancelled")
    ]
    elsewhere = make_reminder(other_organization, title="Nabo")
    response = login(coordinator).get(problems_url(organization))
    assert response.status_code == 200
    shown = {row.pk for row in response.context["reminders"]}
    assert shown == {failed.pk, missed.pk, gap.pk, inactive.pk}
    assert not shown & {row.pk for row in [*hidden, elsewhere]}
    body = response.content.decode()
    assert "nobody" in body  # the gap has no recipient
    assert "The mail server refused the address" in body  # the reason in plain words
    assert "Nobody is responsible" in body
    assert "Choose someone responsible for it" in body  # and what to do about it
    assert "550 No such user here" in body
    assert f'href="{failed.path}"' in body


def test_rows_are_newest_first(login, admin_user, organization, team_lead):
    older = make_reminder(organization, recipient=team_lead, starts_on=date(2026, 9, 1))
    newer = make_reminder(organization, recipient=team_lead, starts_on=date(2026, 10, 1))
    response = login(admin_user).get(problems_url(organization))
    assert [row.pk for row in response.context["reminders"]] == [newer.pk, older.pk]


def test_the_list_filters_by_reason_and_state(login, coordinator, organization, team_lead):
    refused = make_reminder(organization, recipient=team_lead, problem="rejected")
    gap = make_reminder(organization, recipient=None, problem="no_recipient")
    missed = make_reminder(organization, recipient=team_lead, state="missed", problem="too_late")
    client = login(coordinator)
    url = problems_url(organization)

    def shown(**query):
        return {row.pk for row in client.get(url, query).context["reminders"]}

    assert shown(problem="no_recipient") == {gap.pk}
    assert shown(state="missed") == {missed.pk}
    assert shown(state="failed") == {refused.pk, gap.pk}
    assert shown(state="failed", problem="too_late") == set()
    assert shown(state="sent") == {refused.pk, gap.pk, missed.pk}  # not a choice: ignored


def test_a_long_error_is_shortened_with_the_whole_text_on_demand(
    login, coordinator, organization, team_lead
):
    error = "421 Service not available " + "x" * 300
    make_reminder(organization, recipient=team_lead, problem="gave_up", last_error=error)
    body = login(coordinator).get(problems_url(organization)).content.decode()
    assert "<details><summary>421 Service not available" in body
    assert error in body


def test_digests_and_escalations_say_what_they_are(login, coordinator, organization, team_lead):
    make_reminder(organization, recipient=team_lead, kind="digest", title="", path="")
    make_reminder(
        organization,
        recipient=coordinator,
        kind="escalation",
        title="Trygg skolevei",
        subject_key="evaluation-4-2026-10-15",
    )
    make_reminder(
        organization,
        recipient=coordinator,
        kind="escalation",
        title="Ringe foreldrene",
        subject_key="action-9-2026-10-15",
        kind_of_item="deadline",
    )
    body = login(coordinator).get(problems_url(organization)).content.decode()
    assert "Weekly digest" in body
    assert body.count("Evaluation overdue since 15.10.2026") == 1
    assert body.count("Action item overdue since 15.10.2026") == 1


def test_the_counts_cover_the_last_30_days(login, coordinator, organization, team_lead):
    now = timezone.now()

    def due(days_ago, state, problem=""):
        return make_reminder(
            organization,
            recipient=team_lead,
            due_at=now - timedelta(days=days_ago),
            state=state,
            problem=problem,
        )

    due(1, "sent")
    due(2, "sent")
    due(29, "sent")
    due(31, "sent")  # too old to count
    due(3, "pending")  # due, waiting for a retry
    due(-3, "pending")  # planned ahead: not counted
    due(4, "failed", "rejected")
    due(5, "missed", "too_late")
    due(-10, "failed", "no_recipient")  # a gap coming up
    stats = login(coordinator).get(problems_url(organization)).context["stats"]
    assert stats == {"sent": 3, "waiting": 1, "failed": 1, "missed": 1, "coming_gaps": 1}


def _count_get(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_for_5_and_50_rows(login, coordinator, organization):
    def add(count):
        for _ in range(count):
            person = UserFactory()
            make_reminder(organization, recipient=person, problem="rejected", last_error="550")

    client = login(coordinator)
    url = problems_url(organization)
    add(5)
    client.get(url)  # warm the session
    few = _count_get(client, url)
    add(45)
    many = _count_get(client, url)
    assert few == many
    print("\nreminder problems page queries:", few)
    # Session, user, membership, the menu's organisations, the bell; the page's count, its
    # rows (with their recipients), the counts of the last 30 days, and the emails that
    # did not go out.
    assert few <= 9


@pytest.mark.parametrize(
    ("role", "linked"),
    [("admin_user", True), ("coordinator", True), ("team_lead", False), ("viewer", False)],
)
def test_planners_find_the_page_in_the_menu(login, organization, request, role, linked):
    user = request.getfixturevalue(role)
    body = login(user).get(reverse("organization_home", args=[organization.slug]))
    assert (problems_url(organization) in body.content.decode()) is linked


# --- the settings behind the reminders -----------------------------------------------------


def profile_data(user, **changes):
    data = {"full_name": user.full_name, "language": "en", "reminder_days": "7, 1"}
    data.update(changes)
    return data


@pytest.mark.parametrize(("chosen", "saved"), [("0", 0), ("4", 4), ("", None)])
def test_the_profile_sets_the_digest_weekday(login, member, chosen, saved):
    member.digest_weekday = 2
    member.save()
    response = login(member).post(reverse("profile"), profile_data(member, digest_weekday=chosen))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.digest_weekday == saved


def test_the_profile_offers_no_digest_and_refuses_a_made_up_day(login, member):
    client = login(member)
    body = client.get(reverse("profile")).content.decode()
    assert "No weekly digest" in body and "Friday" in body
    response = client.post(reverse("profile"), profile_data(member, digest_weekday="9"))
    assert response.status_code == 200
    assert "digest_weekday" in response.context["form"].errors


def settings_data(organization, **changes):
    data = {
        "name": organization.name,
        "number": organization.number,
        "written_standard": organization.written_standard,
        "planning_year_start_month": organization.planning_year_start_month,
        "escalate_after_days": organization.escalate_after_days,
    }
    data.update(changes)
    return data


def test_admins_choose_when_coordinators_are_told(login, admin_user, organization):
    url = reverse("organization_settings", args=[organization.slug])
    client = login(admin_user)
    assert 'name="escalate_after_days" value="7"' in client.get(url).content.decode()
    response = client.post(url, settings_data(organization, escalate_after_days=14))
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.escalate_after_days == 14


@pytest.mark.parametrize("days", ["0", "91", "", "a week"])
def test_the_escalation_limit_is_1_to_90_days(login, admin_user, organization, days):
    response = login(admin_user).post(
        reverse("organization_settings", args=[organization.slug]),
        settings_data(organization, escalate_after_days=days),
    )
    assert response.status_code == 200
    assert "escalate_after_days" in response.context["form"].errors
    organization.refresh_from_db()
    assert organization.escalate_after_days == 7


def event_data(ring, **changes):
    data = {
        "title": "Foreldremøte",
        "kind": "meeting",
        "ring": ring.pk,
        "start_date": "24.11.2026",
        "start_time": "18:00",
        "end_time": "19:30",
        "place": "Aulaen",
        "recurrence": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(("text", "saved"), [("3, 1", [3, 1]), ("0;14 0", [14, 0]), ("", None)])
def test_an_event_can_set_its_own_reminder_days(login, coordinator, organization, text, saved):
    ring = RingFactory(organization=organization)
    response = login(coordinator).post(
        reverse("event_create", args=[organization.slug]),
        event_data(ring, reminder_days=text),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Event.objects.get(title="Foreldremøte").reminder_days == saved


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("61", "at most 60 days before"),
        ("a week", "is not a whole number from 0 to 60"),
        ("1, 2, 3, 4, 5, 6", "at most 5 reminders"),
    ],
)
def test_the_event_explains_bad_reminder_days_as_the_profile_does(
    login, coordinator, organization, member, text, message
):
    ring = RingFactory(organization=organization)
    client = login(coordinator)
    event = client.post(
        reverse("event_create", args=[organization.slug]), event_data(ring, reminder_days=text)
    )
    profile = login(member).post(reverse("profile"), profile_data(member, reminder_days=text))
    for response in (event, profile):
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors["reminder_days"])


def test_the_event_form_shows_the_events_reminder_days(login, coordinator, organization):
    event = EventFactory(organization=organization, reminder_days=[14, 2])
    body = (
        login(coordinator)
        .get(reverse("event_update", args=[organization.slug, event.pk]))
        .content.decode()
    )
    assert 'name="reminder_days" value="14, 2"' in body


def test_the_shared_parser():
    assert parse_reminder_days(" 1, 7;7  0 ") == [7, 1, 0]
    assert parse_reminder_days("") == []
    with pytest.raises(forms.ValidationError):
        parse_reminder_days("-1")
    assert ReminderDaysField(empty_value=[]).clean("") == []
    assert ReminderDaysField().clean("  ") is None
    assert ReminderDaysField().prepare_value([7, 1]) == "7, 1"
