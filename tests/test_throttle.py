"""The shared throttle (organizations/throttle.py) on password resets and token links: the
Nth request passes, the next gets 429 with Retry-After, and the window ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from organizations.throttle import Throttle, client_ip
from outbox.dispatch import dispatch as send_outbox
from tests.conftest import require_or_skip

LIMIT = 3
AT = datetime(2026, 12, 7, 10, 20, tzinfo=UTC)  # 40 minutes before the hour's window ends


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.THROTTLE_PERIOD_MINUTES = 60
    settings.PASSWORD_RESET_LIMIT = LIMIT
    settings.PASSWORD_RESET_EMAIL_LIMIT = LIMIT
    settings.TOKEN_FAILURE_LIMIT = LIMIT


def reset(client, email, address="10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_reset_requests_from_one_address_are_limited(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(AT, tick=False):
        for n in range(LIMIT):
            assert reset(client, f"person{n}@kommune.test").status_code == 302
        refused = reset(client, "another@kommune.test")
        other_address = reset(client, "another@kommune.test", address="10.0.0.2")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(40 * 60)
    assert "Too many attempts" in refused.content.decode()
    assert other_address.status_code == 302


def test_no_more_reset_mails_to_one_email_and_the_page_looks_the_same(client, member):
    responses = [
        reset(client, member.email.upper(), address=f"10.0.0.{n}") for n in range(LIMIT + 1)
    ]
    send_outbox()
    assert len(mail.outbox) == LIMIT
    assert {r.status_code for r in responses} == {302}
    assert {r.url for r in responses} == {reverse("password_reset_done")}
    # An address without an account gets the same answer.
    assert reset(client, "nobody@kommune.test", address="10.0.0.9").url == responses[-1].url


def test_the_window_ends_and_requests_pass_again(client, db):
    with time_machine.travel(AT, tick=False):
        for _ in range(LIMIT + 1):
            reset(client, "x@kommune.test")
    with time_machine.travel(AT + timedelta(minutes=40), tick=False):
        assert reset(client, "x@kommune.test").status_code == 302


@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [
        ("invitation_accept", {"token": "guess"}),
        ("calendar_feed", {"token": "guess"}),
        ("shared_report", {"token": "guess"}),
        ("shared_report_pdf", {"token": "guess"}),
    ],
)
def test_wrong_tokens_from_one_address_are_limited(client, db, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs)
    for _ in range(LIMIT):
        assert client.get(url).status_code == 404
    refused = client.get(url)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert client.get(url, REMOTE_ADDR="10.9.9.9").status_code == 404


def test_a_blocked_address_is_refused_even_with_a_good_token(client, organization):
    from tests.factories import InvitationFactory

    _invitation, token = InvitationFactory.create_with_token(organization=organization)
    good = reverse("invitation_accept", args=[token])
    for _ in range(LIMIT + 2):
        assert client.get(good).status_code == 200  # working links never count
    for _ in range(LIMIT):
        client.get(reverse("invitation_accept", args=["guess"]))
    assert client.get(good).status_code == 429


def test_the_forwarded_address_is_read_only_behind_a_proxy(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5"
    )
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.5"  # the one our proxy added


def test_the_counter_works_on_redis(settings):
    require_or_skip(bool(settings.REDIS_URL), "REDIS_URL is not set")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"throttle-test-{datetime.now().timestamp()}",
        }
    }
    throttle = Throttle("redis-test", "PASSWORD_RESET_LIMIT")
    assert [throttle.attempt("10.0.0.1") for _ in range(LIMIT)] == [None] * LIMIT
    assert throttle.attempt("10.0.0.1") is not None
    assert throttle.blocked("10.0.0.1") is not None
    assert throttle.blocked("10.0.0.2") is None
