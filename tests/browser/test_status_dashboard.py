"""The status dashboard in a browser: a politician lands on it, reads it and filters it; a
coordinator writes a summary. axe-core finds no serious or critical problem on the way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import describe_violations
from tests.factories import (
    ContinuationDecisionFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    MeasureSummaryFactory,
    ProgramFactory,
    ServiceComponentFactory,
)

pytestmark = pytest.mark.browser


def _assert_accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert not violations, f"axe found problems on {where}:\n" + describe_violations(violations)


@pytest.fixture
def measures(organization):
    program = ProgramFactory(organization=organization, name="Trygg oppvekst")
    playground = MeasureFactory(
        program=program,
        name="Trygge friminutt",
        phase=3,
        status="yellow",
        status_explanation="Vikarer mangler i perioden.",
    )
    ServiceComponentFactory(measure=playground)
    indicator = IndicatorFactory(goal__measure=playground, name="Elever som trives")
    MeasurementFactory(indicator=indicator, value=Decimal("55"), date="2026-01-15")
    MeasurementFactory(indicator=indicator, value=Decimal("62.5"), date="2026-02-15")
    MeasureSummaryFactory(measure=playground, text="Flere elever trives enn i fjor.")
    homework = MeasureFactory(program=program, name="Leksehjelp på biblioteket", phase=4)
    ContinuationDecisionFactory(measure=homework)
    MeasureFactory(program=program, name="Foreldremøter", phase=1)
    return playground


@pytest.mark.parametrize("language", ["en", "nb"])
def test_a_politician_reads_and_filters_the_status(
    language, page, log_in, axe_violations, base_url, organization, viewer, password, measures
):
    viewer.language = language
    viewer.save(update_fields=["language"])
    log_in(viewer, password)
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/status/")
    # The compact table first; the cards one click away.
    expect(page.locator(f"#overview-{measures.pk}")).to_contain_text("Trygge friminutt")
    _assert_accessible(axe_violations, f"the dashboard's table ({language})")
    page.locator(f"#overview-{measures.pk} th a").click()
    expect(page.locator(f"#measure-{measures.pk}")).to_contain_text("Trygge friminutt")
    _assert_accessible(axe_violations, f"the dashboard's cards ({language})")

    page.locator("select[name='phase']").select_option("3")
    page.locator("main form[role='search'] button[type='submit']").click()
    expect(page.locator(".measure-card")).to_have_count(1)
    _assert_accessible(axe_violations, f"the filtered dashboard ({language})")


def test_the_table_stacks_its_rows_at_320_px(
    page, log_in, base_url, organization, viewer, password, measures
):
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(viewer, password)
    row = page.locator(f"#overview-{measures.pk}")
    expect(row).to_contain_text("Trygge friminutt")
    # No sideways scrolling: the rows stack, each cell labelled by its column.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert row.locator("td").first.evaluate("cell => getComputedStyle(cell).display") == "block"


def test_a_coordinator_writes_a_summary(
    page, log_in, axe_violations, base_url, organization, coordinator, password, measures
):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    log_in(coordinator, password)
    page.goto(f"/o/{organization.slug}/status/?sort=status&view=cards")
    page.locator(f"#measure-{measures.pk}").get_by_role("link", name="Edit summary").click()
    _assert_accessible(axe_violations, "the summary form")
    page.get_by_label("Summary in plain language").fill("Godt i gang etter jul.")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(
        f"{base_url}/o/{organization.slug}/status/?sort=status&view=cards#measure-{measures.pk}"
    )
    expect(page.locator(f"#measure-{measures.pk}")).to_contain_text("Godt i gang etter jul.")
