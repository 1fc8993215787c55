"""Names on the wheel in Chromium at 1280 px: the demo's year and month views, read as a person
sees them. Event names are drawn at 9 px or more, the rings' numbers at 11 px or more (the
legend names them, in the page's own type), no two event names overlap nor run under a number
or a count, and axe-core finds nothing serious or critical."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organizations.models import User
from tests.browser.conftest import describe_violations

pytestmark = pytest.mark.browser

PASSWORD = "demo-passord-1"

# Rendered size of each text: its font size in user units times the SVG's scale.
PX_JS = """(svg, selector) => Array.from(svg.querySelectorAll(selector)).map(
    text => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a)"""
EVENT_NAME_PX = 9  # the least rendered size of an event name at a 1280 px wide page
RING_NUMBER_PX = 11

# The boxes (user units) of the rings' numbers and the count badges: no name runs under one.
BOXES_JS = """svg => Array.from(svg.querySelectorAll('.wheel-ring-marker rect, .wheel-badge rect'))
    .map(rect => { const b = rect.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; })"""
GLYPH_CENTRES_JS = """svg => {
    const found = [];
    svg.querySelectorAll('g.wheel-labels text').forEach(text => {
        for (let i = 0; i < text.getNumberOfChars(); i++) {
            const box = text.getExtentOfChar(i);
            found.push([box.x + box.width / 2, box.y + box.height / 2, text.textContent]);
        }
    });
    return found;
}"""

# Every glyph of every event name, in polar terms around the wheel's centre (user units):
# the label it belongs to, its radius, its angle and its half-width as an angle. Glyph boxes
# of curved text are rotated, so their screen rectangles would overlap at every bend even
# when the glyphs do not; in polar terms two names overlap when glyphs share both a ring of
# radii and a span of angles.
GLYPHS_JS = """svg => {
    const cx = parseFloat(svg.dataset.cx), cy = parseFloat(svg.dataset.cy);
    const glyphs = [];
    svg.querySelectorAll('g.wheel-labels text').forEach((text, label) => {
        const count = text.getNumberOfChars();
        for (let i = 0; i < count; i++) {
            const box = text.getExtentOfChar(i);
            const x = box.x + box.width / 2, y = box.y + box.height / 2;
            const radius = Math.hypot(x - cx, y - cy);
            const advance = text.getSubStringLength(i, 1);
            const size = parseFloat(getComputedStyle(text).fontSize);
            glyphs.push({label, radius, angle: Math.atan2(x - cx, cy - y),
                         half: advance / 2 / radius, size});
        }
    });
    return glyphs;
}"""


def overlaps(glyphs: list[dict]) -> list[tuple[int, int]]:
    found = set()
    for i, a in enumerate(glyphs):
        for b in glyphs[i + 1 :]:
            if a["label"] == b["label"]:
                continue
            apart = abs((a["angle"] - b["angle"] + 3.14159265) % 6.2831853 - 3.14159265)
            if abs(a["radius"] - b["radius"]) < 0.7 * a["size"] and apart < a["half"] + b["half"]:
                found.add((a["label"], b["label"]))
    return sorted(found)


def under_boxes(svg) -> list[str]:
    boxes = svg.evaluate(BOXES_JS)
    return [
        name
        for x, y, name in svg.evaluate(GLYPH_CENTRES_JS)
        if any(x0 < x < x1 and y0 < y < y1 for x0, y0, x1, y1 in boxes)
    ]


def assert_legible(page) -> None:
    svg = page.locator("svg.wheel-svg")
    expect(svg).to_be_visible()
    assert page.viewport_size == {"width": 1280, "height": 900}
    names = svg.evaluate(PX_JS, "g.wheel-labels text")
    assert names, "no event names"
    assert min(names) >= EVENT_NAME_PX, min(names)
    numbers = svg.evaluate(PX_JS, ".wheel-ring-number")
    assert len(numbers) == 12  # the demo's rings
    assert min(numbers) >= RING_NUMBER_PX, min(numbers)
    legend = page.locator(".wheel-legend-name")
    assert legend.count() == 12
    assert (
        min(legend.evaluate_all("els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"))
        >= 11
    )
    glyphs = svg.evaluate(GLYPHS_JS)
    assert not overlaps(glyphs), overlaps(glyphs)[:5]
    assert not under_boxes(svg), under_boxes(svg)[:5]


def test_the_demo_year_names_events_at_a_readable_size(page, log_in, base_url):
    call_command("seed_demo", password=PASSWORD)
    politician = User.objects.get(email="politiker@demo-kommune.no")
    log_in(politician, PASSWORD)
    expect(page).to_have_url(re.compile(rf"{base_url}/o/demo-kommune/"))
    page.goto("/o/demo-kommune/wheel/2026/")
    assert_legible(page)
    assert page.locator("svg.wheel-svg g.wheel-labels text").count() >= 10
    # Each ring's number on the wheel is the one beside its name in the legend.
    first = page.locator(".wheel-legend-list li").first
    expect(first.locator(".wheel-legend-number")).to_have_text("1")


def test_the_demo_month_names_every_event_legibly_without_overlaps(
    page, log_in, axe_violations, base_url
):
    call_command("seed_demo", password=PASSWORD)
    politician = User.objects.get(email="politiker@demo-kommune.no")
    log_in(politician, PASSWORD)
    expect(page).to_have_url(re.compile(rf"{base_url}/o/demo-kommune/"))
    page.goto("/o/demo-kommune/wheel/2026/?zoom=m11")  # November: the busiest demo month
    assert_legible(page)
    labels = page.locator("svg.wheel-svg g.wheel-labels text")
    assert labels.count() >= 10

    # The names are real text: selectable, and found by the browser's own text search.
    assert labels.first.evaluate("t => getComputedStyle(t).userSelect") in ("text", "auto")
    # Hidden from screen readers: each repeats its link's accessible name.
    expect(page.locator("svg.wheel-svg g.wheel-labels").first).to_have_attribute(
        "aria-hidden", "true"
    )

    violations = axe_violations()
    assert not violations, "axe found problems:\n" + describe_violations(violations)
