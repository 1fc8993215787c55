"""An administrator's first sign-in after two-factor authentication became required: set-up
with the QR code and the key as text, the recovery codes, then the organisation."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import describe_violations

pytestmark = pytest.mark.browser


def test_an_admin_sets_up_an_authenticator_at_first_sign_in(
    page, axe_violations, base_url, admin_user, organization, password
):
    page.goto("/accounts/login/")
    page.locator("input[name='username']").fill(admin_user.email)
    page.locator("main form button[type='submit']").click()
    page.locator("input[name='password']").fill(password)
    page.locator("main form button[type='submit']").click()

    expect(page).to_have_url(f"{base_url}/accounts/two-factor/setup/?next=%2F")
    expect(page.locator("svg.twofactor-qr")).to_be_visible()
    violations = axe_violations()
    assert not violations, "axe found problems on the set-up page:\n" + describe_violations(
        violations
    )
    # The key typed by hand is the device's key: what the app would compute from it.
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    shown_key = page.locator("code.twofactor-secret").inner_text().replace(" ", "")
    assert b32decode(shown_key) == device.bin_key

    page.locator("input[name='code']").fill(f"{totp(device.bin_key):06d}")
    page.locator("main form button[type='submit']").first.click()
    expect(page.locator(".twofactor-codes li")).to_have_count(10)
    violations = axe_violations()
    assert not violations, "axe found problems on the codes page:\n" + describe_violations(
        violations
    )
    page.locator("main form button[type='submit']").click()
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")
