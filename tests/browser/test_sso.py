"""Single sign-on in Chromium against a real OpenID provider (oidc-provider on Node): the
email first, the provider's login, the organisation with the right role, and signing out
here and at the provider."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from organizations.models import Membership, Role
from tests.factories import OrganizationFactory
from tests.sso.providers import make_provider, member_of

pytestmark = pytest.mark.browser


@pytest.fixture
def sso_setup(transactional_db, node_provider):
    organization = OrganizationFactory(name="SSO kommune", slug="sso-kommune")
    provider = make_provider(
        organization,
        node_provider,
        name="Kommunens Entra ID",
        group_claim="groups",
        group_roles="tiltak-koordinatorer = coordinator",
    )
    return organization, provider


def sign_in(page, email, account):
    page.goto("/accounts/login/")
    page.locator("input[name='username']").fill(email)
    page.locator("main form button[type='submit']").click()
    # The provider's own (development) login form.
    page.locator("input[name='login']").fill(account)
    page.locator("input[name='password']").fill("any password")
    page.locator("button[type='submit']").click()


def test_a_member_signs_in_through_the_provider_and_out_again(page, base_url, sso_setup):
    organization, provider = sso_setup
    kari = member_of(organization, "kari@sso-kommune.test", Role.MEMBER).user

    sign_in(page, kari.email, "kari")
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(organization.name)
    # A member: no administration menu.
    expect(page.locator("#admin-menu")).to_have_count(0)

    page.locator("#account-menu").click()
    page.get_by_role("button", name="Logg ut", exact=True).click()
    # Signed out here; offered to sign out at the provider too.
    sign_out_there = page.get_by_role("link", name=re.compile(provider.name))
    expect(sign_out_there).to_have_attribute("href", re.compile(r"/session/end\?"))
    sign_out_there.click()
    # oidc-provider asks to confirm, then sends the person back to the login page.
    page.locator("button[autofocus], form button").first.click()
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}/accounts/login/")))
    page.goto(f"/o/{organization.slug}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


def test_a_person_in_the_coordinators_group_lands_as_coordinator(page, base_url, sso_setup):
    organization, _provider = sso_setup
    sign_in(page, "kim@sso-kommune.test", "kim")
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")
    membership = Membership.objects.get(user__email="kim@sso-kommune.test")
    assert membership.role == Role.COORDINATOR
    # Coordinators have the administration menu (the audit trail).
    expect(page.locator("#admin-menu")).to_be_visible()


def test_an_unknown_person_is_refused_with_a_message(page, sso_setup):
    sign_in(page, "nina@sso-kommune.test", "nina")
    expect(page.get_by_role("alert")).to_contain_text("invitere deg")
    expect(page.locator("#account-menu")).to_have_count(0)


def test_it_works_under_a_content_security_policy_with_form_action_self(
    page, context, base_url, sso_setup
):
    """A form may only be sent to this site; the way to the provider must not start with a
    form post that is redirected there (Chromium checks form-action on redirects)."""
    organization, _provider = sso_setup
    member_of(organization, "kari@sso-kommune.test", Role.MEMBER)

    def with_csp(route):
        response = route.fetch(max_redirects=0)
        headers = {**response.headers, "content-security-policy": "form-action 'self'"}
        route.fulfill(response=response, headers=headers)

    context.route(re.compile(re.escape(base_url) + r"/accounts/.*"), with_csp)
    sign_in(page, "kari@sso-kommune.test", "kari")
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")


def test_the_sign_in_pages_have_no_serious_accessibility_violations(
    page, log_in, axe_violations, admin_user, organization, password, node_provider
):
    from tests.browser.conftest import describe_violations

    # Not in use, so the administrator still logs in with a password.
    make_provider(
        organization, node_provider, allowed_domains="skole.testvik.test", is_active=False
    )
    log_in(admin_user, password)
    for path in (f"/o/{organization.slug}/sign-in/", f"/o/{organization.slug}/sign-in/new/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        violations = axe_violations()
        assert not violations, f"axe found problems on {path}:\n" + describe_violations(violations)
    # The refusal page, as a person sees it when a sign-in has expired.
    page.goto("/accounts/sso/callback/?code=x&state=y")
    expect(page.get_by_role("alert")).to_be_visible()
    violations = axe_violations()
    assert not violations, describe_violations(violations)
