"""One measure's whole life cycle in the browser, counting what it asks of the person.

A coordinator creates the measure and takes it through phase I (the success factors, the
preparation and the decision to go on, a goal with an indicator, a logic model of five
elements and four arrows), phase II (the factors, the plan's texts, four activities, two roles,
two budget lines, the evaluation rhythm), phase III (a lap of the roundabout, the four kinds of
components, an evaluation, the factors) and phase IV (the factors, the assessment and three
maintenance routines), through the three gates.

Every POST the browser sends is counted (htmx's included), and every full page load. Rows of
the logic model, the plan and the maintenance plan are added inline: one POST each and no page
load, where a page per row took the same POST and two page loads (the form's page, and the list
it redirected to). The count is printed and bounded; docs/measures.md ("Inline editing")
keeps the figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from measures.models import LogicColumn, LogicElement, Measure, Phase
from phases.services import factors_for
from tests.factories import ProgramFactory

pytestmark = pytest.mark.browser

# The journey as measured (see the printout and docs/measures.md): a change that
# makes the person send more, or load more pages, fails here and must be looked at.
MAX_POSTS = 60
MAX_PAGE_LOADS = 82


@dataclass
class Tally:
    posts: list[str] = field(default_factory=list)
    htmx_posts: list[str] = field(default_factory=list)
    page_loads: int = 0
    inline_rows: int = 0


def _norwegian(day) -> str:
    return day.strftime("%d.%m.%Y")


def assess_phase_factors(page, organization, measure, phase: int) -> int:
    """Assesses every success factor of ``phase`` as met, with evidence, on the phase's one
    assessment page: one POST for all of them. Returns the number of factors."""
    factors = factors_for(organization, phase)
    page.goto(reverse("phase_assess", args=[organization.slug, measure.pk, phase]))
    for factor in factors:
        page.locator(f"input[name='factor-{factor.pk}-state'][value='met']").check()
        page.locator(f"#id_factor-{factor.pk}-evidence").fill("Vedtatt i styringsgruppa.")
    page.get_by_role("button", name="Save the assessments").click()
    expect(page.locator("main .alert-success")).to_be_visible()
    return len(factors)


def _submit(page, form_selector: str) -> None:
    page.locator(form_selector).locator("button[type='submit']").first.click()


def _move_forward(page, slug, measure, to_label: str) -> None:
    page.goto(reverse("phase_gate", args=[slug, measure.pk]))
    page.locator("#forward-form").get_by_role("button", name=f"Move to {to_label}").click()
    expect(page.locator("main .messages")).to_contain_text(f"to {to_label}")


def test_one_measure_through_its_whole_life_cycle(
    page, log_in, organization, coordinator, team_lead, password
):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    program = ProgramFactory(organization=organization, name="Oppvekst")
    slug = organization.slug
    today = timezone.localdate()
    log_in(coordinator, password)
    expect(page).to_have_url(re.compile(f"/o/{slug}/$"))

    tally = Tally()
    page.on(
        "request",
        lambda request: (
            (
                tally.posts.append(request.url),
                tally.htmx_posts.append(request.url) if request.headers.get("hx-request") else None,
            )
            if request.method == "POST"
            else None
        ),
    )

    def loaded(frame) -> None:
        if frame == page.main_frame:
            tally.page_loads += 1

    page.on("framenavigated", loaded)

    # --- the measure -----------------------------------------------------------------------
    page.goto(reverse("measure_create", args=[slug]))
    form = page.locator("#measure-form")
    form.locator("select[name='program']").select_option(str(program.pk))
    form.locator("input[name='name']").fill("Trygge friminutt")
    form.locator("select[name='team_lead']").select_option(str(team_lead.pk))
    form.locator("button[type='submit']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trygge friminutt")
    measure = Measure.objects.get(name="Trygge friminutt")
    m = measure.pk

    # --- phase I ----------------------------------------------------------------------------
    factors = assess_phase_factors(page, organization, measure, Phase.PREPARE)
    page.goto(reverse("preparation", args=[slug, m]))
    page.locator("main form textarea").first.fill("Rektor, inspektør og to lærere.")
    _submit(page, "main form:has(textarea)")
    expect(page.locator("main .messages")).to_contain_text("The preparation is saved.")
    page.goto(reverse("preparation_decision", args=[slug, m]))
    page.locator("input[name='decision'][value='go_on']").check()
    _submit(page, "main form:has(input[name='decision'])")
    expect(page.locator("main .messages")).to_contain_text("The decision is saved.")

    page.goto(reverse("goal_create", args=[slug, m]))
    form = page.locator("main form:has(input[name='title'])")
    form.locator("input[name='title']").fill("Alle elever trives i friminuttene")
    form.locator("button[type='submit']").click()
    expect(page.locator("main .messages")).to_be_visible()
    goal = measure.goals.get()
    page.goto(reverse("indicator_create", args=[slug, m, goal.pk]))
    form = page.locator("main form:has(input[name='baseline_value'])")
    form.locator("input[name='name']").fill("Elever som trives")
    form.locator("select[name='kind']").select_option("outcome")
    form.locator("input[name='unit']").fill("%")
    form.locator("input[name='direction'][value='higher']").check()
    form.locator("input[name='baseline_value']").fill("70")
    form.locator("input[name='baseline_date']").fill(_norwegian(today))
    form.locator("input[name='target_value']").fill("90")
    form.locator("input[name='target_date']").fill(_norwegian(today.replace(year=today.year + 1)))
    form.locator("button[type='submit']").click()
    expect(page.locator("main .messages")).to_be_visible()

    # The logic model: five elements and four arrows, inline.
    page.goto(reverse("logic_model", args=[slug, m]))
    chain = [
        (LogicColumn.RESOURCES, "To lærere i hvert friminutt"),
        (LogicColumn.ACTIVITIES, "Organiserte aktiviteter"),
        (LogicColumn.OUTPUTS, "Aktiviteter hver dag"),
        (LogicColumn.OUTCOMES, "Færre konflikter"),
        (LogicColumn.IMPACTS, "Alle trives på skolen"),
    ]
    for column, text in chain:
        page.locator(f"#id_logic_new_{column}_text").fill(text)
        page.locator(f"form:has(#id_logic_new_{column}_text) button[type=submit]").click()
        expect(page.locator(".logic-element-text", has_text=text)).to_be_visible()
        tally.inline_rows += 1
    for (_column, source), (_next, target) in pairwise(chain):
        for select, text in (("#id_arrow_source", source), ("#id_arrow_target", target)):
            element = LogicElement.objects.get(measure=measure, text=text)
            page.locator(select).select_option(str(element.pk))
        before = page.locator(".logic-arrow-list li").count()
        page.locator(".logic-arrow-form button[type=submit]").click()
        expect(page.locator(".logic-arrow-list li")).to_have_count(before + 1)
        tally.inline_rows += 1

    _move_forward(page, slug, measure, "II Plan")

    # --- phase II ---------------------------------------------------------------------------
    factors += assess_phase_factors(page, organization, measure, Phase.PLAN)
    page.goto(reverse("plan_update", args=[slug, m]))
    page.locator("#plan-form textarea").first.fill("Organiserte friminutt på alle trinn.")
    _submit(page, "#plan-form")
    expect(page.locator("main .messages")).to_contain_text("The implementation plan is saved.")
    activities = ((8, "Oppstart"), (9, "Kurs"), (10, "Første runde"), (12, "Evaluering"))
    for count, (month, what) in enumerate(activities, start=1):
        page.locator("summary", has_text="New activity").click()
        page.locator("#id_new_activity_what").fill(what)
        page.locator("#id_new_activity_month").select_option(str(month))
        page.get_by_role("button", name="Add activity").click()
        expect(page.locator("#activities tr[id^=activity-]")).to_have_count(count)
        tally.inline_rows += 1
    for count, role in enumerate(("Teamleder", "Aktivitetsleder"), start=1):
        page.locator("summary", has_text="New role").click()
        page.locator("#id_new_role_role").fill(role)
        page.locator("#id_new_role_responsibility").fill("Leder arbeidet")
        page.get_by_role("button", name="Add role").click()
        expect(page.locator("#roles tr[id^=role-]")).to_have_count(count)
        tally.inline_rows += 1
    for count, description in enumerate(("Kurs", "Utstyr"), start=1):
        page.locator("summary", has_text="New budget line").click()
        page.locator("#id_new_budget_description").fill(description)
        page.locator("#id_new_budget_amount").fill("12 500")
        page.get_by_role("button", name="Add budget line").click()
        expect(page.locator("#budget tr[id^=budget-line-]")).to_have_count(count)
        tally.inline_rows += 1
    page.goto(reverse("evaluation_cycle", args=[slug, m]))
    form = page.locator("main form:has(input[name='rhythm'])")
    form.locator("input[name='rhythm'][value='quarterly']").check()
    form.locator("input[name='first_due']").fill(_norwegian(today))
    form.locator("button[type='submit']").click()
    expect(page.locator("main .messages")).to_be_visible()

    _move_forward(page, slug, measure, "III Implement")

    # --- phase III --------------------------------------------------------------------------
    page.goto(reverse("iteration_create", args=[slug, m]))
    form = page.locator("main form:has(textarea[name='developed'])")
    form.locator("input[name='period_start']").fill(_norwegian(today))
    form.locator("input[name='period_end']").fill(_norwegian(today))
    form.locator("textarea[name='developed']").fill("Faste aktiviteter hver dag.")
    form.locator("button[type='submit']").click()
    expect(page.locator("main .messages")).to_contain_text("The lap is saved.")
    for kind, name in (
        ("work_process", "Felles arbeidsmåte"),
        ("role", "Aktivitetsleder"),
        ("responsibility", "Rektor følger opp"),
        ("routine", "Ukentlig refleksjonsmøte"),
    ):
        page.goto(reverse("component_create", args=[slug, m]))
        form = page.locator("main form:has(input[name='kind'])")
        form.locator(f"input[name='kind'][value='{kind}']").check()
        form.locator("input[name='name']").fill(name)
        form.locator("textarea[name='description']").fill("Beskrevet i kvalitetssystemet.")
        form.locator("input[name='described_on']").fill(_norwegian(today))
        if form.locator("select[name='described_by']").count():
            form.locator("select[name='described_by']").select_option(str(coordinator.pk))
        piloted = form.locator("select[name='piloted_in']")
        piloted.select_option(index=1)
        form.locator("button[type='submit']").click()
        expect(page.locator("main .messages")).to_contain_text("The component is saved.")
    page.goto(reverse("evaluation_create", args=[slug, m]))
    form = page.locator("main form:has(textarea[name='tried'])")
    form.locator("input[name='period_start']").fill(_norwegian(today))
    form.locator("input[name='period_end']").fill(_norwegian(today))
    form.locator("textarea[name='tried']").fill("Organiserte aktiviteter i alle friminutt.")
    form.locator("input[name='decision'][value='continue']").check()
    form.locator("button[type='submit']").click()
    expect(page.locator("main .messages")).to_be_visible()
    factors += assess_phase_factors(page, organization, measure, Phase.IMPLEMENT)

    _move_forward(page, slug, measure, "IV Continue")

    # --- phase IV ---------------------------------------------------------------------------
    factors += assess_phase_factors(page, organization, measure, Phase.CONTINUE)
    page.goto(reverse("continuation_assessment", args=[slug, m]))
    page.locator("main form textarea").first.fill("Færre konflikter; tiltaket er verdt å beholde.")
    _submit(page, "main form:has(textarea)")
    expect(page.locator("main .messages")).to_contain_text("The assessment is saved.")
    page.goto(reverse("continuation", args=[slug, m]))
    routines = (
        ("training", "Kurs for nytilsatte hver august"),
        ("supervision", "Veiledning hver måned"),
        ("support", "Støtte fra PPT"),
    )
    for count, (kind, text) in enumerate(routines, start=1):
        page.locator("summary", has_text="New routine").click()
        page.locator(f"#maintenance input[name='kind'][value='{kind}']").check()
        page.locator("#id_new_routine_description").fill(text)
        page.locator("#id_new_routine_owner").select_option(str(coordinator.pk))
        page.locator("#maintenance input[name='recurrence'][value='yearly']").check()
        page.locator("#id_new_routine_first_date").fill(_norwegian(today))
        page.get_by_role("button", name="Add routine").click()
        expect(page.locator("#maintenance tr[id^=routine-]")).to_have_count(count)
        tally.inline_rows += 1

    measure.refresh_from_db()
    assert measure.phase == Phase.CONTINUE
    posts, htmx_posts = len(tally.posts), len(tally.htmx_posts)
    # With a page per row, each row took the same one POST and two page loads more.
    loads_before = tally.page_loads + 2 * tally.inline_rows
    print(
        f"\nlife cycle: {posts} POSTs ({htmx_posts} inline by htmx, {factors} factor "
        f"assessments), {tally.page_loads} page loads; a page per row: {posts} POSTs, "
        f"{loads_before} page loads ({tally.inline_rows} rows)"
    )
    assert htmx_posts == tally.inline_rows
    assert posts <= MAX_POSTS
    assert tally.page_loads <= MAX_PAGE_LOADS
