"""The Content-Security-Policy in a real browser: the key pages break none of its rules.

A listener for ``securitypolicyviolation`` is added to every page before its own scripts run
(an init script, which the policy does not govern), and the console is read for CSP and
Permissions-Policy complaints. The last test shows the watch works: the same page with an
inline style and an inline script added is caught.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import EventFactory, IndicatorFactory, MeasurementFactory, RingFactory
from tests.matrix.base import LazyContext
from tests.test_permission_matrix import BUILDERS, MATRIX

pytestmark = pytest.mark.browser

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
COMPLAINTS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


@pytest.fixture
def watched(page):
    """``watched(url)`` opens the page and returns every violation and console complaint."""
    console: list[str] = []
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if any(word in message.text for word in COMPLAINTS)
            else None
        ),
    )

    def visit(url: str) -> list[str]:
        console.clear()
        page.goto(url)
        page.wait_for_load_state("load")
        return [*page.evaluate("window.__cspViolations"), *console]

    return visit


def url_of(name: str, ctx: LazyContext) -> str:
    return reverse(name, kwargs=MATRIX[name].kwargs(ctx))


def test_the_key_pages_break_no_rule_of_the_policy(
    watched, log_in, organization, coordinator, password
):
    ctx = LazyContext(BUILDERS, organization=organization)
    measure = ctx["measure"]
    indicator = IndicatorFactory(goal__measure=measure)
    MeasurementFactory(indicator=indicator, value=Decimal(60), date="2026-03-01")
    ring = RingFactory(organization=organization, colour="#7a2e8f")
    EventFactory(organization=organization, ring=ring, start_date="2026-03-10")
    pages = {
        "login": reverse("login"),
    }
    found = {name: watched(url) for name, url in pages.items()}
    log_in(coordinator, password)
    pages = {
        "home": reverse("organization_home", args=[organization.slug]),
        "status dashboard": url_of("status_dashboard", ctx),
        "measure page": url_of("measure_detail", ctx),
        "annual wheel": url_of("wheel_detail", ctx),
        "wheel print view": url_of("wheel_print", ctx),
        "rings": url_of("ring_list", ctx),
        "published report": url_of("published_report", ctx),
        "minutes": url_of("meeting_minutes", ctx),
        "reflection over time": url_of("measure_reflection", ctx),
    }
    found |= {name: watched(url) for name, url in pages.items()}
    assert not any(found.values()), {name: v for name, v in found.items() if v}


def test_the_watch_catches_inline_style_and_script(page, watched, context):
    """The same policy on a page with an inline style and script: both are reported."""

    def add_inline(route):
        response = route.fetch()
        body = response.text().replace(
            "<main", '<p style="color: red">x</p><script>document.title = "x";</script><main', 1
        )
        route.fulfill(response=response, body=body)

    context.route("**/accessibility/", add_inline)
    found = watched(reverse("accessibility_statement"))
    assert any(v.startswith("style-src") for v in found), found
    assert any(v.startswith("script-src") for v in found), found
