"""Fixtures for the browser journeys: the system Chromium driven by Playwright's sync API.

One browser per test session (starting Chromium is the slow part), a fresh context per test
(no cookies, storage or language choice leak from one test into the next), and the live
server's address as the context's base URL so tests can ``page.goto("/accounts/login/")``.

Never run ``playwright install``: the tests use Debian's Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require_or_skip
from tests.second_factor import fresh_recovery_code
from twofactor.policy import is_required

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# Auto-waiting assertions give up after this long; a page of this app renders in milliseconds,
# so a generous limit only costs time when a test is already failing.
EXPECT_TIMEOUT_MS = 5_000


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests run after every other test of the session.

    Once the session-scoped browser starts, Playwright keeps an asyncio loop running in the
    test thread and DJANGO_ALLOW_ASYNC_UNSAFE stays set until the session ends (see
    ``browser``). Running them last keeps both away from the rest of the suite: its ORM
    calls keep Django's async-safety check, and the subprocesses it starts (``manage.py check
    --deploy`` reports async.E001 when it sees that variable) inherit a clean environment.
    The sort is stable, so each group keeps its own order.
    """
    items[:] = sorted(items, key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_or_skip(shutil.which("chromium") is not None, "Chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an asyncio event loop in this (the test) thread from start()
    # until stop(), and Django refuses ORM calls while a loop is running in the thread
    # (SynchronousOnlyOperation), even though the fixtures and the ORM are plain synchronous
    # code here. The loop stays up for the rest of the session, so the flag must too: tests
    # collected after the browser ones would hit the same error otherwise.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def context(browser, base_url):
    """A clean browser profile for one test, asking for bokmål like a Norwegian office PC."""
    context = browser.new_context(
        base_url=base_url,
        locale="nb-NO",
        timezone_id="Europe/Oslo",
        viewport={"width": 1280, "height": 900},
        # Keeps animations (Bootstrap's dropdown and collapse) out of the way of assertions.
        reduced_motion="reduce",
    )
    # Chromium asks for the favicon at an unpredictable moment after each page load. Answered
    # here, it can't still be in flight in the live server when the test ends (on SQLite that
    # request thread would then fail on the shared in-memory connection).
    context.route("**/favicon.*", lambda route: route.fulfill(status=204))
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    context.set_default_navigation_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    # A JavaScript error on any page visited (Bootstrap or htmx failing to load, say) fails
    # the test that triggered it.
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def log_in(page):
    """``log_in(user, password)`` fills in the login form and submits it, like a person would:
    the email address first, then the password; administrators and coordinators then type a
    recovery code made for the occasion (a code from the app could not be used twice in one
    30-second step)."""

    def _log_in(user, password: str) -> None:
        code = fresh_recovery_code(user) if is_required(user) else None
        page.goto("/accounts/login/")
        page.locator("input[name='username']").fill(user.email)
        page.locator("main form button[type='submit']").click()
        page.locator("input[name='password']").fill(password)
        page.locator("main form button[type='submit']").click()
        if code:
            page.locator("input[name='code']").fill(code)
            page.locator("main form button[type='submit']").first.click()

    return _log_in


@pytest.fixture
def axe_violations(page):
    """``axe_violations()`` runs axe-core (from node_modules, never a CDN) on the current page
    against WCAG 2.0/2.1 A and AA and returns the serious and critical violations."""
    require_or_skip(AXE_SCRIPT.is_file(), f"axe-core is missing at {AXE_SCRIPT}; run `npm ci`")

    def _violations() -> list[dict]:
        # Stylesheets must have arrived, or the contrast rules judge unstyled text.
        page.wait_for_load_state("load")
        # Evaluated through the DevTools protocol: a <script> tag added to the page would be
        # an inline script, which the Content-Security-Policy blocks.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
        results = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            })"""
        )
        return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]

    return _violations


def describe_violations(violations: list[dict]) -> str:
    """One readable block per violation: rule, impact, what to do, and where."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)
