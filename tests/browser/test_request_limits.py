"""A form too large to send is stopped in the browser, with the reason beside it and the text
kept; without the browser's check the server's page for it is shown, inside the product
(issue 13, finding 7).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from measures.models import Measure
from tests.browser.conftest import describe_violations
from tests.factories import MeasureFactory, ProgramFactory

pytestmark = pytest.mark.browser

THREE_MEGABYTES = 3 * 1024 * 1024


def _assert_accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert not violations, f"axe found problems on {where}:\n" + describe_violations(violations)


@pytest.fixture
def measure(organization, coordinator):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    return MeasureFactory(
        program=ProgramFactory(organization=organization), name="Trygge friminutt"
    )


def enter(page, log_in, base_url, organization, coordinator, password, path: str) -> None:
    log_in(coordinator, password)
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")
    page.goto(path)


def type_a_long_text(page, length: int) -> None:
    # As if pasted: filling character by character would take minutes.
    page.locator("#measure-form textarea[name='description']").evaluate(
        "(area, length) => { area.value = 'Lang tekst. '.repeat(Math.ceil(length / 12))"
        ".slice(0, length); }",
        length,
    )


def test_a_form_too_large_is_stopped_with_the_text_kept(
    page, log_in, axe_violations, base_url, organization, coordinator, password, measure
):
    edit_path = f"/o/{organization.slug}/measures/{measure.pk}/edit/"
    enter(page, log_in, base_url, organization, coordinator, password, edit_path)
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )

    type_a_long_text(page, THREE_MEGABYTES)
    page.locator("#measure-form button[type='submit']").click()

    alert = page.locator(".form-limit-alert")
    expect(alert).to_be_visible()
    expect(alert).to_be_focused()
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("comes to 3 MB, and at most 2,5 MB can be sent at once")
    expect(page).to_have_url(f"{base_url}{edit_path}")
    assert posts == []
    kept = page.locator("#measure-form textarea[name='description']").evaluate(
        "area => area.value.length"
    )
    assert kept == THREE_MEGABYTES
    # The message sits right before the form it is about.
    assert page.locator("#measure-form").evaluate(
        "form => form.previousElementSibling.classList.contains('form-limit-alert')"
    )
    _assert_accessible(axe_violations, "the measure form with the size message")

    # Shortened, it is sent and saved, and the message is gone.
    type_a_long_text(page, 500)
    page.locator("#measure-form button[type='submit']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trygge friminutt")
    assert len(Measure.objects.get(pk=measure.pk).description) == 500


def test_without_the_browsers_check_the_server_page_names_the_limit(
    page, log_in, axe_violations, base_url, organization, coordinator, password, measure
):
    edit_path = f"/o/{organization.slug}/measures/{measure.pk}/edit/"
    enter(page, log_in, base_url, organization, coordinator, password, edit_path)
    # As a browser that runs no script (or an older page) would send it.
    page.evaluate("document.body.removeAttribute('data-max-form-bytes')")
    type_a_long_text(page, THREE_MEGABYTES)
    with page.expect_response(re.compile(r"/edit/$")) as response:
        page.locator("#measure-form button[type='submit']").click()
    assert response.value.status == 413
    expect(page.get_by_role("heading", level=1)).to_have_text("Too much to send at once")
    expect(page.locator("main")).to_contain_text("more text than the 2,5 MB")
    expect(page.locator("main")).to_contain_text("Back button")
    # Inside the product: the menu of the organisation is there.
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Measures")
    _assert_accessible(axe_violations, "the page for a request too large")
    assert Measure.objects.get(pk=measure.pk).description == ""


def test_a_file_too_large_is_stopped_before_it_is_sent(
    page, log_in, base_url, organization, coordinator, password, measure
):
    new_path = f"/o/{organization.slug}/measures/{measure.pk}/knowledge/new/"
    enter(page, log_in, base_url, organization, coordinator, password, new_path)
    form = page.locator("main form[method='post']")
    form.locator("input[type='file']").set_input_files(
        files=[
            {
                "name": "kartlegging.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-" + b"0" * (11 * 1024 * 1024),
            }
        ]
    )
    form.locator("button[type='submit']").click()
    alert = page.locator(".form-limit-alert")
    expect(alert).to_be_focused()
    expect(alert).to_contain_text(
        "The file “kartlegging.pdf” is 11 MB, and files can be at most 10 MB."
    )
