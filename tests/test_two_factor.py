"""Two-factor authentication: who is asked, set-up, codes, recovery codes, throttling, reset.

These tests sign in through the real login page (not the ``login`` fixture, which gets past
the second factor for everyone else's tests).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.models import Role
from tests.audit.helpers import audit_csv
from tests.factories import DEFAULT_PASSWORD, MembershipFactory
from tests.second_factor import authenticator_for, fresh_recovery_code
from twofactor.models import SecondFactorReset
from twofactor.policy import SIGN_IN_METHOD_SESSION_KEY, SSO

NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return response


def code_of(device) -> str:
    """The code the person's app shows (at the current, usually frozen, time)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def home_url(organization) -> str:
    return reverse("organization_home", args=[organization.slug])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def english(client):
    """Messages read in English (before any organisation's written standard applies)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --- who is asked -----------------------------------------------------------------------------


def test_an_admin_without_a_device_is_sent_to_set_up_before_any_page(
    client, admin_user, organization
):
    sign_in(client, admin_user)
    for url in (home_url(organization), reverse("member_list", args=[organization.slug])):
        response = client.get(url)
        assert response.status_code == 302
        assert (
            response["Location"] == f"{reverse('two_factor_setup')}?next={url.replace('/', '%2F')}"
        )
    # A form sent to an organisation page is refused the same way, and changes nothing.
    response = client.post(reverse("unit_create", args=[organization.slug]), {"name": "Skole"})
    assert response["Location"] == reverse("two_factor_setup")
    assert not organization.units.exists()
    assert client.session[SIGN_IN_METHOD_SESSION_KEY] == "password"


def test_the_code_page_logout_and_language_are_open_while_the_code_is_owed(
    client, coordinator, organization
):
    authenticator_for(coordinator)
    sign_in(client, coordinator)
    assert client.get(reverse("two_factor_verify")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "nn", "next": "/x/"})
    assert response["Location"] == "/x/"
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get(home_url(organization))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.MEMBER, Role.VIEWER])
def test_other_roles_are_not_asked(client, organization, role):
    user = MembershipFactory(organization=organization, role=role).user
    sign_in(client, user)
    assert client.get(reverse("profile")).status_code == 200


def test_a_deactivated_admin_membership_does_not_require_it(client, organization):
    membership = MembershipFactory(organization=organization, role=Role.ADMIN, is_active=False)
    MembershipFactory(user=membership.user, role=Role.MEMBER)
    sign_in(client, membership.user)
    assert client.get(reverse("profile")).status_code == 200


def test_a_coordinator_in_any_organisation_is_asked(client, member, other_organization):
    MembershipFactory(user=member, organization=other_organization, role=Role.COORDINATOR)
    sign_in(client, member)
    assert client.get(reverse("profile"))["Location"].startswith(reverse("two_factor_setup"))


def test_a_single_sign_on_session_is_not_asked(client, admin_user, organization):
    client.force_login(admin_user)
    session = client.session
    session[SIGN_IN_METHOD_SESSION_KEY] = SSO
    session.save()
    assert client.get(home_url(organization)).status_code == 200


@pytest.mark.parametrize("method", [None, "password", "saml"])
def test_a_session_without_a_record_of_single_sign_on_is_asked(
    client, admin_user, organization, method
):
    client.force_login(admin_user)
    session = client.session
    session.pop(SIGN_IN_METHOD_SESSION_KEY, None)
    if method:
        session[SIGN_IN_METHOD_SESSION_KEY] = method
    session.save()
    assert client.get(home_url(organization))["Location"].startswith(reverse("two_factor_setup"))


# --- set-up -------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_set_up_refuses_a_wrong_code_and_accepts_the_right_one(
    client, english, admin_user, organization
):
    sign_in(client, admin_user)
    url = f"{reverse('two_factor_setup')}?next={home_url(organization)}"
    page = client.get(url)
    assert page.status_code == 200
    # Drawn here, with no style attribute or script (a strict CSP allows neither).
    assert page.context["qr_svg"].startswith("<svg")
    assert "style=" not in page.context["qr_svg"] and "<script" not in page.context["qr_svg"]
    assert page.context["qr_svg"] in page.content.decode()
    device = TOTPDevice.objects.get(user=admin_user)
    assert not device.confirmed
    assert " ".join(page.context["secret_groups"]) in page.content.decode()

    right = code_of(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    refused = client.post(url, {"code": wrong, "next": home_url(organization)})
    assert refused.status_code == 200
    assert "The code is not right" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(home_url(organization)).status_code == 302

    with time_machine.travel(NOW + dt.timedelta(seconds=2), tick=False):
        accepted = client.post(url, {"code": right, "next": home_url(organization)})
    assert accepted["Location"] == (
        f"{reverse('two_factor_recovery_codes')}?next={home_url(organization).replace('/', '%2F')}"
    )
    device.refresh_from_db()
    assert device.confirmed
    # Reloading the page gives the same key: the device is not replaced on every visit.
    assert TOTPDevice.objects.filter(user=admin_user).count() == 1

    codes_page = client.get(accepted["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    download = client.get(reverse("two_factor_recovery_codes_download"))
    assert download["Content-Disposition"].startswith("attachment")
    assert all(code in download.content.decode() for code in codes)
    done = client.post(reverse("two_factor_recovery_codes"), {"next": home_url(organization)})
    assert done["Location"] == home_url(organization)
    # Shown once: gone from the session afterwards.
    assert client.get(reverse("two_factor_recovery_codes"))["Location"] == reverse("profile")
    assert client.get(home_url(organization)).status_code == 200


def test_set_up_cannot_add_a_second_authenticator_with_the_password_alone(client, coordinator):
    authenticator_for(coordinator)
    sign_in(client, coordinator)
    response = client.get(reverse("two_factor_setup"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


# --- the code after the password --------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_coordinator_with_a_device_gives_a_code(client, english, coordinator, organization):
    device = authenticator_for(coordinator)
    sign_in(client, coordinator)
    response = client.get(home_url(organization))
    verify_url = response["Location"]
    assert verify_url.startswith(reverse("two_factor_verify"))

    right = code_of(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    refused = client.post(verify_url, {"code": wrong, "next": home_url(organization)})
    assert refused.status_code == 200
    assert "The code is not right" in refused.content.decode()
    assert client.get(home_url(organization)).status_code == 302

    with time_machine.travel(NOW + dt.timedelta(seconds=2), tick=False):
        accepted = client.post(verify_url, {"code": right, "next": home_url(organization)})
    assert accepted["Location"] == home_url(organization)
    assert client.get(home_url(organization)).status_code == 200


def test_a_recovery_code_of_digits_only_is_still_a_recovery_code(client, coordinator):
    authenticator_for(coordinator)
    device = StaticDevice.objects.create(user=coordinator, name="recovery")
    device.token_set.create(token="23456723")
    sign_in(client, coordinator)
    response = client.post(reverse("two_factor_verify"), {"code": "2345 6723"})
    assert response["Location"] == reverse("home")


def test_the_code_is_asked_again_at_the_next_sign_in(client, coordinator, organization):
    device = authenticator_for(coordinator)
    sign_in(client, coordinator)
    client.post(reverse("two_factor_verify"), {"code": code_of(device)})
    assert client.get(home_url(organization)).status_code == 200
    client.post(reverse("logout"))
    sign_in(client, coordinator)
    assert client.get(home_url(organization)).status_code == 302


def test_next_never_leads_off_the_site(client, coordinator):
    device = authenticator_for(coordinator)
    sign_in(client, coordinator)
    response = client.post(
        reverse("two_factor_verify"), {"code": code_of(device), "next": "https://evil.test/"}
    )
    assert response["Location"] == reverse("home")


def test_a_recovery_code_works_once(client, english, coordinator, organization):
    code = fresh_recovery_code(coordinator)
    sign_in(client, coordinator)
    response = client.post(reverse("two_factor_verify"), {"code": code.upper()})
    assert response["Location"] == reverse("home")
    assert "You used a recovery code. You have 0 left." in messages_of(response)
    client.post(reverse("logout"))

    sign_in(client, coordinator)
    refused = client.post(reverse("two_factor_verify"), {"code": code})
    assert refused.status_code == 200
    assert "The code is not right" in refused.content.decode()
    assert client.get(home_url(organization)).status_code == 302


# --- throttling --------------------------------------------------------------------------------


def test_wrong_codes_in_a_row_lock_the_code_for_a_while(client, english, coordinator):
    device = authenticator_for(coordinator)
    sign_in(client, coordinator)
    url = reverse("two_factor_verify")
    with time_machine.travel(NOW, tick=False) as clock:
        right = code_of(device)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        for _attempt in range(4):
            client.post(url, {"code": wrong})
            clock.shift(dt.timedelta(seconds=5))
        # 4 wrong codes in a row: the next try must wait 2^3 = 8 seconds after the last one.
        clock.move_to(NOW + dt.timedelta(seconds=15 + 7))
        locked = client.post(url, {"code": right})
        text = locked.content.decode()
        assert "Too many wrong codes in a row. Try again after 10:00:23." in text
        assert client.get(reverse("profile")).status_code == 302

        clock.move_to(NOW + dt.timedelta(seconds=15 + 8))
        assert client.post(url, {"code": right})["Location"] == reverse("home")


@pytest.mark.parametrize(("earlier_failures", "wait"), [(2, None), (3, "10:00:08")])
def test_a_wrong_code_that_starts_a_wait_of_8_seconds_or_more_says_until_when(
    client, english, coordinator, earlier_failures, wait
):
    device = authenticator_for(coordinator)
    device.throttling_failure_count = earlier_failures
    device.throttling_failure_timestamp = NOW - dt.timedelta(hours=1)
    device.save()
    sign_in(client, coordinator)
    with time_machine.travel(NOW, tick=False):
        wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"
        text = client.post(reverse("two_factor_verify"), {"code": wrong}).content.decode()
    # The third wrong code in a row locks for 4 seconds, the fourth for 8 (Oslo time shown).
    assert "The code is not right." in text
    assert ("Wait until" in text) == (wait is not None)
    if wait:
        assert f"Wait until {wait} before you try again." in text


# --- optional use, the profile ------------------------------------------------------------------


def test_a_member_can_turn_it_on_and_is_then_asked(client, member, organization):
    sign_in(client, member)
    profile = client.get(reverse("profile"))
    assert reverse("two_factor_setup") in profile.content.decode()
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=member)
    client.post(reverse("two_factor_setup"), {"code": code_of(device)})
    assert TOTPDevice.objects.get(user=member).confirmed
    assert client.get(home_url(organization)).status_code == 200  # this session is verified
    client.post(reverse("logout"))

    sign_in(client, member)
    assert client.get(home_url(organization))["Location"].startswith(reverse("two_factor_verify"))


def test_a_member_can_turn_it_off_with_a_code(client, member, organization):
    device = authenticator_for(member)
    fresh_recovery_code(member)
    sign_in(client, member)
    client.post(reverse("two_factor_verify"), {"code": code_of(device)})
    refused = client.post(reverse("two_factor_turn_off"), {"code": "abc"})
    assert refused["Location"] == reverse("profile")
    assert TOTPDevice.objects.filter(user=member).exists()

    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30), tick=False):
        client.post(reverse("two_factor_turn_off"), {"code": code_of(device)})
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not StaticDevice.objects.filter(user=member).exists()
    client.post(reverse("logout"))
    sign_in(client, member)
    assert client.get(home_url(organization)).status_code == 200


def test_an_admin_cannot_turn_it_off(client, english, admin_user, login):
    login(admin_user)
    device = TOTPDevice.objects.get(user=admin_user)
    profile = client.get(reverse("profile")).content.decode()
    assert reverse("two_factor_turn_off") not in profile
    response = client.post(reverse("two_factor_turn_off"), {"code": code_of(device)})
    assert "cannot be turned off" in messages_of(response)[0]
    assert TOTPDevice.objects.filter(user=admin_user).exists()


@time_machine.travel(NOW, tick=False)
def test_new_recovery_codes_need_a_current_code_and_replace_the_old(client, admin_user, login):
    login(admin_user)
    old = fresh_recovery_code(admin_user)
    device = TOTPDevice.objects.get(user=admin_user)
    right = code_of(device)
    url = reverse("two_factor_recovery_codes_renew")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert client.post(url, {"code": wrong})["Location"] == reverse("profile")
    assert StaticToken.objects.filter(token=old).exists()

    with time_machine.travel(NOW + dt.timedelta(seconds=2), tick=False):
        response = client.post(url, {"code": right})
    assert response["Location"].startswith(reverse("two_factor_recovery_codes"))
    new = client.get(response["Location"]).context["codes"]
    assert len(new) == 10
    assert not StaticToken.objects.filter(token=old).exists()
    tokens = StaticToken.objects.filter(device__user=admin_user).values_list("token", flat=True)
    assert set(tokens) == set(new)


# --- an administrator's reset --------------------------------------------------------------------


def test_an_admin_resets_a_members_second_factor(
    client, admin_user, coordinator, organization, login
):
    authenticator_for(coordinator)
    fresh_recovery_code(coordinator)
    membership = coordinator.memberships.get()
    type(admin_user).objects.filter(pk=admin_user.pk).update(language="en")  # the trail in English
    login(admin_user)
    page = client.get(reverse("membership_role", args=[organization.slug, membership.pk]))
    reset_url = reverse("two_factor_member_reset", args=[organization.slug, membership.pk])
    assert reset_url in page.content.decode()

    response = client.post(reset_url)
    assert response["Location"] == reverse(
        "membership_role", args=[organization.slug, membership.pk]
    )
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    reset = SecondFactorReset.objects.get()
    assert (reset.organization, reset.user) == (organization, coordinator)
    assert reset.history.get().history_user == admin_user
    trail = audit_csv(client, organization)
    assert "reset of a second factor" in trail.lower()

    client.post(reverse("logout"))
    sign_in(client, coordinator)
    assert client.get(home_url(organization))["Location"].startswith(reverse("two_factor_setup"))


def test_an_outsider_admin_cannot_reset(client, outsider, coordinator, organization, login):
    authenticator_for(coordinator)
    membership = coordinator.memberships.get()
    login(outsider)
    response = client.post(
        reverse("two_factor_member_reset", args=[organization.slug, membership.pk])
    )
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=coordinator).exists()
    assert not SecondFactorReset.objects.exists()


def test_a_member_of_another_organisation_cannot_be_reset_through_this_one(
    client, admin_user, outsider, organization, login
):
    authenticator_for(outsider)
    login(admin_user)
    response = client.post(
        reverse("two_factor_member_reset", args=[organization.slug, outsider.memberships.get().pk])
    )
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=outsider).exists()
