"""Names on the wheel in Chromium at 1280 px: the demo's month view, read as a person sees it.
The ring names are drawn at 11 px or more, no two event names overlap, and axe-core finds
nothing serious or critical."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organizations.models import User
from tests.browser.conftest import describe_violations

pytestmark = pytest.mark.browser

PASSWORD = "demo-passord-1"

# Rendered size of each ring name: its font size in user units times the SVG's scale.
RING_NAME_PX_JS = """svg => Array.from(svg.querySelectorAll('.wheel-ring-name')).map(
    text => parseFloat(getComputedStyle(text).fontSize) * svg.getScreenCTM().a)"""

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


def test_the_demo_month_names_every_event_legibly_without_overlaps(
    page, log_in, axe_violations, base_url
):
    call_command("seed_demo", password=PASSWORD)
    politician = User.objects.get(email="politiker@demo-kommune.no")
    log_in(politician, PASSWORD)
    expect(page).to_have_url(re.compile(rf"{base_url}/o/demo-kommune/"))
    page.goto("/o/demo-kommune/wheel/2026/?zoom=m11")  # November: the busiest demo month
    svg = page.locator("svg.wheel-svg")
    expect(svg).to_be_visible()
    assert page.viewport_size == {"width": 1280, "height": 900}

    sizes = svg.evaluate(RING_NAME_PX_JS)
    assert sizes, "no ring names"
    assert min(sizes) >= 11, sizes

    labels = page.locator("svg.wheel-svg g.wheel-labels text")
    assert labels.count() >= 10
    glyphs = svg.evaluate(GLYPHS_JS)
    assert not overlaps(glyphs), overlaps(glyphs)[:5]

    # The names are real text: selectable, and found by the browser's own text search.
    assert labels.first.evaluate("t => getComputedStyle(t).userSelect") in ("text", "auto")
    # Hidden from screen readers: each repeats its link's accessible name.
    expect(page.locator("svg.wheel-svg g.wheel-labels").first).to_have_attribute(
        "aria-hidden", "true"
    )

    violations = axe_violations()
    assert not violations, "axe found problems:\n" + describe_violations(violations)
