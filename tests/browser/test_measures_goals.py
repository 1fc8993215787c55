"""A coordinator sets up a measure with a goal and an indicator; its team lead enters a
measurement with a decimal comma, and the attainment chart shows it.

The two people read the English screens (their own choice), so the test does not depend on
the bokmål catalogue; numbers and dates stay Norwegian in every language.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from measures.models import Indicator, Measure, Measurement
from tests.browser.conftest import describe_violations
from tests.factories import ProgramFactory

pytestmark = pytest.mark.browser


def _assert_accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert not violations, f"axe found problems on {where}:\n" + describe_violations(violations)


def test_a_measure_gets_a_goal_an_indicator_and_a_measurement_that_the_chart_shows(
    page, log_in, axe_violations, base_url, organization, coordinator, team_lead, password
):
    for person in (coordinator, team_lead):
        person.language = "en"
        person.save(update_fields=["language"])
    program = ProgramFactory(organization=organization, name="Trygge barn")

    # The coordinator creates the measure and makes the team lead its lead.
    log_in(coordinator, password)
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")
    page.goto(f"/o/{organization.slug}/measures/new/")
    form = page.locator("#measure-form")
    form.locator("select[name='program']").select_option(str(program.pk))
    form.locator("input[name='name']").fill("Trygge friminutt")
    form.locator("select[name='team_lead']").select_option(str(team_lead.pk))
    form.locator("button[type='submit']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trygge friminutt")
    measure = Measure.objects.get(name="Trygge friminutt")

    # A goal, from the goals section of the measure page.
    page.locator("#goals a[href$='/goals/new/']").click()
    form = page.locator("#goals-form")
    form.locator("input[name='title']").fill("Alle elever trives i friminuttene")
    form.locator("button[type='submit']").click()
    goal_card = page.locator("#goals article").filter(has_text="Alle elever trives")
    expect(goal_card).to_be_visible()

    # An indicator under it, typed the Norwegian way.
    goal_card.locator("a[href*='/indicators/new/']").click()
    form = page.locator("#goals-form")
    form.locator("input[name='name']").fill("Elever som trives")
    form.locator("select[name='kind']").select_option("outcome")
    form.locator("input[name='unit']").fill("%")
    form.locator("input[name='direction'][value='higher']").check()
    form.locator("input[name='baseline_value']").fill("10")
    form.locator("input[name='baseline_date']").fill("01.01.2026")
    form.locator("input[name='target_value']").fill("20")
    form.locator("input[name='target_date']").fill("31.12.2027")
    form.locator("input[name='plausible_min']").fill("0")
    form.locator("input[name='plausible_max']").fill("100")
    form.locator("button[type='submit']").click()
    indicator = Indicator.objects.get(measure=measure)
    indicator_path = f"/o/{organization.slug}/measures/{measure.pk}/indicators/{indicator.pk}/"
    expect(page).to_have_url(f"{base_url}{indicator_path}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Elever som trives")
    expect(page.locator("#attainment-now")).to_have_text("No measurements yet.")

    # The team lead enters a measurement with a decimal comma.
    page.context.clear_cookies()
    log_in(team_lead, password)
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")
    page.goto(indicator_path)
    today = timezone.localdate()
    form = page.locator("#measurement-form")
    form.locator("input[name='value']").fill("12,5")
    form.locator("input[name='date']").fill(today.strftime("%d.%m.%Y"))
    form.locator("input[name='comment']").fill("Høstens trivselsundersøkelse")
    form.locator("button[type='submit']").click()
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}{indicator_path}") + "#measurements"))

    measurement = Measurement.objects.get(indicator=indicator)
    assert str(measurement.value.normalize()) == "12.5"
    assert measurement.entered_by == team_lead

    # The chart draws the point, its data table says the same in words and numbers.
    chart = page.get_by_role("img", name="Measurements of Elever som trives")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(1)
    expect(chart.locator("circle")).to_have_attribute("data-value", "12.5")
    expect(chart.locator("desc")).to_contain_text("12,5 %")
    row = page.locator("#measurement-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(today.strftime("%d.%m.%Y"))
    expect(row).to_contain_text("12,5")
    expect(row).to_contain_text("25\xa0%")
    expect(page.locator("#attainment-now")).to_have_text("25\xa0%")
    _assert_accessible(axe_violations, "the indicator page")

    # Back on the measure page the goal shows the latest value and the share of the way.
    page.get_by_role("link", name="Trygge friminutt").click()
    goal_card = page.locator("#goals article").filter(has_text="Alle elever trives")
    expect(goal_card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "25")
    expect(goal_card).to_contain_text("12,5 %")
    _assert_accessible(axe_violations, "the measure page")


def test_a_wrong_measurement_is_explained_next_to_the_field(
    page, log_in, base_url, organization, team_lead, password
):
    from tests.factories import IndicatorFactory, MeasureFactory

    team_lead.language = "en"
    team_lead.save(update_fields=["language"])
    measure = MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)
    indicator = IndicatorFactory(goal__measure=measure, plausible_min=0, plausible_max=100)
    log_in(team_lead, password)
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")
    page.goto(f"/o/{organization.slug}/measures/{measure.pk}/indicators/{indicator.pk}/")
    form = page.locator("#measurement-form")
    form.locator("input[name='value']").fill("120,5")
    form.locator("input[name='date']").fill(timezone.localdate().strftime("%d.%m.%Y"))
    form.locator("button[type='submit']").click()
    value = page.locator("input[name='value']")
    expect(value).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("main")).to_contain_text("Nothing was saved")
    expect(page.locator("main")).to_contain_text("between 0 and 100 %")
    assert not Measurement.objects.exists()
