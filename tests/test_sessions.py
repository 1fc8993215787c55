"""Sessions: idle time-out and lifetime, a person's sessions page, an administrator's
sign-out of a member, and the ways a session ends being real deletions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from organizations.models import Role
from outbox.dispatch import dispatch as send_outbox
from tests.factories import MembershipFactory
from tests.second_factor import pass_second_factor
from tests.test_settings_env import _run_manage
from usersessions.agents import describe_agent, shorten_address
from usersessions.models import EndedSession, ForcedSignOut, UserSession
from usersessions.tasks import clear_ended_sessions

START = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
IDLE = settings.SESSION_IDLE_TIMEOUT
LIFETIME = settings.SESSION_ABSOLUTE_TIMEOUT
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
EDGE_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)
PROFILE = "/accounts/profile/"
SESSIONS = "/accounts/sessions/"


def signed_in(user, password, agent=FIREFOX_WINDOWS) -> Client:
    """A browser of ``user``, logged in and used once. Pages in English, whatever the
    catalogues say, so the tests read the English texts."""
    type(user).objects.filter(pk=user.pk).update(language="en")
    client = Client(headers={"user-agent": agent, "accept-language": "en"})
    # Through the login form, as a person does (django-axes refuses Client.login), then past
    # the second factor for the roles that need one.
    response = client.post("/accounts/login/", {"username": user.email, "password": password})
    assert response.status_code == 302
    pass_second_factor(client, user)
    assert client.get(PROFILE).status_code == 200  # the first request starts the clock
    return client


def is_logged_out(client: Client) -> bool:
    response = client.get(PROFILE)
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def message_after_redirect(client: Client, response) -> str:
    return client.get(response["Location"]).content.decode()


# --- time-outs -------------------------------------------------------------------------------


def test_a_session_works_until_the_idle_time_out_and_ends_at_it(member, password):
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(member, password)
        clock.shift(IDLE - 1)
        assert client.get(PROFILE).status_code == 200  # just inside, and it counts as activity
        clock.shift(IDLE - 1)
        assert client.get(PROFILE).status_code == 200
        clock.shift(IDLE)
        response = client.get(PROFILE)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert not UserSession.objects.filter(user=member).exists()
        page = message_after_redirect(client, response)
        assert "inactive for too long" in page
        assert "Your session has ended" not in page  # the reason, not the general notice


def test_the_last_seen_stamp_is_written_at_most_once_a_minute(member, password):
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(member, password)
        clock.shift(59)
        client.get(PROFILE)
        assert UserSession.objects.get(user=member).last_activity == START
        clock.shift(1)
        client.get(PROFILE)
        assert UserSession.objects.get(user=member).last_activity == START + dt.timedelta(
            seconds=60
        )


def test_an_active_session_ends_at_its_lifetime(member, password):
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(member, password)
        step = IDLE // 2
        for _ in range((LIFETIME - 1) // step):
            clock.shift(step)
            assert client.get(PROFILE).status_code == 200
        clock.move_to(START + dt.timedelta(seconds=LIFETIME - 1))
        assert client.get(PROFILE).status_code == 200
        clock.shift(1)
        response = client.get(PROFILE)
        assert response.status_code == 302
        assert not UserSession.objects.filter(user=member).exists()
        page = message_after_redirect(client, response)
        assert "as long as a session may" in page
        assert "Your session has ended" not in page  # the reason, not the general notice


@pytest.mark.parametrize(
    ("seen", "now", "said"),
    [
        (0, IDLE - 1, None),
        (0, IDLE, "inactive for too long"),
        (LIFETIME - 60, LIFETIME - 1, None),
        (LIFETIME - 60, LIFETIME, "as long as a session may"),
    ],
)
def test_the_periodic_clearing_deletes_ended_sessions_and_keeps_why(
    member, password, seen, now, said
):
    with time_machine.travel(START, tick=False):
        client = signed_in(member, password)
    # Its last request ``seen`` seconds after it started; the row's own expiry (the cookie's)
    # far later, so only the session's limits decide.
    UserSession.objects.update(
        last_activity=START + dt.timedelta(seconds=seen),
        expire_date=START + dt.timedelta(seconds=2 * LIFETIME),
    )
    with time_machine.travel(START + dt.timedelta(seconds=now), tick=False):
        clear_ended_sessions()
        assert UserSession.objects.filter(user=member).exists() is (said is None)
        if said:
            # The browser comes back later with its cookie: told why, once.
            assert said in client.get(PROFILE, follow=True).content.decode()
            assert not EndedSession.objects.exists()


def test_what_ended_a_session_is_forgotten_when_its_cookie_expires(member, password):
    with time_machine.travel(START, tick=False) as clock:
        signed_in(member, password)
        clock.shift(IDLE)
        clear_ended_sessions()
        assert EndedSession.objects.count() == 1
        clock.move_to(START + dt.timedelta(seconds=LIFETIME - 1))
        clear_ended_sessions()
        assert EndedSession.objects.count() == 1
        clock.shift(1)
        clear_ended_sessions()
        assert not EndedSession.objects.exists()


# --- a person's own sessions -----------------------------------------------------------------


def test_the_sessions_page_lists_both_and_ending_the_other_logs_it_out(member, password):
    mine = signed_in(member, password)
    other = signed_in(member, password, agent=SAFARI_IPHONE)
    page = mine.get(SESSIONS).content.decode()
    assert "Firefox on Windows" in page
    assert "Safari on iPhone" in page
    assert page.count("this session") == 1

    other_row = UserSession.objects.get(session_key=key(other))
    assert other_row.public_id in page
    assert key(other) not in page and key(mine) not in page  # keys are credentials

    assert mine.post(SESSIONS, {"end": other_row.public_id}).status_code == 302
    assert not UserSession.objects.filter(session_key=key(other)).exists()
    page = other.get(PROFILE, follow=True).content.decode()
    assert page.count("Your session has ended") == 1  # said once, then the cookie is gone
    assert mine.get(PROFILE).status_code == 200


def test_the_sessions_page_costs_the_same_queries_for_one_session_or_three(member, password):
    mine = signed_in(member, password)
    with CaptureQueriesContext(connection) as one:
        mine.get(SESSIONS)
    signed_in(member, password)
    signed_in(member, password)
    with CaptureQueriesContext(connection) as three:
        page = mine.get(SESSIONS).content.decode()
    assert page.count('name="end"') == 3  # two others and "end all other sessions"
    assert len(three) == len(one)


def test_this_session_cannot_be_ended_from_the_list(member, password):
    mine = signed_in(member, password)
    this = UserSession.objects.get(session_key=key(mine))
    mine.post(SESSIONS, {"end": this.public_id})
    assert mine.get(PROFILE).status_code == 200


def test_ending_all_other_sessions_keeps_only_this_one(member, password):
    mine = signed_in(member, password)
    others = [signed_in(member, password), signed_in(member, password, agent=EDGE_MAC)]
    mine.post(SESSIONS, {"end": "others"})
    assert all(is_logged_out(client) for client in others)
    assert mine.get(PROFILE).status_code == 200
    assert list(UserSession.objects.filter(user=member).values_list("session_key", flat=True)) == [
        key(mine)
    ]


def test_the_sessions_page_never_shows_or_ends_another_persons(member, coordinator, password):
    mine = signed_in(member, password)
    theirs = signed_in(coordinator, password, agent=SAFARI_IPHONE)
    their_row = UserSession.objects.get(session_key=key(theirs))
    page = mine.get(SESSIONS).content.decode()
    assert "Safari" not in page
    assert their_row.public_id not in page
    mine.post(SESSIONS, {"end": their_row.public_id})
    mine.post(SESSIONS, {"end": "others"})
    assert theirs.get(PROFILE).status_code == 200


# --- an administrator signs a member out -----------------------------------------------------


def sign_out_url(organization, membership) -> str:
    return reverse("member_sign_out", args=[organization.slug, membership.pk])


def test_an_administrator_logs_a_member_out_everywhere(
    organization, other_organization, admin_user, member, password
):
    MembershipFactory(organization=other_organization, user=member, role=Role.MEMBER)
    membership = member.memberships.get(organization=organization)
    phone, laptop = signed_in(member, password), signed_in(member, password)
    admin = signed_in(admin_user, password)

    page = admin.get(sign_out_url(organization, membership)).content.decode()
    assert "2 active sessions" in page
    assert "also a member of other organisations" in page

    assert admin.post(sign_out_url(organization, membership)).status_code == 302
    assert is_logged_out(phone) and is_logged_out(laptop)
    assert admin.get(PROFILE).status_code == 200
    record = ForcedSignOut.objects.get()
    assert (record.organization, record.user, record.session_count) == (organization, member, 2)
    assert record.history.get().history_user == admin_user
    trail = admin.get(reverse("audit_trail", args=[organization.slug])).content.decode()
    assert "Sign-out everywhere" in trail


def test_a_coordinator_cannot_and_an_outsider_is_not_told(
    organization, other_organization, coordinator, outsider, member, password
):
    membership = member.memberships.get(organization=organization)
    target = signed_in(member, password)
    assert (
        signed_in(coordinator, password).post(sign_out_url(organization, membership)).status_code
        == 403
    )
    assert (
        signed_in(outsider, password).post(sign_out_url(organization, membership)).status_code
        == 404
    )
    # The outsider is an administrator, but of their own organisation: its URL with this
    # organisation's member is not found either.
    assert (
        signed_in(outsider, password).post(sign_out_url(other_organization, membership)).status_code
        == 404
    )
    assert target.get(PROFILE).status_code == 200
    assert not ForcedSignOut.objects.exists()


# --- logging out and passwords -----------------------------------------------------------------


def test_logging_out_deletes_the_session(member, password):
    client = signed_in(member, password)
    session_key = key(client)
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=session_key).exists()


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(member, password):
    mine, other = signed_in(member, password), signed_in(member, password)
    response = mine.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "a new and long passphrase",
            "new_password2": "a new and long passphrase",
        },
    )
    assert response.status_code == 302
    assert list(UserSession.objects.filter(user=member).values_list("session_key", flat=True)) == [
        key(mine)
    ]
    assert is_logged_out(other)
    assert mine.get(PROFILE).status_code == 200


def test_a_password_reset_ends_every_session(member, password, client, mailoutbox):
    signed_in(member, password)
    client.post(reverse("password_reset"), {"email": member.email})
    send_outbox()  # the reset email is a row the dispatcher sends (outbox/)
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password/reset/" in line)
    form_url = client.get(link.strip()[link.index("/accounts") :])["Location"]
    new = "a new and long passphrase"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert not UserSession.objects.filter(user=member).exists()


# --- plain words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        (FIREFOX_WINDOWS, "Firefox on Windows"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (EDGE_MAC, "Edge on macOS"),
        ("curl/8.5.0", "An unknown browser on an unknown system"),
    ],
)
def test_the_browser_is_named_in_plain_words(agent, words):
    with translation.override("en"):
        assert describe_agent(agent) == words


@pytest.mark.parametrize(
    ("address", "shown"),
    [("192.0.2.17", "192.0.2.*"), ("2001:db8:85a3::8a2e:370:7334", "2001:0db8:85a3:*"), ("", "")],
)
def test_the_address_is_shortened(address, shown):
    assert shorten_address(address) == shown


# --- settings ------------------------------------------------------------------------------------


def test_the_limits_default_to_two_hours_idle_and_ten_hours_in_all():
    assert (IDLE, LIFETIME, settings.SESSION_COOKIE_AGE) == (2 * 3600, 10 * 3600, 10 * 3600)


def test_the_limits_come_from_the_environment_and_are_checked():
    show = (
        "from django.conf import settings as s; "
        "print(s.SESSION_IDLE_TIMEOUT, s.SESSION_ABSOLUTE_TIMEOUT)"
    )
    result = _run_manage(
        ["shell", "--no-imports", "-c", show],
        DEBUG="true",
        SESSION_IDLE_MINUTES="5",
        SESSION_MAX_HOURS="8",
    )
    assert result.stdout.split() == ["300", str(8 * 3600)], result.stderr
    result = _run_manage(["check"], DEBUG="true", SESSION_IDLE_MINUTES="4")
    assert "SESSION_IDLE_MINUTES=4 must be at least 5" in result.stderr
