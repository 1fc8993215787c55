"""Where the focus goes after a form is refused, and what a screen reader hears after a save
(static/js/messages.js; docs/accessibility.md, "Messages")."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_focus_lands_on_the_error_summary_and_its_link_moves_it_to_the_field(
    page, log_in, base_url, organization, admin_user, password
):
    # In English, so the test does not wait for the bokmål catalogue to have the heading.
    admin_user.language = "en"
    admin_user.save(update_fields=["language"])
    log_in(admin_user, password)
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")
    page.goto(f"/o/{organization.slug}/units/new/")
    page.locator("main form button[type='submit']").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("The form has 2 errors")

    summary.locator("a[href='#id_name']").click()
    expect(page.locator("#id_name")).to_be_focused()
    # The field's label is scrolled into view with it, not hidden above the window.
    label_top = page.locator("label[for='id_name']").evaluate(
        "label => label.getBoundingClientRect().top"
    )
    assert label_top >= 0

    summary.locator("a[href='#id_kind']").click()
    expect(page.locator("#id_kind")).to_be_focused()


def test_a_message_after_a_save_is_put_into_the_live_region_after_load(
    page, log_in, base_url, organization, admin_user, password
):
    log_in(admin_user, password)
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")
    page.goto(f"/o/{organization.slug}/settings/")
    page.locator("main form button[type='submit']").click()

    region = page.locator("[data-announce='status']")
    # Empty at load (a screen reader announces a change, not what is there already) ...
    expect(page.locator("[data-message-level='status']")).to_be_visible()
    # ... and filled a moment later, which is announced.
    expect(region).to_have_text("Innstillingene er lagret.")


def test_the_wheel_announces_only_what_an_events_link_leaves_out(
    page, log_in, organization, member, password
):
    from datetime import date

    from tests.factories import EventFactory, WheelFactory

    wheel = WheelFactory(organization=organization, year=date.today().year, start_month=1)
    EventFactory(
        organization=organization,
        title="Budsjettseminar",
        place="Kommunestyresalen",
        start_date=date(wheel.year, 10, 15),
    )
    EventFactory(organization=organization, title="Frist", start_date=date(wheel.year, 3, 1))
    member.language = "en"
    member.save(update_fields=["language"])
    log_in(member, password)
    page.goto(wheel.get_absolute_url())

    extra = page.locator("[data-details-extra]")
    page.locator("a.wheel-item[aria-label*='Budsjettseminar']").first.focus()
    expect(extra).to_have_text("Place: Kommunestyresalen")
    # The visible panel still shows everything, title included.
    expect(page.locator("#wheel-details [data-field='title']")).to_have_text("Budsjettseminar")
    # An event with nothing more to say leaves the region empty, not the last event's words.
    page.locator("a.wheel-item[aria-label*='Frist']").first.focus()
    expect(extra).to_have_text("")
