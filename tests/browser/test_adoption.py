"""Taking a partner's measure into use: the coordinator opens the measure the county shares,
reads what will be copied, chooses a programme and lands on the new measure in phase I.
axe-core checks the confirmation page and the new measure's page. The coordinator reads the
English screens, so the test does not depend on the bokmål catalogue."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from measures.models import Measure
from organizations.models import Organization
from tests.browser.conftest import describe_violations
from tests.factories import (
    GoalFactory,
    IndicatorFactory,
    LogicElementFactory,
    MeasureFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.browser


def _assert_accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert not violations, f"axe found problems on {where}:\n" + describe_violations(violations)


def test_a_coordinator_takes_a_shared_measure_into_use(
    page, log_in, axe_violations, base_url, organization, coordinator, password
):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    county = OrganizationFactory(
        kind=Organization.Kind.COUNTY, number="46", name="Vestland fylke", slug="vestland"
    )
    shared = ProgramFactory(organization=county, name="Regionalt løft")
    shared.partnerships.add(PartnershipFactory(grantor=county, partner=organization))
    source = MeasureFactory(program=shared, name="Trygg overgang", phase=3)
    LogicElementFactory(measure=source, text="Overgangsmøte")
    IndicatorFactory(goal=GoalFactory(measure=source, title="Trygge skolestartere"))
    ProgramFactory(organization=organization, name="Vårt oppvekstprogram")
    slug = organization.slug

    log_in(coordinator, password)
    expect(page).to_have_url(f"{base_url}/o/{slug}/")
    page.goto(reverse("shared_measure_detail", args=[slug, source.pk]))
    page.get_by_role("link", name="Take into use").click()
    expect(page.locator("h1")).to_contain_text("Trygg overgang")
    expect(page.locator("main")).to_contain_text("What is not copied")
    _assert_accessible(axe_violations, "the confirmation page")

    page.get_by_label("Your programme for the new measure").select_option(
        label="Vårt oppvekstprogram"
    )
    page.locator("main form button[type='submit']").click()

    copy = Measure.objects.get(adopted_from=source)
    expect(page).to_have_url(f"{base_url}{copy.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("Taken into use from Trygg overgang")
    assert copy.phase == 1 and copy.organization == organization
    _assert_accessible(axe_violations, "the new measure's page")
