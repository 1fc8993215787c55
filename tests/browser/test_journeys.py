"""Journeys through the real pages in Chromium: logging in and out, switching language,
keyboard use, and automated accessibility checks (axe-core, WCAG 2.1 A and AA).

Every assertion uses Playwright's auto-waiting ``expect``; nothing sleeps.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import describe_violations
from tests.second_factor import fresh_recovery_code

pytestmark = pytest.mark.browser

LOGIN_PATH = "/accounts/login/"


def _navigation(page):
    """The organisation's links in the top bar (not the organisation or account menus)."""
    return page.locator("#main-nav ul.navbar-nav").first


def test_it_logs_in_switches_to_nynorsk_and_logs_out(
    page, log_in, base_url, coordinator, organization, password
):
    # The home view sends a member to their (only) organisation; it writes bokmål.
    log_in(coordinator, password)
    home_url = f"{base_url}/o/{organization.slug}/"
    expect(page).to_have_url(home_url)
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_role("heading", level=1)).to_have_text(organization.name)
    navigation = _navigation(page)
    expect(navigation.get_by_role("link", name="Oversikt", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(navigation.get_by_role("link", name="Enheter", exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="Einingar", exact=True)).to_have_count(0)

    # The switcher posts the choice and comes back to the same page, now in nynorsk.
    page.locator("#language-select").select_option("nn")
    page.locator("#language-form").get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page).to_have_url(home_url)
    expect(navigation.get_by_role("link", name="Einingar", exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="Enheter", exact=True)).to_have_count(0)
    expect(navigation.get_by_role("link", name="Oversikt", exact=True)).to_be_visible()
    expect(page.locator("#language-select")).to_have_value("nn")

    # Another page, loaded afresh, stays in nynorsk although the organisation writes bokmål.
    navigation.get_by_role("link", name="Einingar", exact=True).click()
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/units/")
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(navigation.get_by_role("link", name="Einingar", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    page.goto("/accounts/profile/")
    expect(page.locator("html")).to_have_attribute("lang", "nn")

    # Logging out is a POST from the account menu (a Bootstrap dropdown).
    page.locator("#account-menu").click()
    expect(page.locator("#account-menu")).to_have_attribute("aria-expanded", "true")
    log_out = page.get_by_role("button", name="Logg ut", exact=True)
    expect(log_out).to_be_visible()
    log_out.click()
    expect(page).to_have_url(f"{base_url}{LOGIN_PATH}")
    expect(page.locator("main form input[name='username']")).to_be_visible()
    expect(page.locator("#account-menu")).to_have_count(0)

    # Really logged out: the organisation's pages send the visitor back to the login form.
    page.goto(home_url)
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}{LOGIN_PATH}") + r"\?next="))


def test_the_login_page_has_no_serious_accessibility_violations(page, axe_violations, db):
    page.goto(LOGIN_PATH)
    expect(page.locator("main form input[name='username']")).to_be_visible()
    violations = axe_violations()
    assert not violations, "axe found problems on the login page:\n" + describe_violations(
        violations
    )


def test_the_organisation_home_page_has_no_serious_accessibility_violations(
    page, log_in, axe_violations, base_url, coordinator, organization, password
):
    log_in(coordinator, password)
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(organization.name)
    violations = axe_violations()
    assert not violations, "axe found problems on the organisation home:\n" + describe_violations(
        violations
    )


@pytest.mark.parametrize(
    ("language", "skip_text"),
    [
        ("nb", "Hopp til hovedinnholdet"),  # the organisation's written standard
        ("nn", "Hopp til hovudinnhaldet"),  # the person's own choice
    ],
)
def test_the_keyboard_alone_logs_in_and_skips_to_the_main_content(
    page, base_url, coordinator, organization, password, language, skip_text
):
    coordinator.language = "" if language == "nb" else language
    coordinator.save(update_fields=["language"])
    code = fresh_recovery_code(coordinator)

    # The login form in keyboard order: email, Enter; the password step has the focus in
    # the password field; Enter submits.
    page.goto(LOGIN_PATH)
    email = page.locator("input[name='username']")
    email.focus()
    page.keyboard.type(coordinator.email)
    page.keyboard.press("Enter")
    expect(page.locator("input[name='password']")).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    # A coordinator's second factor: the code field, typed, Enter submits.
    page.locator("input[name='code']").focus()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", language)

    # On a freshly loaded page the first Tab reaches the skip link, before the navigation.
    skip_link = page.get_by_role("link", name=skip_text, exact=True)
    expect(skip_link).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    # Hidden off-screen until focused, then shown where a sighted keyboard user sees it.
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/#main")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside the main content, past the whole navigation.
    page.keyboard.press("Tab")
    expect(page.locator("main#main").get_by_role("link").first).to_be_focused()


def test_on_the_login_page_the_first_tab_reaches_the_skip_link(page, base_url, db):
    # No autofocus on the login form: keyboard users meet the skip link first, as everywhere.
    page.goto(LOGIN_PATH)
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    skip_link = page.get_by_role("link", name="Hopp til hovedinnholdet", exact=True)
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused(timeout=1_000)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base_url}{LOGIN_PATH}#main")
    expect(page.locator("main#main")).to_be_focused()


def test_a_coordinator_finds_the_audit_trail_filters_it_and_it_is_accessible(
    page, log_in, axe_violations, base_url, coordinator, organization, password
):
    from simple_history.utils import update_change_reason

    from tests.factories import EventFactory, MeasureFactory, ProgramFactory

    measure = MeasureFactory(program=ProgramFactory(organization=organization), name="Trygge")
    measure.name = "Trygge friminutt"
    measure.description = "Faste voksne ute i alle friminutt. " * 10  # folded: a long value
    measure._history_user = coordinator
    measure.save()
    update_change_reason(measure, "Navnet ble rettet etter vedtaket")
    EventFactory(organization=organization, title="Budsjettmøte")

    log_in(coordinator, password)
    page.locator("#admin-menu").click()
    page.get_by_role("link", name="Endringslogg", exact=True).click()
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Endringslogg")

    page.get_by_label("Type post").select_option("measures.measure")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page).to_have_url(re.compile(r"kind=measures\.measure"))
    table = page.get_by_role("table")
    expect(table.get_by_text("Navnet ble rettet etter vedtaket")).to_be_visible()
    expect(table.get_by_role("link", name="Trygge friminutt").first).to_be_visible()
    expect(table.get_by_text("Budsjettmøte")).to_have_count(0)
    violations = axe_violations()
    assert not violations, "axe found problems on the audit trail:\n" + describe_violations(
        violations
    )
