"""Failed logins lock an account from one address (django-axes, signin/): the edges of the
limit, the address, the case of the email, the cool-off, and the administrators' release."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from outbox.dispatch import dispatch as send_outbox
from signin.lockout import wait_after
from signin.models import LockoutRelease

LIMIT = 5  # settings.LOGIN_FAILURE_LIMIT's default
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"
NOON = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)  # 12:00 in Oslo


@pytest.fixture(autouse=True)
def _defaults(settings):
    settings.LOGIN_FAILURE_LIMIT = LIMIT
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.LOGIN_COOLOFF_MINUTES = 15


def attempt(client, email, password, address=HOME):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def fail(client, email, times, address=HOME):
    return [attempt(client, email, "wrong password", address) for _ in range(times)][-1]


def test_one_failure_short_of_the_limit_still_logs_in(client, member, password):
    assert fail(client, member.email, LIMIT - 1).status_code == 200
    assert attempt(client, member.email, password).status_code == 302


def test_the_limit_locks_and_refuses_even_the_right_password(client, member, password):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(NOON, tick=False):
        locked = fail(client, member.email, LIMIT)
        assert locked.status_code == 429
        assert int(locked["Retry-After"]) == 15 * 60 + 1
        refused = attempt(client, member.email, password)
    assert refused.status_code == 429
    assert client.get(reverse("profile")).status_code == 302  # not logged in
    assert "Login locked for now" in refused.content.decode()


def test_another_address_still_logs_in(client, member, password):
    fail(client, member.email, LIMIT, address=HOME)
    assert attempt(client, member.email, password, address=ELSEWHERE).status_code == 302


def test_the_email_counts_whatever_its_case(client, member, password):
    fail(client, member.email.upper(), LIMIT - 1)
    fail(client, f" {member.email} ", 1)
    assert attempt(client, member.email, password).status_code == 429


def test_the_page_says_when_to_try_again_in_the_persons_language(client, member):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    with time_machine.travel(NOON, tick=False):
        page = fail(client, member.email, LIMIT).content.decode()
    assert "You can try again at 12:15 on 07.12.2026." in page
    assert 'lang="en"' in page


def test_the_lock_lifts_after_the_cool_off(client, member, password):
    with time_machine.travel(NOON, tick=False):
        fail(client, member.email, LIMIT)
    with time_machine.travel(NOON + timedelta(minutes=15, seconds=1), tick=False):
        assert attempt(client, member.email, password).status_code == 302


def test_each_attempt_while_locked_doubles_the_wait(client, member, password):
    with time_machine.travel(NOON, tick=False):
        fail(client, member.email, LIMIT)
    with time_machine.travel(NOON + timedelta(minutes=5), tick=False):
        assert "12:35" in attempt(client, member.email, password).content.decode()
    with time_machine.travel(NOON + timedelta(minutes=20), tick=False):
        assert attempt(client, member.email, password).status_code == 429


def test_the_wait_grows_to_a_maximum(settings):
    settings.LOGIN_COOLOFF_MAX_HOURS = 24
    assert wait_after(LIMIT) == timedelta(minutes=15)
    assert wait_after(LIMIT + 1) == timedelta(minutes=30)
    assert wait_after(LIMIT + 6) == timedelta(hours=16)
    assert wait_after(LIMIT + 7) == timedelta(hours=24)
    assert wait_after(10_000) == timedelta(hours=24)


def test_the_admin_sees_and_releases_a_lockout(client, login, admin_user, member, password):
    fail(client, member.email, LIMIT)
    client.logout()
    page = login(admin_user).get(reverse("lockout_list", args=["testvik"])).content.decode()
    assert member.email in page
    assert HOME in page
    pk = AccessAttempt.objects.get(username=member.email).pk
    response = client.post(reverse("lockout_release", args=["testvik", pk]))
    assert response.status_code == 302
    release = LockoutRelease.objects.get()
    assert (release.username, release.ip_address, release.failures) == (member.email, HOME, LIMIT)
    assert release.history.get().history_user == admin_user
    client.logout()
    assert attempt(client, member.email, password).status_code == 302


def test_the_audit_trail_shows_the_release(client, login, admin_user, member):
    fail(client, member.email, LIMIT)
    client = login(admin_user)
    pk = AccessAttempt.objects.get(username=member.email).pk
    client.post(reverse("lockout_release", args=["testvik", pk]))
    assert member.email in client.get(reverse("audit_trail", args=["testvik"])).content.decode()


def test_another_organisations_admin_neither_sees_nor_releases_it(
    client, login, outsider, member, password
):
    fail(client, member.email, LIMIT)
    client = login(outsider)
    assert client.get(reverse("lockout_list", args=["testvik"])).status_code == 404
    assert member.email not in client.get(reverse("lockout_list", args=["nabo"])).content.decode()
    pk = AccessAttempt.objects.get(username=member.email).pk
    assert client.post(reverse("lockout_release", args=["nabo", pk])).status_code == 404
    assert client.post(reverse("lockout_release", args=["testvik", pk])).status_code == 404
    assert not LockoutRelease.objects.exists()
    client.logout()
    assert attempt(client, member.email, password).status_code == 429


def test_a_new_password_through_the_emailed_link_lifts_the_lock(client, member):
    fail(client, member.email, LIMIT)
    client.post(reverse("password_reset"), {"email": member.email}, REMOTE_ADDR=HOME)
    from django.core import mail

    send_outbox()
    link = mail.outbox[0].body.split("testserver", 1)[1].split()[0]
    form_url = client.get(link, REMOTE_ADDR=HOME).url
    new = "et-nytt-langt-passord"
    client.post(form_url, {"new_password1": new, "new_password2": new}, REMOTE_ADDR=HOME)
    assert attempt(client, member.email, new).status_code == 302


@pytest.mark.parametrize(("length", "accepted"), [(11, False), (12, True)])
def test_a_password_needs_twelve_characters(login, member, password, length, accepted):
    new = "fjordhavbris"[:length]
    response = login(member).post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert (response.status_code == 302) is accepted
    member.refresh_from_db()
    assert member.check_password(new) is accepted


def test_the_password_forms_say_the_rule_in_plain_words(login, member):
    member.language = "en"
    member.save()
    page = login(member).get(reverse("password_change")).content.decode()
    assert "At least 12 characters." in page
