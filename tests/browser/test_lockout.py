"""A locked-out person and the administrator who releases the lock, in Chromium: the pages
say what happened and pass axe-core (WCAG 2.1 A and AA)."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import describe_violations

pytestmark = pytest.mark.browser


def test_the_locked_out_person_and_the_admin_see_accessible_pages(
    page, log_in, axe_violations, base_url, admin_user, member, organization, password
):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base_url}]
    )
    admin_user.language = "en"
    admin_user.save()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(member, "not the password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Login locked for now")
    violations = axe_violations()
    assert not violations, "axe found problems on the lockout page:\n" + describe_violations(
        violations
    )

    page.context.clear_cookies()
    log_in(admin_user, password)
    page.goto(f"{base_url}/o/{organization.slug}/lockouts/")
    expect(page.get_by_role("table")).to_contain_text(member.email)
    violations = axe_violations()
    assert not violations, "axe found problems on the lockout list:\n" + describe_violations(
        violations
    )
    page.get_by_role("button", name=member.email).click()
    expect(page.get_by_text("No member's login is locked now.")).to_be_visible()
