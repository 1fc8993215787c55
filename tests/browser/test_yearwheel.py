"""The annual wheel in Chromium: a coordinator adds a recurring checkpoint by clicking in a ring,
finds it on the wheel and in the agenda, reaches it with the Tab key and opens it; axe-core
reports no serious or critical violation on the wheel, the agenda or the event page. A second
journey reads the wheel in nynorsk and zooms to a quarter.

The wheel is made for the planning year that contains today (nothing is frozen: the browser
and the live server keep the real clock), so the page draws the today needle like it does for
people. The coordinator of the first journey reads the English screens (their own choice), so
the test does not depend on the bokmål catalogue; dates stay Norwegian in every language, and
month names come from Django's own catalogues.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.formats import date_format
from playwright.sync_api import expect

from filejobs import services
from filejobs.models import FileJob
from tests.browser.conftest import describe_violations
from tests.factories import RingFactory, WheelFactory
from yearwheel.forms import planning_year_of
from yearwheel.models import Event, Kind, Recurrence
from yearwheel.wheel_text import date_span

pytestmark = pytest.mark.browser

TITLE = "Ukentlig tavlemøte"
# The same in bokmål and nynorsk (Django's catalogues write them in lower case).
NORWEGIAN_MONTHS = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]
# The point of a ring × month cell to click, relative to the cell's box: four fifths of the
# way out across the band (where a day is widest) and at the middle of the 15th of the month,
# computed the way static/js/wheel.js reads the day back from the angle of a click. Also how
# many screen pixels one day is wide there, so the test knows its aim is safe.
CLICK_POINT_JS = """cell => {
    const svg = cell.ownerSVGElement;
    const path = cell.querySelector("path");
    const centre = parseFloat(svg.dataset.centre);
    const days = parseInt(svg.dataset.days, 10);
    const offset = (iso) => (Date.parse(iso) - Date.parse(svg.dataset.start)) / 86400000;
    let inner = Infinity, outer = 0;
    const length = path.getTotalLength();
    for (let i = 0; i <= 400; i++) {
        const p = path.getPointAtLength((length * i) / 400);
        const r = Math.hypot(p.x - centre, p.y - centre);
        inner = Math.min(inner, r);
        outer = Math.max(outer, r);
    }
    const radius = inner + 0.8 * (outer - inner);
    const angle = ((offset(cell.dataset.month) + 14.5) / days) * 2 * Math.PI;
    const point = svg.createSVGPoint();
    point.x = centre + radius * Math.sin(angle);
    point.y = centre - radius * Math.cos(angle);
    const screen = point.matrixTransform(svg.getScreenCTM());
    const box = cell.getBoundingClientRect();
    const scale = svg.getScreenCTM().a;
    return {
        x: screen.x - box.left,
        y: screen.y - box.top,
        dayWidth: ((2 * Math.PI * radius) / days) * scale,
    };
}"""


def _assert_accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert not violations, f"axe found problems on {where}:\n" + describe_violations(violations)


def _norwegian(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _long(day: date) -> str:
    """The wheel's way of writing a day in English: "15 March 2026"."""
    with translation.override("en"):
        return f"{day.day} {MONTHS[day.month]} {day.year}"


def _current_wheel(organization):
    """The organisation's wheel of the planning year that contains today."""
    return WheelFactory(
        organization=organization,
        year=planning_year_of(organization, timezone.localdate()),
        start_month=organization.planning_year_start_month,
    )


def _month_to_click(wheel) -> date:
    """A month of the wheel away from today's needle, with weeks left after it in the year."""
    today = timezone.localdate()
    months = wheel.months()
    return next(m for m in months[1:9] if (m.year, m.month) != (today.year, today.month))


def test_a_coordinator_adds_a_weekly_checkpoint_by_clicking_on_the_wheel_and_opens_it_by_keyboard(
    page, log_in, axe_violations, base_url, organization, coordinator, password
):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    wheel = _current_wheel(organization)
    ring = RingFactory(
        organization=organization,
        name="Oppvekst",
        colour="#1f5f8b",
        default_kind=Kind.ACTIVITY,
    )
    slug = organization.slug
    wheel_path = f"/o/{slug}/wheel/{wheel.year}/"
    month = _month_to_click(wheel)
    first_day = month.replace(day=15)
    until = first_day + timedelta(weeks=3)
    days = [first_day + timedelta(weeks=n) for n in range(4)]

    log_in(coordinator, password)
    expect(page).to_have_url(f"{base_url}/o/{slug}/")
    page.goto(wheel_path)
    with translation.override("en"):  # the coordinator reads English; the test runs in nb
        heading = str(wheel)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _assert_accessible(axe_violations, "the wheel")

    # A click in the ring, in the middle of the 15th of the chosen month.
    cell = page.locator(
        f"svg.wheel-svg a.wheel-cell[data-ring='{ring.pk}'][data-month='{month.isoformat()}']"
    )
    expect(cell).to_have_count(1)
    cell.scroll_into_view_if_needed()
    aim = cell.evaluate(CLICK_POINT_JS)
    # Half a day either side of the aim: the rounding of the pointer's position to whole
    # pixels (at most 0.71 px off) cannot change the day.
    assert aim["dayWidth"] >= 1.5, f"a day is only {aim['dayWidth']:.1f} px wide in the ring"
    cell.click(position={"x": aim["x"], "y": aim["y"]})

    # The event form, with the ring, its usual kind and the clicked day filled in.
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}/o/{slug}/wheel/events/new/?")))
    assert f"date={first_day.isoformat()}" in page.url
    form = page.locator("#event-form")
    expect(form.locator("select[name='ring']")).to_have_value(str(ring.pk))
    expect(form.locator("select[name='kind']")).to_have_value(Kind.ACTIVITY)
    expect(form.locator("input[name='start_date']")).to_have_value(_norwegian(first_day))
    form.locator("input[name='title']").fill(TITLE)
    form.locator("select[name='kind']").select_option(Kind.CHECKPOINT)
    form.get_by_role("radio", name="Weekly", exact=True).check()
    form.locator("input[name='repeat_until']").fill(_norwegian(until))
    form.get_by_role("button", name="Save", exact=True).click()

    # Back on the wheel (the form's next=): in the year the four weekly dates are one arc
    # with its rhythm, a named link; the month view has a mark for each date.
    expect(page).to_have_url(f"{base_url}{wheel_path}")
    expect(page.locator("main .messages")).to_contain_text(f"“{TITLE}” is saved.")
    event = Event.objects.get(title=TITLE)
    assert (event.ring, event.kind, event.recurrence) == (ring, Kind.CHECKPOINT, Recurrence.WEEKLY)
    assert (event.start_date, event.repeat_until) == (first_day, until)
    marks = page.locator("svg.wheel-svg").get_by_role("link", name=re.compile(re.escape(TITLE)))
    expect(marks).to_have_count(1)
    with translation.override("en"):
        weekday = str(WEEKDAYS[first_day.weekday()])
        span = date_span(days[0], days[-1])
    expect(marks).to_have_attribute("href", f"/o/{slug}/wheel/events/{event.pk}/")
    expect(marks).to_have_attribute(
        "aria-label", f"Checkpoint: {TITLE}, every {weekday}, {span}, ring Oppvekst"
    )
    # Its name along the arc, shortened with "…" to the year view's room.
    expect(page.locator("svg.wheel-svg g.wheel-labels text", has_text="Ukentlig")).to_have_text(
        re.compile(r"^Ukentlig ta.*…$")
    )
    page.goto(f"{wheel_path}?zoom=m{wheel.months().index(month) + 1}")
    month_marks = page.locator("svg.wheel-svg").get_by_role(
        "link", name=re.compile(re.escape(TITLE))
    )
    in_month = [day for day in days if (day.year, day.month) == (month.year, month.month)]
    expect(month_marks).to_have_count(len(in_month))
    for mark, day in zip(month_marks.all(), in_month, strict=True):  # in date order
        expect(mark).to_have_attribute(
            "aria-label", f"Checkpoint: {TITLE}, {_long(day)}, ring Oppvekst"
        )
        expect(mark).to_have_attribute("data-date", day.isoformat())
    page.goto(wheel_path)

    # The agenda lists every date: a month a page, reached from its list of months, with the
    # series as one row listing its dates in the month.
    page.locator("nav.wheel-toolbar").get_by_role("link", name="Agenda", exact=True).click()
    expect(page).to_have_url(f"{base_url}/o/{slug}/wheel/{wheel.year}/agenda/")
    for first in sorted({day.replace(day=1) for day in days}):
        months = page.get_by_role("navigation", name="Months of the agenda")
        with translation.override("en"):  # the coordinator reads English
            name = date_format(first, "YEAR_MONTH_FORMAT")
        months.get_by_role("link", name=name, exact=True).click()
        row = page.locator("main table tbody tr").filter(has_text=TITLE)
        expect(row).to_have_count(1)
        in_month = [_norwegian(day) for day in days if day.replace(day=1) == first]
        expect(row.locator("td").first).to_have_text(", ".join(in_month))
        expect(row.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    _assert_accessible(axe_violations, "the agenda")

    # The keyboard alone reaches a mark on the wheel; the details panel follows the focus.
    page.goto(wheel_path)
    expect(marks).to_have_count(1)
    focused_label = ""
    for _press in range(200):
        page.keyboard.press("Tab")
        focused_label = page.evaluate(
            "() => document.activeElement?.getAttribute('aria-label') || ''"
        )
        if TITLE in focused_label:
            break
    assert TITLE in focused_label, "200 presses of Tab did not reach the event on the wheel"
    expect(marks.first).to_be_focused()
    details = page.locator("#wheel-details")
    expect(details.locator("[data-field='title']")).to_have_text(TITLE)
    expect(details.locator("[data-field='kind']")).to_have_text("Checkpoint")
    expect(details.locator("[data-field='ring']")).to_have_text("Oppvekst")

    # Enter opens the event.
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base_url}/o/{slug}/wheel/events/{event.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    # How it repeats, in words (yearwheel/rule_text.py).
    with translation.override("en"):
        month = str(MONTHS[until.month])
    expect(page.locator("main")).to_contain_text(f"Every {weekday} until {until.day} {month}")
    _assert_accessible(axe_violations, "the event page")


def test_the_wheel_in_nynorsk_names_the_months_and_zooms_to_a_quarter(
    page, log_in, axe_violations, base_url, organization, coordinator, password
):
    # A school year: the wheel runs from August to July.
    organization.planning_year_start_month = 8
    organization.save(update_fields=["planning_year_start_month"])
    coordinator.language = "nn"
    coordinator.save(update_fields=["language"])
    wheel = _current_wheel(organization)
    ring = RingFactory(organization=organization, name="Skule", colour="#7a1f5c")
    slug = organization.slug
    wheel_path = f"/o/{slug}/wheel/{wheel.year}/"
    school_year = NORWEGIAN_MONTHS[7:] + NORWEGIAN_MONTHS[:7]

    log_in(coordinator, password)
    expect(page).to_have_url(f"{base_url}/o/{slug}/")
    page.goto(wheel_path)
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    sectors = page.locator("svg.wheel-svg .wheel-sector-label")
    expect(sectors).to_have_text(school_year)
    cells = page.locator(f"svg.wheel-svg a.wheel-cell[data-ring='{ring.pk}']")
    expect(cells).to_have_count(12)

    # The second quarter of the school year: November, December and January.
    zoom = page.locator("nav.wheel-zoom a[href$='zoom=q2']")
    expect(zoom).not_to_have_attribute("aria-current", "page")
    zoom.click()
    expect(page).to_have_url(f"{base_url}{wheel_path}?zoom=q2")
    expect(page.locator("nav.wheel-zoom a[href$='zoom=q2']")).to_have_attribute(
        "aria-current", "page"
    )
    expect(sectors).to_have_text(["november", "desember", "januar"])
    expect(cells).to_have_count(3)
    quarter_days = (date(wheel.year + 1, 2, 1) - date(wheel.year, 11, 1)).days
    expect(page.locator("svg.wheel-svg")).to_have_attribute("data-days", str(quarter_days))
    expect(page.locator("svg.wheel-svg")).to_have_attribute(
        "data-start", date(wheel.year, 11, 1).isoformat()
    )

    # The quarter as PDF: asked for with the button, made by a worker (here the test, with
    # the real renderer) while the page waits, and downloaded by the page's script.
    page.locator("nav.wheel-toolbar").get_by_role("button", name="PDF", exact=True).click()
    expect(page).to_have_url(re.compile(rf"{base_url}/o/{slug}/files/\d+/$"))
    expect(page.locator("[role=status]")).to_be_visible()
    _assert_accessible(axe_violations, "the PDF being prepared")
    job = FileJob.objects.get()
    assert job.parameters == f"year={wheel.year}&zoom=q2"
    with page.expect_download(timeout=30_000) as download_info:
        assert services.build(job.pk) == "ready"
    download = download_info.value
    assert download.suggested_filename.startswith(
        "arshjul-"
    ) and download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as file:
        assert file.read().startswith(b"%PDF")
