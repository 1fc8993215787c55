"""Browser policy on real responses: Content-Security-Policy, Permissions-Policy, Cache-Control.

The crawl visits every page of the permission matrix (tests/matrix/) that some role may open,
as that role, and checks the headers and the HTML itself: no inline style or script, which
the policy would block.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import ROLE_FIXTURES
from tests.matrix.base import LazyContext
from tests.second_factor import pass_second_factor
from tests.test_permission_matrix import BUILDERS, MATRIX

ROOT = Path(__file__).resolve().parent.parent
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'; report-uri /csp-report"
)
# The role that opens each page in the crawl: the first that may (200).
CRAWL_ROLES = ["admin", "coordinator", "team_lead", "member", "viewer", "outsider", "anonymous"]
INLINE_STYLE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)


def policy_words(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def crawl_pages() -> list[tuple[str, str]]:
    pages = []
    for name, case in sorted(MATRIX.items()):
        role = next((r for r in CRAWL_ROLES if case.get[r] == 200), None)
        if role is not None:
            pages.append((name, role))
    return pages


def problems_of(response, role: str) -> list[str]:
    problems = []
    if policy_words(response.get("Content-Security-Policy", "")) != policy_words(POLICY):
        problems.append(f"CSP: {response.get('Content-Security-Policy')!r}")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append(f"Permissions-Policy: {response.get('Permissions-Policy')!r}")
    cache = response.get("Cache-Control", "")
    is_html = response["Content-Type"].startswith("text/html")
    if role != "anonymous" and ("private" not in cache or (is_html and "no-store" not in cache)):
        problems.append(f"Cache-Control: {cache!r}")
    if is_html:
        html = response.content.decode()
        for what, pattern in [
            ("style attribute", INLINE_STYLE),
            ("style element", STYLE_ELEMENT),
            ("inline script", INLINE_SCRIPT),
            ("event handler attribute", EVENT_HANDLER),
        ]:
            found = pattern.search(html)
            if found:
                problems.append(f"{what}: {html[found.start() : found.start() + 120]!r}")
    return problems


def test_every_page_carries_the_browser_policy(request, organization, monkeypatch):
    """One test over the matrix's pages: each page's objects are built as the matrix builds
    them, inside a savepoint rolled back after the page (some builders cannot share one).
    The PDFs' headers are what counts here, not WeasyPrint's work (tested with the PDFs)."""
    for module in ("yearwheel.views.wheel", "reflections.views.minutes", "reports.pdf"):
        monkeypatch.setattr(f"{module}.html_to_pdf", lambda html, **kwargs: b"%PDF-1.7 test")
    users = {role: request.getfixturevalue(fixture) for role, fixture in ROLE_FIXTURES.items()}
    pages = crawl_pages()
    assert len(pages) > 100  # the matrix, not a handful
    failures = []
    for name, role in pages:
        with transaction.atomic():
            ctx = LazyContext(BUILDERS, organization=organization)
            client = Client()
            if role != "anonymous":
                client.force_login(users[role])
                pass_second_factor(client, users[role])
            url = reverse(name, kwargs=MATRIX[name].kwargs(ctx))
            response = client.get(url)
            transaction.set_rollback(True)
        assert response.status_code == 200, f"{name} as {role}"
        failures += [f"{name} ({url}) as {role}: {p}" for p in problems_of(response, role)]
    assert not failures, "\n".join(failures)


def test_an_anonymous_page_gets_the_policies_and_no_forced_cache_header(client, db):
    response = client.get(reverse("accessibility_statement"))
    assert policy_words(response["Content-Security-Policy"]) == policy_words(POLICY)
    assert "microphone=()" in response["Permissions-Policy"]
    assert "no-store" not in response.get("Cache-Control", "")


def test_an_explicit_cache_header_is_kept_and_made_private(rf, member):
    """A view's own Cache-Control stays (a download may know better), but a logged-in
    person's response is never public."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from organizations.security import BrowserPolicyMiddleware

    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "public, max-age=60"
        return response

    request = rf.get("/")
    request.user = member
    assert BrowserPolicyMiddleware(view)(request)["Cache-Control"] == "max-age=60, private"
    request.user = AnonymousUser()
    assert BrowserPolicyMiddleware(view)(request)["Cache-Control"] == "public, max-age=60"


def test_the_login_page_has_no_inline_style_or_script(client, db):
    problems = problems_of(client.get(reverse("login")), "anonymous")
    assert not problems


def test_the_crawl_check_finds_an_inline_style():
    """The checks above can fail: a page with a style attribute or inline script is caught."""

    class Fake(dict):
        content = b'<p style="color:red">x</p><script>alert(1)</script><b onclick="x()">'

        def get(self, key, default=None):
            return super().get(key, default)

    fake = Fake({"Content-Type": "text/html", "Content-Security-Policy": POLICY})
    found = " ".join(problems_of(fake, "member"))
    for what in ("style attribute", "inline script", "event handler", "Cache-Control"):
        assert what in found


# --- templates --------------------------------------------------------------------------------


def template_files() -> list[Path]:
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [p for p in ROOT.glob("*/templates") if ".venv" not in p.parts]
    return sorted(f for folder in folders for f in folder.rglob("*.html"))


def test_no_template_has_inline_style_or_script():
    files = template_files()
    assert len(files) > 100
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if re.search(r"\sstyle\s*=", text):
            found.append(f"{path}: style attribute")
        if INLINE_SCRIPT.search(text):
            found.append(f"{path}: inline <script>")
        if EVENT_HANDLER.search(text):
            found.append(f"{path}: event handler attribute")
        # Emails are not web pages (no CSP applies) and keep their rules in a <style> element.
        if STYLE_ELEMENT.search(text) and "emails" not in path.parts:
            found.append(f"{path}: <style> element")
    assert not found, "\n".join(found)


# --- the violation report endpoint -------------------------------------------------------------


def report(**fields) -> str:
    return json.dumps({"csp-report": {"document-uri": "https://x.test/o/a/", **fields}})


def test_a_violation_report_is_logged(client, db, caplog):
    body = report(**{"violated-directive": "style-src 'self'", "blocked-uri": "inline"})
    with caplog.at_level(logging.WARNING, logger="organizations.views.public"):
        response = client.post(reverse("csp_report"), body, content_type="application/csp-report")
    assert response.status_code == 204
    assert "CSP violation" in caplog.text
    assert "violated-directive=\"style-src 'self'\"" in caplog.text
    assert "blocked-uri='inline'" in caplog.text


def test_a_report_over_the_size_limit_is_refused(client, db, caplog):
    from organizations.views.public import CSP_REPORT_MAX_BYTES

    padding = "x" * CSP_REPORT_MAX_BYTES
    response = client.post(
        reverse("csp_report"), report(padding=padding), content_type="application/csp-report"
    )
    assert response.status_code == 413
    # Right at the limit it is read.
    body = report()
    body = body[:-1] + " " * (CSP_REPORT_MAX_BYTES - len(body)) + "}"
    assert len(body.encode()) == CSP_REPORT_MAX_BYTES
    response = client.post(reverse("csp_report"), body, content_type="application/csp-report")
    assert response.status_code == 204


def test_a_report_field_is_cut_short_in_the_log(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="organizations.views.public"):
        client.post(
            reverse("csp_report"),
            report(**{"blocked-uri": "b" * 1000}),
            content_type="application/csp-report",
        )
    assert "b" * 300 in caplog.text and "b" * 301 not in caplog.text


@pytest.mark.parametrize("body", ["", "not json", "[]", '{"other": {}}', '{"csp-report": 1}'])
def test_what_is_not_a_report_is_a_400(client, db, body):
    response = client.post(reverse("csp_report"), body, content_type="application/csp-report")
    assert response.status_code == 400


# --- settings ----------------------------------------------------------------------------------


def settings_in_subprocess(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import config.settings as s; {code}"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x", "HTTPS": "false", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_report_only_mode_and_extra_form_origins_come_from_the_environment():
    done = settings_in_subprocess(
        {"CSP_REPORT_ONLY": "true", "CSP_FORM_ACTION_EXTRA": "https://login.idp.test:8443"},
        "print(s.CONTENT_SECURITY_POLICY, "
        "s.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES']['form-action'])",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None [\"'self'\", 'https://login.idp.test:8443']"


@pytest.mark.parametrize(
    "value", ["login.idp.test", "https://idp.test/path", "https://a.test; script-src *", "*"]
)
def test_a_form_origin_that_is_not_an_origin_stops_start_up(value):
    done = settings_in_subprocess({"CSP_FORM_ACTION_EXTRA": value}, "pass")
    assert done.returncode != 0
    assert "CSP_FORM_ACTION_EXTRA" in done.stderr


def idp_origins(request):
    return ["https://idp.kommune.test", "https://evil.test; script-src *"]


def test_form_action_sources_add_their_origins_and_never_a_bad_one(client, db, settings):
    settings.CSP_FORM_ACTION_SOURCES = ["tests.test_security_headers.idp_origins"]
    header = client.get(reverse("login"))["Content-Security-Policy"]
    words = policy_words(header)
    assert words["form-action"] == ["'self'", "https://idp.kommune.test"]
    assert words["script-src"] == ["'self'"]


def test_report_only_mode_sends_the_report_only_header(client, db, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get(reverse("login"))
    assert "Content-Security-Policy" not in response
    assert policy_words(response["Content-Security-Policy-Report-Only"]) == policy_words(POLICY)


def test_report_only_mode_passes_the_system_checks():
    """django-csp takes a setting named CSP_REPORT_ONLY for its old format and fails the
    checks (csp.E001): the environment variable must not become a setting of that name."""
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "SECRET_KEY": "x" * 50,
            "HTTPS": "false",
            "CSP_REPORT_ONLY": "true",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
