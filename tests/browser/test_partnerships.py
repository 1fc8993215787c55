"""Partnerships in Chromium: the county's coordinator invites a municipality to a programme by
its number and chooses to share the indicators' values; the municipality's administrator
accepts, and the municipality sees the shared measure with its figures. axe-core checks every
new page on the way. The people read the English screens (their own choice), so the test
does not depend on the bokmål catalogue.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from organizations.models import Organization, Partnership, Role
from tests.browser.conftest import describe_violations
from tests.factories import (
    GoalFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    MembershipFactory,
    OrganizationFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


def _assert_accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert not violations, f"axe found problems on {where}:\n" + describe_violations(violations)


def test_a_county_invites_a_municipality_which_accepts_and_sees_the_figures(
    page, log_in, axe_violations, organization, admin_user, password
):
    county = OrganizationFactory(
        kind=Organization.Kind.COUNTY, number="46", name="Vestland fylke", slug="fylket"
    )
    coordinator = MembershipFactory(
        organization=county,
        role=Role.COORDINATOR,
        user=UserFactory(full_name="Frode Fylke", language="en"),
    ).user
    admin_user.language = "en"
    admin_user.save(update_fields=["language"])
    program = ProgramFactory(organization=county, name="Regional satsing")
    measure = MeasureFactory(program=program, name="Overgang til videregående")
    indicator = IndicatorFactory(
        goal=GoalFactory(measure=measure), name="Elever med overføringssamtale"
    )
    MeasurementFactory(indicator=indicator, value=Decimal("63.5"), date=dt.date(2026, 3, 1))

    # The county's coordinator invites Testvik by its number.
    log_in(coordinator, password)
    page.goto(reverse("partnership_list", args=[county.slug]))
    expect(page.get_by_role("heading", name="Partnerships", level=1)).to_be_visible()
    _assert_accessible(axe_violations, "the county's empty partnerships page")
    page.get_by_role("link", name="Invite a partner").click()
    _assert_accessible(axe_violations, "the invitation form")
    page.get_by_label("Programme").select_option(label="Regional satsing")
    page.get_by_role("textbox", name="Organisation").fill(organization.number)
    page.get_by_label("Can read", exact=True).check()
    page.get_by_label("Message to the partner").fill("Bli med i den regionale satsingen.")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Testvik kommune is invited")).to_be_visible()
    _assert_accessible(axe_violations, "the partnerships page with a sent invitation")

    # The county shares the indicators with their values as well.
    page.get_by_role("link", name="Choose what is shared").click()
    _assert_accessible(axe_violations, "the sharing form")
    page.get_by_label("indicators with their values and attainment").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("What Testvik kommune can see is saved.")).to_be_visible()
    page.context.clear_cookies()

    # Testvik's administrator accepts.
    log_in(admin_user, password)
    page.goto(reverse("partnership_list", args=[organization.slug]))
    expect(page.get_by_text("Bli med i den regionale satsingen.")).to_be_visible()
    _assert_accessible(axe_violations, "the partnerships page with an invitation to answer")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The invitation is accepted.")).to_be_visible()
    assert Partnership.objects.get().status == Partnership.Status.ACCEPTED

    # Testvik sees the shared measure with its figures.
    page.goto(reverse("shared_measure_detail", args=[organization.slug, measure.pk]))
    expect(page.get_by_role("heading", name="Overgang til videregående", level=1)).to_be_visible()
    card = page.locator(".measure-card")
    expect(card.get_by_text("Elever med overføringssamtale")).to_be_visible()
    expect(card.locator(".attainment-text")).to_be_visible()
    expect(card).to_contain_text("63,5")  # numbers stay Norwegian, as dates do
    _assert_accessible(axe_violations, "the shared measure")
