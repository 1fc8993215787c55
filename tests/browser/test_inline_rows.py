"""Adding rows inline in the browser: a logic element and an arrow, a plan activity, a role and
a budget line, and a maintenance routine, each saved by htmx without leaving the page; focus
goes to the new row; the page is never reloaded (a marker set on the window survives)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from measures.models import LogicElement, LogicLink, Phase
from phases.models import BudgetLine, MaintenanceRoutine, PlannedActivity, RoleResponsibility
from tests.browser.conftest import describe_violations
from tests.factories import MeasureFactory, ProgramFactory

pytestmark = pytest.mark.browser


def _mark(page) -> None:
    page.evaluate("window.inlineMarker = 'still the same page'")


def _assert_same_page(page) -> None:
    assert page.evaluate("window.inlineMarker") == "still the same page"


def _add_button(page, column: int):
    return page.locator(f"form:has(#id_logic_new_{column}_text) button[type=submit]")


def _assert_accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert not violations, f"axe found problems on {where}:\n" + describe_violations(violations)


def test_a_team_lead_adds_every_kind_of_row_inline_without_leaving_the_page(
    page, log_in, axe_violations, organization, team_lead, password
):
    team_lead.language = "en"
    team_lead.save(update_fields=["language"])
    measure = MeasureFactory(
        program=ProgramFactory(organization=organization),
        name="Trygge friminutt",
        team_lead=team_lead,
        phase=Phase.CONTINUE,
    )
    log_in(team_lead, password)
    # htmx must work under the Content-Security-Policy: no inline style, script or eval.
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )
    slug = organization.slug

    # The logic model: two elements and an arrow.
    page.goto(reverse("logic_model", args=[slug, measure.pk]))
    _mark(page)
    before = len(navigations)
    page.locator("#id_logic_new_2_text").fill("Adults on duty at every break")
    _add_button(page, 2).click()
    expect(page.locator(".logic-element-text", has_text="Adults on duty")).to_be_visible()
    element = LogicElement.objects.get(measure=measure)
    expect(page.locator(f"#element-{element.pk}")).to_be_focused()
    page.locator("#id_logic_new_3_text").fill("Fewer conflicts at breaks")
    _add_button(page, 3).click()
    expect(page.locator(".logic-element-text", has_text="Fewer conflicts")).to_be_visible()
    page.locator("#id_arrow_source").select_option(
        label="Activities: Adults on duty at every break"
    )
    page.locator("#id_arrow_target").select_option(label="Outputs: Fewer conflicts at breaks")
    page.locator(".logic-arrow-form button[type=submit]").click()
    expect(page.locator(".logic-arrow-list li")).to_have_count(1)
    link = LogicLink.objects.get(measure=measure)
    expect(page.locator(f"#arrow-{link.pk}")).to_be_focused()
    # A refused element: the error is shown at the field, which gets focus; nothing is saved.
    _add_button(page, 4).click()
    expect(page.locator("#id_logic_new_4_text")).to_be_focused()
    expect(page.locator("#id_logic_new_4_text")).to_have_class(re.compile("is-invalid"))
    assert LogicElement.objects.filter(measure=measure).count() == 2
    _assert_accessible(axe_violations, "the logic model with a refused element")
    # Edit turns the element into its form; Cancel brings the element back unchanged.
    page.locator(f"#element-{element.pk}").get_by_role("link", name="Edit").click()
    expect(page.locator(f"#id_logic_edit_{element.pk}_text")).to_be_focused()
    page.locator(f"#element-{element.pk}").get_by_role("link", name="Cancel").click()
    expect(page.locator(f"#element-{element.pk} .logic-element-text")).to_have_text(
        "Adults on duty at every break"
    )
    _assert_same_page(page)
    assert len(navigations) == before

    # The implementation plan: an activity, a role and a budget line.
    page.goto(reverse("implementation_plan", args=[slug, measure.pk]))
    _mark(page)
    before = len(navigations)
    page.locator("summary", has_text="New activity").click()
    page.locator("#id_new_activity_what").fill("Kick-off for the staff")
    page.locator("#id_new_activity_month").select_option("9")
    page.get_by_role("button", name="Add activity").click()
    expect(page.locator("#activities tbody tr")).to_have_count(1)
    activity = PlannedActivity.objects.get(plan__measure=measure)
    expect(page.locator(f"#activity-{activity.pk}")).to_be_focused()
    page.locator("summary", has_text="New role").click()
    page.locator("#id_new_role_role").fill("Implementation team lead")
    page.locator("#id_new_role_responsibility").fill("Leads the team and the plan")
    page.get_by_role("button", name="Add role").click()
    expect(page.locator("#roles tbody tr")).to_have_count(1)
    role = RoleResponsibility.objects.get(plan__measure=measure)
    expect(page.locator(f"#role-{role.pk}")).to_be_focused()
    # Edit in place, and save.
    page.locator(f"#role-{role.pk}").get_by_role("link", name="Edit").click()
    page.locator(f"#id_edit_role_{role.pk}_role").fill("Team lead")
    page.locator(f"#role-{role.pk}").get_by_role("button", name="Save").click()
    expect(page.locator(f"#role-{role.pk} th")).to_have_text("Team lead")
    expect(page.locator(f"#role-{role.pk}")).to_be_focused()
    page.locator("summary", has_text="New budget line").click()
    page.locator("#id_new_budget_description").fill("Course for the staff")
    page.locator("#id_new_budget_amount").fill("12 500")
    page.get_by_role("button", name="Add budget line").click()
    expect(page.locator("#budget tbody tr:not(.budget-year-total)")).to_have_count(1)
    line = BudgetLine.objects.get(plan__measure=measure)
    expect(page.locator(f"#budget-line-{line.pk}")).to_be_focused()
    expect(page.locator("#inline-status")).to_contain_text("The budget line is saved.")
    page.locator("summary", has_text="New role").click()
    _assert_accessible(axe_violations, "the plan with an add form open")
    _assert_same_page(page)
    assert len(navigations) == before

    # The maintenance plan: a routine.
    page.goto(reverse("continuation", args=[slug, measure.pk]))
    _mark(page)
    before = len(navigations)
    page.locator("summary", has_text="New routine").click()
    page.locator("#id_new_routine_kind_0").check()
    page.locator("#id_new_routine_description").fill("Course for new staff each August")
    page.locator("#id_new_routine_owner").select_option(str(team_lead.pk))
    page.locator("#id_new_routine_recurrence_3").check()
    page.locator("#id_new_routine_first_date").fill(timezone.localdate().strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Add routine").click()
    expect(page.locator("#maintenance tbody tr")).to_have_count(1)
    routine = MaintenanceRoutine.objects.get(measure=measure)
    expect(page.locator(f"#routine-{routine.pk}")).to_be_focused()
    page.locator("summary", has_text="New routine").click()
    _assert_accessible(axe_violations, "the maintenance plan with its add form open")
    _assert_same_page(page)
    assert len(navigations) == before
    assert not refused, refused


def test_without_javascript_the_same_forms_post_and_come_back_to_the_list(
    browser, base_url, organization, team_lead, password
):
    team_lead.language = "en"
    team_lead.save(update_fields=["language"])
    measure = MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.locator("input[name='username']").fill(team_lead.email)
        page.locator("main form button[type='submit']").click()
        page.locator("input[name='password']").fill(password)
        page.locator("main form button[type='submit']").click()

        page.goto(reverse("logic_model", args=[organization.slug, measure.pk]))
        page.locator("#id_logic_new_1_text").fill("Two hours a week")
        _add_button(page, 1).click()
        element = LogicElement.objects.get(measure=measure)
        expect(page).to_have_url(re.compile(rf"/logic/#element-{element.pk}$"))
        expect(page.locator("main .messages")).to_contain_text("The element is added")

        page.goto(reverse("implementation_plan", args=[organization.slug, measure.pk]))
        page.locator("summary", has_text="New role").click()
        page.locator("#id_new_role_role").fill("Team lead")
        page.locator("#id_new_role_responsibility").fill("Leads the team")
        page.get_by_role("button", name="Add role").click()
        expect(page).to_have_url(re.compile(r"/plan/#roles$"))
        expect(page.locator("#roles tr[id^=role-]")).to_have_count(1)
    finally:
        context.close()
