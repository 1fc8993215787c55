"""Keyboard focus that can be seen (WCAG 2.4.7, 1.4.11) and a main menu that fits (1.4.10).

Tabbing through the menu (the current item too), a form and the annual wheel, each focused
element's computed outline and box-shadow are read, and at least one ring of 2 px or more must
keep 3:1 against what surrounds the element, computed here from the rgb values. The wheel's
<svg> itself is no tab stop. The coordinator's menu stays inside the window from 992 to
1440 px, where it used to run off the right edge."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organizations.models import User

pytestmark = pytest.mark.browser

PASSWORD = "demo-passord-1"
ORG = "demo-kommune"

# The focused element's focus rings as the browser draws them, and the colour behind it: the
# first ancestor with a background that is not transparent.
FOCUS_STYLE = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    let background = 'rgb(255, 255, 255)';
    for (let node = element.parentElement; node; node = node.parentElement) {
        if (node instanceof SVGElement) continue;
        const colour = getComputedStyle(node).backgroundColor;
        if (colour && colour !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(colour)) {
            background = colour;
            break;
        }
    }
    return {
        tag: element.tagName.toLowerCase(),
        type: element.getAttribute('type') || '',
        classes: String(element.getAttribute('class') || ''),
        current: element.getAttribute('aria-current') || '',
        inSvg: element instanceof SVGElement,
        inMain: !!element.closest('main'),
        text: (element.textContent || element.getAttribute('name') || '').trim().slice(0, 40),
        outlineStyle: style.outlineStyle,
        outlineWidth: style.outlineWidth,
        outlineColor: style.outlineColor,
        boxShadow: style.boxShadow,
        background,
    };
}"""

RGB = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)")


def parse_colour(text: str) -> tuple[tuple[float, float, float], float]:
    match = RGB.search(text)
    assert match, text
    red, green, blue, alpha = match.groups()
    return (float(red), float(green), float(blue)), float(alpha) if alpha is not None else 1.0


def over(colour: str, background: str) -> tuple[float, float, float]:
    """The colour as seen: a translucent colour blended over the background."""
    (top, alpha), (below, _) = parse_colour(colour), parse_colour(background)
    return tuple(alpha * t + (1 - alpha) * b for t, b in zip(top, below, strict=True))


def luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def focus_rings(style: dict) -> list[tuple[float, float]]:
    """(width in px, contrast against the surroundings) for the outline and each box-shadow
    that draws a solid ring (no blur, a spread)."""
    background = parse_colour(style["background"])[0]
    rings = []
    if style["outlineStyle"] not in ("none", "hidden"):
        width = float(style["outlineWidth"].removesuffix("px") or 0)
        rings.append(
            (width, contrast(over(style["outlineColor"], style["background"]), background))
        )
    if style["boxShadow"] and style["boxShadow"] != "none":
        for shadow in re.split(r",\s*(?=rgb)", style["boxShadow"]):
            colour = RGB.search(shadow)
            lengths = [float(n) for n in re.findall(r"(-?[\d.]+)px", shadow)]
            if colour and len(lengths) >= 4 and lengths[2] == 0 and lengths[3] > 0:
                seen = over(colour.group(0), style["background"])
                rings.append((lengths[3], contrast(seen, background)))
    return rings


def visible_focus(style: dict) -> bool:
    return any(width >= 2 and ratio >= 3 for width, ratio in focus_rings(style))


def describe(style: dict) -> str:
    return (
        f"<{style['tag']} class='{style['classes']}'> {style['text']!r}: outline "
        f"{style['outlineStyle']} {style['outlineWidth']} {style['outlineColor']}, box-shadow "
        f"{style['boxShadow']}, on {style['background']}; rings {focus_rings(style)}"
    )


def tab_through(page, until, limit: int = 400) -> list[dict]:
    """Presses Tab and reads the focus style of each element reached until ``until(style)``."""
    styles = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        style = page.evaluate(FOCUS_STYLE)
        if until(style):
            break
        styles.append(style)
    return styles


@pytest.fixture
def coordinator_page(page, log_in, base_url):
    call_command("seed_demo", password=PASSWORD)
    log_in(User.objects.get(email="koordinator@demo-kommune.no"), PASSWORD)
    expect(page).to_have_url(re.compile(rf"{base_url}/o/{ORG}/"))
    return page


def test_focus_is_visible_on_the_menu_a_form_and_the_wheel(coordinator_page):
    page = coordinator_page
    problems = []

    # The menu, from the top of the page to the first element in the main content, with
    # "Measures" as the current page.
    page.goto(f"/o/{ORG}/measures/")
    menu = tab_through(page, until=lambda style: style["inMain"])
    assert any(s["current"] == "page" and "nav-link" in s["classes"] for s in menu), menu
    assert any(s["tag"] == "select" for s in menu)  # the language choice
    problems += [describe(s) for s in menu if not visible_focus(s)]

    # A form with every kind of field: the new event form.
    page.goto(f"/o/{ORG}/wheel/events/new/")
    page.locator("main").focus()
    form = tab_through(page, until=lambda style: not style["inMain"])
    kinds = {(s["tag"], s["type"]) for s in form}
    for kind in [("input", "text"), ("select", ""), ("textarea", ""), ("input", "checkbox")]:
        assert kind in kinds, (kind, kinds)
    assert any(s["tag"] == "button" for s in form), kinds
    problems += [describe(s) for s in form if not visible_focus(s)]

    # The wheel: after the link that skips it come the events, not the drawing itself.
    page.goto(f"/o/{ORG}/wheel/2026/?zoom=m11")
    page.locator(".wheel-skip").focus()
    wheel = tab_through(page, until=lambda style: not style["inSvg"])
    assert len(wheel) >= 3, "the wheel's events are not reachable by Tab"
    if any(s["tag"] == "svg" for s in wheel):
        problems.append("the wheel's <svg> itself is a tab stop")
    wheel = [s for s in wheel if s["tag"] != "svg"]
    problems += [describe(s) for s in wheel if not visible_focus(s)]

    assert not problems, "Focus that cannot be seen:\n" + "\n".join(problems)


def test_the_ring_test_fails_bootstraps_pale_glow():
    """The check itself: Bootstrap's focus on a menu item (no outline, a quarter-opaque blue
    glow on the dark menu) is not visible enough; a dark outline on white is."""
    glow = {
        "outlineStyle": "none",
        "outlineWidth": "0px",
        "outlineColor": "rgb(255, 255, 255)",
        "boxShadow": "rgba(13, 110, 253, 0.25) 0px 0px 0px 4px",
        "background": "rgb(29, 63, 102)",
    }
    assert not visible_focus(glow)
    ours = {
        "outlineStyle": "solid",
        "outlineWidth": "3px",
        "outlineColor": "rgb(11, 12, 12)",
        "boxShadow": "rgb(255, 255, 255) 0px 0px 0px 2px",
        "background": "rgb(29, 63, 102)",
    }
    assert visible_focus(ours)
    assert visible_focus({**ours, "background": "rgb(255, 255, 255)"})


def test_the_coordinators_menu_fits_the_window_from_992_to_1440_px(coordinator_page):
    page = coordinator_page
    page.goto(f"/o/{ORG}/")
    items = page.locator("#main-nav .nav-link")
    assert items.count() >= 10
    for width in range(992, 1441, 64):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        if page.locator(".navbar-toggler").is_visible():
            continue  # collapsed behind the menu button: nothing to cut off
        for index in range(items.count()):
            box = items.nth(index).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (
                width,
                items.nth(index).inner_text(),
                box,
            )
