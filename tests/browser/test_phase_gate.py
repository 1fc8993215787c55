"""Leaving the roundabout: the team lead logs a lap and marks a component piloted in it; the
coordinator tries to move the measure to phase IV, is stopped by the exit rule (which names the
component not piloted yet), completes the last component and passes the gate.

The lap and component pages are phase III's own (``iteration_create``, ``component_update``);
the gate is this area's. Both people read the English screens (their own choice), so the test
does not depend on the bokmål catalogue; dates stay Norwegian in every language.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from measures.models import Phase
from phases.models import FactorAssessment, PhaseTransition, PilotIteration
from phases.services import factors_for
from tests.browser.conftest import describe_violations
from tests.factories import (
    MeasureFactory,
    PilotIterationFactory,
    ProgramFactory,
    ServiceComponentFactory,
)

pytestmark = pytest.mark.browser


def _assert_accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert not violations, f"axe found problems on {where}:\n" + describe_violations(violations)


def _norwegian(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def test_the_exit_rule_stops_the_coordinator_until_the_last_component_is_piloted(
    page, log_in, axe_violations, base_url, organization, coordinator, team_lead, password
):
    for person in (coordinator, team_lead):
        person.language = "en"
        person.save(update_fields=["language"])
    measure = MeasureFactory(
        program=ProgramFactory(organization=organization),
        name="Trygge friminutt",
        team_lead=team_lead,
        phase=Phase.IMPLEMENT,
    )
    # Every success factor of phase III is met: only the exit rule can stop the move.
    for factor in factors_for(organization, Phase.IMPLEMENT):
        FactorAssessment.objects.create(
            measure=measure,
            factor=factor,
            version=factor.current_version,
            state="met",
            evidence="Referat fra teammøtet",
        )
    described = dt.date(2026, 3, 1)
    # A work process and a responsibility were piloted in an earlier lap ...
    today = timezone.localdate()
    first_lap = PilotIterationFactory(
        measure=measure,
        number=1,
        period_start=today - dt.timedelta(days=200),
        period_end=today - dt.timedelta(days=100),
    )
    for kind, name in (
        ("work_process", "Felles arbeidsmåte"),
        ("responsibility", "Enhetsleder følger opp"),
    ):
        ServiceComponentFactory(
            measure=measure, kind=kind, name=name, described_on=described, piloted_in=first_lap
        )
    # ... the routine and the role are described, but neither has been piloted yet.
    routine, role = (
        ServiceComponentFactory(
            measure=measure,
            kind=kind,
            name=name,
            description="Beskrevet i kvalitetssystemet.",
            described_on=described,
            described_by=team_lead,
        )
        for kind, name in (
            ("routine", "Ukentlig refleksjonsmøte"),
            ("role", "Ressursperson i hver gruppe"),
        )
    )
    slug = organization.slug
    gate_path = reverse("phase_gate", args=[slug, measure.pk])

    # The team lead logs the first lap ...
    log_in(team_lead, password)
    expect(page).to_have_url(f"{base_url}/o/{slug}/")
    page.goto(reverse("iteration_create", args=[slug, measure.pk]))
    form = page.locator("main form:has(textarea[name='developed'])")
    form.locator("input[name='period_start']").fill(_norwegian(today - dt.timedelta(days=60)))
    form.locator("input[name='period_end']").fill(_norwegian(today - dt.timedelta(days=5)))
    form.locator("textarea[name='developed']").fill("Faste refleksjonsmøter hver uke.")
    form.locator("button[type='submit']").click()
    expect(page.locator("main")).to_contain_text("The lap is saved.")
    lap = PilotIteration.objects.get(measure=measure, number=2)

    # ... and marks the routine piloted in it.
    page.goto(reverse("component_update", args=[slug, measure.pk, routine.pk]))
    form = page.locator("main form:has(select[name='piloted_in'])")
    form.locator("select[name='piloted_in']").select_option(str(lap.pk))
    form.locator("button[type='submit']").click()
    expect(page.locator("main")).to_contain_text("The component is saved.")
    routine.refresh_from_db()
    assert routine.piloted_in == lap

    # The coordinator tries to move the measure on: the exit rule stops it.
    page.context.clear_cookies()
    log_in(coordinator, password)
    expect(page).to_have_url(f"{base_url}/o/{slug}/")
    page.goto(gate_path)
    status = page.locator("#gate-status")
    expect(status).to_contain_text("The gate is closed")
    expect(status).to_contain_text("Role “Ressursperson i hver gruppe” has not been piloted yet.")
    expect(status).not_to_contain_text("Ukentlig refleksjonsmøte")
    expect(page.locator("#readiness")).to_contain_text("3 of 4 components")
    _assert_accessible(axe_violations, "the closed gate")
    forward = page.locator("#forward-form")
    forward.get_by_role("button", name="Move to IV Continue").click()
    expect(page).to_have_url(f"{base_url}{gate_path}")
    expect(page.locator("#forward-errors")).to_contain_text("The measure did not move")
    expect(page.locator("#forward-errors")).to_contain_text(
        "Role “Ressursperson i hver gruppe” has not been piloted yet."
    )
    measure.refresh_from_db()
    assert measure.phase == Phase.IMPLEMENT
    assert not PhaseTransition.objects.exists()

    # The coordinator completes the last component ...
    page.goto(reverse("component_update", args=[slug, measure.pk, role.pk]))
    form = page.locator("main form:has(select[name='piloted_in'])")
    form.locator("select[name='piloted_in']").select_option(str(lap.pk))
    form.locator("button[type='submit']").click()
    expect(page.locator("main")).to_contain_text("The component is saved.")

    # ... and the gate opens.
    page.goto(gate_path)
    expect(page.locator("#gate-status")).to_contain_text("The gate is open")
    expect(page.locator("#readiness")).to_contain_text("4 of 4 components")
    _assert_accessible(axe_violations, "the open gate")
    page.locator("#forward-form").get_by_role("button", name="Move to IV Continue").click()
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}{measure.get_absolute_url()}")))
    expect(page.locator("main .messages")).to_contain_text(
        "Trygge friminutt moved from III Implement to IV Continue."
    )

    measure.refresh_from_db()
    assert measure.phase == Phase.CONTINUE
    transition = PhaseTransition.objects.get()
    assert (transition.from_phase, transition.to_phase) == (3, 4)
    assert transition.decided_by == coordinator and not transition.overridden
    assert (
        transition.readiness_snapshot["ready"] == transition.readiness_snapshot["components"] == 4
    )
    assert transition.readiness_snapshot["exit_rule_met"]
