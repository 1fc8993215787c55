"""The key pages the benchmark measures, their budgets, and the bench user's session."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.seed import Seeded
from yearwheel.feeds import feed_path
from yearwheel.models import CalendarSubscription

# Budgets of issue 15 (large municipality, ratio to the floor page in the same run).
MIN_FLOOR_RATIO = 0.5
MAX_QUERIES = 15
MAX_NATIONAL_RATIO = 1.25
MAX_FEED_REBUILD_S = 1.0
# Budgets of issue 16 for the annual wheel's views and the agenda at that size.
WHEEL_MIN_FLOOR_RATIO = 0.25
WHEEL_MAX_BYTES = 1_000_000
HOST = "127.0.0.1"


@dataclass
class Page:
    key: str
    label: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    anonymous: bool = False  # the feed: its token is the credential, no session cookie
    # The least share of the floor page's throughput the page must reach (None: no budget).
    min_ratio: float | None = MIN_FLOOR_RATIO
    max_bytes: int | None = None  # the largest body (uncompressed) the page may send
    queries: int = 0
    status: int = 0
    body_bytes: int = 0
    single_ms: float = 0.0  # one request in-process, no load (median of three)


def key_pages(seeded: Seeded) -> list[Page]:
    slug = seeded.organization.slug
    org = {"org_slug": slug}
    measure = {"org_slug": slug, "measure_pk": seeded.measure.pk}
    published = {"org_slug": slug, "pk": seeded.published.pk}
    wheel = {"org_slug": slug, "year": seeded.year}
    feed = feed_path(CalendarSubscription.objects.get(user=seeded.user))
    return [
        Page("home", "organisation home", reverse("organization_home", kwargs=org)),
        Page("notifications", "notifications", reverse("notification_list")),
        Page("phase_gate", "phase gate", reverse("phase_gate", kwargs=measure)),
        Page("measure_list", "measure list", reverse("measure_list", kwargs=org)),
        Page("measure", "measure page", reverse("measure_detail", kwargs=measure)),
        Page(
            "lessons_search",
            "lessons search",
            reverse("lesson_list", kwargs=org) + f"?q={seeded.lesson_query}",
        ),
        Page("published_report", "published report", reverse("published_report", kwargs=published)),
        Page("dashboard", "status dashboard", reverse("status_dashboard", kwargs=org)),
        Page("report_pdf", "stored report PDF", reverse("published_report_pdf", kwargs=published)),
        Page("feed_full", "calendar feed (full)", feed, anonymous=True),
        Page("feed_conditional", "calendar feed (conditional)", feed, anonymous=True),
        *wheel_pages(reverse("wheel_detail", kwargs=wheel), reverse("wheel_agenda", kwargs=wheel)),
    ]


def wheel_pages(wheel: str, agenda: str) -> list[Page]:
    """The wheel's year, quarter and month views and the agenda, with their own budget: each
    a quarter of the floor page's throughput; the year and the agenda (a month a page) under
    1 MB. A quarter and a month name every occurrence they hold, so their size follows the
    data (the year view's counts send readers there); it is reported, not budgeted."""
    pages = [
        ("wheel", "annual wheel (year)", wheel, WHEEL_MAX_BYTES),
        ("wheel_quarter", "annual wheel (quarter)", f"{wheel}?zoom=q1", None),
        ("wheel_month", "annual wheel (month)", f"{wheel}?zoom=m1", None),
        ("agenda", "agenda", agenda, WHEEL_MAX_BYTES),
    ]
    return [
        Page(key, label, path, min_ratio=WHEEL_MIN_FLOOR_RATIO, max_bytes=max_bytes)
        for key, label, path, max_bytes in pages
    ]


def floor_page(seeded: Seeded) -> Page:
    return Page(
        "floor",
        "floor (25 measures)",
        reverse("bench_floor", kwargs={"org_slug": seeded.organization.slug}),
        min_ratio=None,
    )


def session_cookie(seeded: Seeded) -> str:
    """A session of the bench coordinator that has passed the second factor, made directly
    (as tests/second_factor.py does): the benchmark measures pages, not the login."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(seeded.user)
    device = TOTPDevice.objects.filter(user=seeded.user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=seeded.user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return session.session_key or ""


def client_for(page: Page, cookie: str) -> Client:
    client = Client(HTTP_HOST=HOST)
    if not page.anonymous:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client


def validators_of(page: Page, cookie: str) -> dict[str, str]:
    """The page's validators (ETag, Last-Modified) as they stand now."""
    response = client_for(page, cookie).get(page.path, headers=page.headers)
    found = {}
    if response.has_header("ETag"):
        found["If-None-Match"] = response["ETag"]
    if response.has_header("Last-Modified"):
        found["If-Modified-Since"] = response["Last-Modified"]
    return found


def inspect(page: Page, cookie: str) -> dict[str, str]:
    """Counts the page's queries once, in-process, and times three unloaded requests (the
    counted one and two more; the debug cursor's cost is small beside a page's). The
    first request also makes what pages make lazily (default success factors, system rings),
    so it is not counted: the queries are those of a page seen before. Returns the response's
    validators (ETag, Last-Modified) for a conditional request."""
    client = client_for(page, cookie)
    client.get(page.path, headers=page.headers)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.path, headers=page.headers)
    times = [(time.perf_counter() - started) * 1000]
    page.queries = len(queries.captured_queries)
    page.status = response.status_code
    page.body_bytes = len(
        b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    )
    validators = {}
    if response.has_header("ETag"):
        validators["If-None-Match"] = response["ETag"]
    if response.has_header("Last-Modified"):
        validators["If-Modified-Since"] = response["Last-Modified"]
    for _ in range(2):
        started = time.perf_counter()
        client.get(page.path, headers=page.headers)
        times.append((time.perf_counter() - started) * 1000)
    page.single_ms = statistics.median(times)
    return validators  # for a conditional request of the same page


def as_dict(page: Page) -> dict[str, Any]:
    return {
        "key": page.key,
        "label": page.label,
        "path": page.path,
        "queries": page.queries,
        "status": page.status,
        "body_bytes": page.body_bytes,
        "single_ms": round(page.single_ms, 1),
        "min_ratio": page.min_ratio,
        "max_bytes": page.max_bytes,
    }
