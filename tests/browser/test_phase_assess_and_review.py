"""A team lead assesses phase I's factors on one page (one factor wrong first: nothing saved,
the error at the factor and in the summary), then asks the coordinators to review the gate.
English screens, so the test does not depend on the bokmål catalogue."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from measures.models import Phase
from phases.models import FactorAssessment, GateReviewRequest
from phases.services import factors_for
from tests.browser.conftest import describe_violations
from tests.factories import MeasureFactory, ProgramFactory

pytestmark = pytest.mark.browser


def _assert_accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert not violations, f"axe found problems on {where}:\n" + describe_violations(violations)


def test_a_team_lead_assesses_the_phase_on_one_page_and_asks_for_a_review(
    page, log_in, axe_violations, organization, coordinator, team_lead, password
):
    team_lead.language = "en"
    team_lead.save(update_fields=["language"])
    measure = MeasureFactory(
        program=ProgramFactory(organization=organization),
        name="Trygge friminutt",
        team_lead=team_lead,
    )
    first, second = factors_for(organization, Phase.PREPARE)[:2]
    log_in(team_lead, password)
    page.goto(reverse("phase_gate", args=[organization.slug, measure.pk]))
    page.get_by_role("link", name="Assess all success factors of I Prepare on one page").click()
    _assert_accessible(axe_violations, "the phase's assessment page")

    # Met without evidence on the second factor: nothing is saved.
    page.locator(f"#id_factor-{first.pk}-state_1").check()
    page.locator(f"#id_factor-{first.pk}-evidence").fill("Ledergruppen drøfter saken.")
    page.locator(f"#id_factor-{second.pk}-state_2").check()
    page.get_by_role("button", name="Save the assessments").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Say what shows that the factor is met")
    expect(page.locator(f"#assess-factor-{second.pk}")).to_contain_text(
        "Say what shows that the factor is met"
    )
    assert not FactorAssessment.objects.exists()
    _assert_accessible(axe_violations, "the assessment page with an error")
    summary.get_by_role("link").first.click()
    expect(page.locator(f"#id_factor-{second.pk}-evidence")).to_be_focused()

    page.locator(f"#id_factor-{second.pk}-evidence").fill("Vedtak i kommunestyret.")
    page.get_by_role("button", name="Save the assessments").click()
    expect(page.locator(".alert-success")).to_contain_text("2 success factors are saved")
    assert FactorAssessment.objects.count() == 2

    # Back on the gate page: ask the coordinators to review it.
    page.get_by_text("Request a review of the gate").first.click()
    page.get_by_label("Message to the coordinators (optional)").fill("Se på faktorene.")
    page.get_by_role("button", name="Request a review of the gate").click()
    expect(page.locator("#gate-review")).to_contain_text("asked the coordinators to review")
    _assert_accessible(axe_violations, "the gate page with a pending review")
    assert GateReviewRequest.objects.get().message == "Se på faktorene."
