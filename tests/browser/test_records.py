"""The record a municipality stands behind: a coordinator corrects a recorded decision on
continuing. Without a reason nothing changes and what was typed stays; with one, the decision
becomes a new version, the measure's state follows it, and the earlier version, who made the
correction and why stay readable on the page, on the measure's timeline and in its history.

The coordinator reads the English screens (their own choice); dates stay Norwegian.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from measures.models import Lifecycle, Phase
from phases.continuation import continuation_record_decision
from phases.models import ContinuationDecision
from phases.services import measure_register_phase
from tests.browser.conftest import describe_violations
from tests.factories import EvaluationFactory, MeasureFactory, ProgramFactory

pytestmark = pytest.mark.browser


def _assert_accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert not violations, f"axe found problems on {where}:\n" + describe_violations(violations)


def test_a_coordinator_corrects_a_decision_and_every_version_stays_readable(
    page, log_in, axe_violations, base_url, organization, coordinator, password
):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    measure = MeasureFactory(
        program=ProgramFactory(organization=organization),
        name="Inkluderende fritid",
        phase=Phase.CONTINUE,
    )
    continuation_record_decision(
        measure=measure,
        user=coordinator,
        data={
            "outcome": "adjust",
            "decision_maker": "Kommunestyret",
            "decided_on": dt.date(2026, 9, 24),
            "case_reference": "2026/1234",
            "adjustments_to_measure": "Færre møter.",
            "adjustments_to_plan": "",
        },
    )
    slug = organization.slug
    log_in(coordinator, password)
    expect(page).to_have_url(f"{base_url}/o/{slug}/")

    page.goto(reverse("continuation", args=[slug, measure.pk]))
    page.get_by_role("link", name="Correct the decision").click()
    expect(page.locator("h1")).to_contain_text("Correct the decision")
    _assert_accessible(axe_violations, "the correction form")
    form = page.locator("main form#phase-form")
    form.get_by_label("Stop").check()
    form.locator("input[name='case_reference']").fill("2026/9999")
    form.locator("button[type='submit']").click()
    # No reason: refused at the field, nothing saved, what was typed kept.
    expect(page.locator("main")).to_contain_text(
        "Say why the record is corrected. The reason is kept with it."
    )
    expect(form.locator("input[name='case_reference']")).to_have_value("2026/9999")
    assert ContinuationDecision.objects.count() == 1
    form.locator("textarea[name='correction_reason']").fill(
        "Kommunestyret vedtok å avslutte tiltaket; feil sak ble registrert."
    )
    form.locator("button[type='submit']").click()
    expect(page.locator("main .messages")).to_contain_text(
        "The decision is corrected; the earlier version is kept."
    )

    measure.refresh_from_db()
    assert measure.lifecycle == Lifecycle.CLOSED
    decision = page.locator("#decision")
    expect(decision).to_contain_text("2026/9999")
    expect(decision).to_contain_text("Version 2, corrected")
    expect(decision).to_contain_text("Kommunestyret vedtok å avslutte tiltaket")
    expect(decision.locator("details.record-versions")).to_contain_text("2026/1234")
    _assert_accessible(axe_violations, "the phase IV page with two versions")

    # The measure's timeline tells it too.
    page.goto(measure.get_absolute_url())
    timeline = page.locator("#phase-timeline")
    expect(timeline).to_contain_text("Decision on continuing corrected: Stop")
    expect(timeline).to_contain_text("Decision on continuing recorded: Continue with adjustments")


def test_registration_and_corrections_of_justifications_and_evaluations_are_accessible(
    page, log_in, axe_violations, base_url, organization, coordinator, password
):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    program = ProgramFactory(organization=organization)
    new = MeasureFactory(program=program, name="Nytt tiltak")
    registered = MeasureFactory(program=program, name="Tverrfaglig stafettlogg")
    transition = measure_register_phase(
        measure=registered, to_phase=2, user=coordinator, reason="Vedtatt i 2025."
    )
    evaluation = EvaluationFactory(measure=registered, created_by=coordinator)
    slug = organization.slug
    log_in(coordinator, password)
    expect(page).to_have_url(f"{base_url}/o/{slug}/")
    for path, where in (
        (reverse("phase_register", args=[slug, new.pk]), "the registration form"),
        (
            reverse("transition_correct", args=[slug, registered.pk, transition.pk]),
            "the correction of a justification",
        ),
        (
            reverse("evaluation_correct", args=[slug, registered.pk, evaluation.pk]),
            "the correction of an evaluation",
        ),
        (registered.get_absolute_url(), "the measure page with a registration"),
    ):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        _assert_accessible(axe_violations, where)
