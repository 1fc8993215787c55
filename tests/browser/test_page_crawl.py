"""Every kind of page a coordinator and a politician can reach, found by following links
rather than from a list kept by hand, checked at 1280 px and at 320 px: axe-core finds nothing
serious or critical, and the page does not scroll sideways (WCAG 1.4.10). The annual wheel is
the one exception: its drawing may scroll inside its own container, never the document.

URLs are reduced to page shapes (the Django route with its placeholders), and one URL of each
shape is visited. A shape the coordinator's walk has checked is not checked again for the
politician, who sees the same templates with fewer buttons; the politician's walk adds the
shapes only they reach. One browser page per person is reused and each logs in once, so the
whole walk stays within about three minutes on two cores."""

from __future__ import annotations

import re
import time
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from organizations.models import User
from tests.browser.conftest import AXE_SCRIPT, describe_violations

pytestmark = pytest.mark.browser

PASSWORD = "demo-passord-1"
ORG = "demo-kommune"
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 720}

# Links not followed: leaving the session, files rather than pages, and the other
# organisations the coordinator belongs to (the same shapes with other data).
SKIP = re.compile(
    r"/logout/|/admin/|/static/|/media/|/download/|/export/|/pdf/"
    r"|\.(pdf|csv|xlsx|ics|zip|json|svg|png|txt)$"
)

AXE_RUN = """async () => {
    const results = await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
        resultTypes: ['violations'],
    });
    return results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
}"""

# What sticks out sideways: the document's scroll width against the window, and for the
# annual wheel whether its drawing stays inside its own container.
OVERFLOW = """() => {
    const root = document.documentElement;
    const clipped = element => {
        for (let node = element.parentElement; node && node !== document.body;
             node = node.parentElement) {
            if (getComputedStyle(node).overflowX !== 'visible') return true;
        }
        return false;
    };
    const wide = [];
    if (root.scrollWidth > window.innerWidth) {
        for (const element of document.body.querySelectorAll('*')) {
            const box = element.getBoundingClientRect();
            if (box.right > window.innerWidth + 1 && box.width > 0
                && (!clipped(element) || getComputedStyle(element).position === 'absolute')) {
                const classes = element.getAttribute('class');
                wide.push(element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
                          + (classes ? '.' + classes.trim().split(/\\s+/).join('.') : ''));
                if (wide.length > 4) break;
            }
        }
    }
    return {scrollWidth: root.scrollWidth, innerWidth: window.innerWidth, wide};
}"""


# Links in HTML and in SVG drawings (whose href is no string), made absolute.
LINKS = "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)"


NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def page_shape(url: str) -> str | None:
    """The route the URL resolves to (its numbers, slugs and dates are the route's
    placeholders); None for URLs that are not pages of this app. Query strings filter, page or
    zoom the same template, so they make no shape of their own."""
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return None


def follow(href: str, origin: str) -> bool:
    parts = urlsplit(href)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    if SKIP.search(parts.path):
        return False
    return not (parts.path.startswith("/o/") and not parts.path.startswith(f"/o/{ORG}/"))


def crawl(
    page, start: str, origin: str, seen: set[str], timings: list
) -> tuple[list[str], list[str]]:
    """Visits one URL of each shape reachable from start; returns the shapes visited here and
    the problems found, and adds each shape's time to ``timings``."""
    problems: list[str] = []
    visited: list[str] = []
    queue = deque([start])
    while queue:
        url = queue.popleft()
        shape = page_shape(url)
        # The start page is each person's own landing page: always checked, once.
        if shape is None or (shape in seen and visited):
            continue
        seen.add(shape)
        page.set_viewport_size(WIDE)
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a file served as a download: not a page
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status >= 400:
            problems.append(f"{shape} ({url}): HTTP {response.status}")
            continue
        visited.append(shape)
        began = time.monotonic()
        for href in page.eval_on_selector_all("a[href]", LINKS):
            href = href.split("#")[0]
            if follow(href, origin):
                queue.append(href)
        for size in (WIDE, NARROW):
            page.set_viewport_size(size)
            # Two frames: the resize has been handled (static/js/tables.js marks the tables
            # that now scroll) and laid out.
            page.evaluate(NEXT_FRAMES)
            label = f"{shape} at {size['width']} px ({url})"
            violations = page.evaluate(AXE_RUN)
            if violations:
                problems.append(f"{label}:\n{describe_violations(violations)}")
            overflow = page.evaluate(OVERFLOW)
            if overflow["scrollWidth"] > overflow["innerWidth"]:
                problems.append(
                    f"{label}: scrolls sideways ({overflow['scrollWidth']} px in a "
                    f"{overflow['innerWidth']} px window; {', '.join(overflow['wide'])})"
                )
        # On the annual wheel the drawing may be wider than the window only inside its own
        # box (the document check above), and its text alternative, the agenda, is one link
        # away (the print view carries the agenda on the same page).
        wheel = page.locator("svg.wheel-svg").count()
        if wheel and not page.locator("a[href*='/agenda/'], #agenda-heading").count():
            problems.append(f"{shape} ({url}): the wheel has no link to its agenda")
        timings.append((round(time.monotonic() - began, 1), shape))
    return visited, problems


def test_every_page_shape_is_accessible_and_reflows(
    browser, base_url, live_server, django_db_blocker
):
    call_command("seed_demo", password=PASSWORD)
    origin = base_url.rstrip("/")
    axe_source = AXE_SCRIPT.read_text(encoding="utf-8")
    started = time.monotonic()
    report: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    timings: list[tuple[float, str]] = []
    for email in ("koordinator@demo-kommune.no", "politiker@demo-kommune.no"):
        user = User.objects.get(email=email)
        context = browser.new_context(
            base_url=base_url,
            locale="nb-NO",
            timezone_id="Europe/Oslo",
            viewport=WIDE,
            reduced_motion="reduce",
        )
        context.route("**/favicon.*", lambda route: route.fulfill(status=204))
        # axe-core arrives through the DevTools protocol on every page: a <script> element
        # would be an inline script, which the Content-Security-Policy blocks.
        context.add_init_script(axe_source)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        _log_in(page, user)
        visited, found = crawl(page, f"{origin}/o/{ORG}/", origin, seen, timings)
        context.close()
        report.append(f"{email}: {len(visited)} shapes")
        problems += [f"[{email}] {problem}" for problem in found]
        problems += [f"[{email}] JavaScript error: {error}" for error in errors]
        # A walk that found only a handful of pages would pass for the wrong reason.
        assert len(visited) >= 80 or email.startswith("politiker"), (email, visited)
    elapsed = time.monotonic() - started
    print(f"\nCrawl: {'; '.join(report)}; {elapsed:.0f} s")
    print("Slowest:", sorted(timings, reverse=True)[:8])
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def _log_in(page, user) -> None:
    from tests.second_factor import fresh_recovery_code
    from twofactor.policy import is_required

    code = fresh_recovery_code(user) if is_required(user) else None
    page.goto("/accounts/login/")
    page.locator("input[name='username']").fill(user.email)
    page.locator("main form button[type='submit']").click()
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("main form button[type='submit']").click()
    if code:
        page.locator("input[name='code']").fill(code)
        page.locator("main form button[type='submit']").first.click()
    page.wait_for_url(re.compile(r"/o/"))
