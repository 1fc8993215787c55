"""A coordinator composes and publishes a report; a politician logs in, lands on the status
dashboard, opens the report and downloads its PDF, whose text names the measures.

Both read the English screens (their own choice), so the test does not depend on the bokmål
catalogue; the report itself is in the organisation's written standard.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from reports import pdfjobs
from reports.models import PublishedReport
from tests.browser.conftest import describe_violations
from tests.factories import (
    GoalFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.browser


def _assert_accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert not violations, f"axe found problems on {where}:\n" + describe_violations(violations)


def test_a_published_report_reaches_the_politician_as_page_and_pdf(
    page, log_in, axe_violations, base_url, organization, coordinator, viewer, password
):
    for person in (coordinator, viewer):
        person.language = "en"
        person.save(update_fields=["language"])
    program = ProgramFactory(organization=organization, name="Trygg oppvekst")
    playground = MeasureFactory(program=program, name="Trygge friminutt", phase=3)
    indicator = IndicatorFactory(goal=GoalFactory(measure=playground), name="Elever som trives")
    MeasurementFactory(indicator=indicator, value=Decimal("62.5"))
    MeasureFactory(program=program, name="Leksehjelp på biblioteket", phase=2)
    slug = organization.slug

    # The coordinator composes the report, comments on a measure, previews and publishes.
    log_in(coordinator, password)
    page.goto(f"/o/{slug}/reports/new/")
    form = page.locator("#report-form")
    form.locator("input[name='title']").fill("Tertialrapport 1 2026")
    form.locator("select[name='kind']").select_option("four_months")
    form.locator("select[name='program']").select_option(str(program.pk))
    form.locator("input[name='period_start']").fill("01.01.2026")
    form.locator("input[name='period_end']").fill("30.04.2026")
    form.locator("textarea[name='introduction']").fill("Status for tiltakene i Trygg oppvekst.")
    form.locator("button[type='submit']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tertialrapport 1 2026")
    _assert_accessible(axe_violations, "the report's page")

    page.get_by_role("link", name="Comments on measures").click()
    page.get_by_label("Trygge friminutt").fill("Flere elever trives enn i fjor.")
    page.get_by_role("button", name="Save the comments").click()

    page.get_by_role("link", name="Preview").click()
    expect(page.get_by_text("Preview – not published")).to_be_visible()
    expect(page.locator("article.report-document")).to_contain_text(
        "Flere elever trives enn i fjor."
    )
    _assert_accessible(axe_violations, "the preview")
    page.locator("main form button[type='submit']", has_text="Publish").first.click()
    expect(page.locator(".messages")).to_contain_text("Version 1")
    published = PublishedReport.objects.get()
    _assert_accessible(axe_violations, "the published report")

    # The politician lands on the dashboard, finds the report and downloads the PDF.
    page.context.clear_cookies()
    log_in(viewer, password)
    expect(page).to_have_url(f"{base_url}/o/{slug}/status/")
    page.locator("main").get_by_role("link", name="Reports").first.click()
    _assert_accessible(axe_violations, "the list of reports")
    page.get_by_role("link", name="Tertialrapport 1 2026").click()
    expect(page.locator("#report-title")).to_have_text("Tertialrapport 1 2026")
    expect(page.get_by_role("link", name="Share links")).to_have_count(0)
    # The PDF is not made yet: the link opens the page that waits for it (a link with the
    # download attribute would have saved that page as a file), and it downloads the PDF as
    # soon as the worker (here the test, with the real renderer) has stored it.
    page.get_by_role("link", name="Download PDF").click()
    expect(page.locator("[role=status]")).to_be_visible()
    _assert_accessible(axe_violations, "the PDF being prepared")
    with page.expect_download(timeout=30_000) as download_info:
        assert pdfjobs.render_and_store(published.pk) == "stored"
    download = download_info.value
    assert download.suggested_filename == f"tertialrapport-1-2026-v{published.version}.pdf"
    with open(download.path(), "rb") as file:
        body = file.read()
    assert body.startswith(b"%PDF")
    text = "\n".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(body)).pages)
    assert "Trygge friminutt" in text
    assert "Leksehjelp på biblioteket" in text
