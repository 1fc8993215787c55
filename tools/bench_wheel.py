"""Benchmark of the annual wheel page: not a test, a measurement.

Builds an organisation with 1,000 events across 8 rings (single days, ranges and some weekly
series) in a throwaway test database, renders the wheel page N times with Django's test client
and prints the median and minimum server time and the number of queries.

    DJANGO_SETTINGS_MODULE=config.test_settings .venv/bin/python tools/bench_wheel.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiltakshjulet \\
        DJANGO_SETTINGS_MODULE=config.test_settings .venv/bin/python tools/bench_wheel.py

The database is the test database Django would make for the tests (an in-memory SQLite
database, or ``test_<name>`` on PostgreSQL), made anew and dropped afterwards: the real
database is never touched. ``--profile`` prints where one rendering spends its time.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django

django.setup()

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402

from organizations.models import Membership, Organization, Role, User  # noqa: E402
from yearwheel.models import Event, Kind, Recurrence, Ring, Wheel  # noqa: E402

COLOURS = ["#1f5f8b", "#7a1f5c", "#1d6b3a", "#7a3e00", "#5b3f8c", "#a11d2a", "#005f73", "#3d3d3d"]
KINDS = [Kind.CHECKPOINT, Kind.MEETING, Kind.ACTIVITY, Kind.DEADLINE]


def build(
    events: int, weekly: int, ranges: float, seed: int, monthly: int = 0
) -> tuple[User, Wheel]:
    """An organisation whose school year 2026/27 holds ``events`` events in 8 rings."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    organization = Organization.objects.create(
        name="Benkmark kommune",
        slug="benkmark",
        kind=Organization.Kind.MUNICIPALITY,
        number="4699",
        planning_year_start_month=8,
    )
    user = User.objects.create_user(email="koordinator@benkmark.test", password=None)
    # A team member sees the whole wheel and, unlike a coordinator, needs no second factor.
    Membership.objects.create(user=user, organization=organization, role=Role.MEMBER)
    wheel = Wheel.objects.create(organization=organization, year=2026, start_month=8)
    rings = Ring.objects.bulk_create(
        Ring(
            organization=organization,
            name=f"Tjenesteområde {n + 1}",
            colour=COLOURS[n],
            default_kind=KINDS[n % 4],
            position=n,
        )
        for n in range(8)
    )
    rows = []
    for n in range(events):
        start = wheel.start + timedelta(days=rng.randrange(365))
        recurring = n < weekly + monthly
        every = Recurrence.WEEKLY if n < weekly else Recurrence.MONTHLY
        long = not recurring and rng.random() < ranges
        rows.append(
            Event(
                organization=organization,
                ring=rings[n % len(rings)],
                kind=KINDS[rng.randrange(4)],
                title=f"Hendelse {n + 1} med en litt lengre tittel",
                start_date=wheel.start + timedelta(days=rng.randrange(28)) if recurring else start,
                end_date=start + timedelta(days=rng.randrange(1, 15)) if long else None,
                place="Rådhuset" if n % 3 == 0 else "",
                recurrence=every if recurring else Recurrence.NONE,
                repeat_until=date(2027, 6, 20) if recurring else None,
            )
        )
    Event.objects.bulk_create(rows, batch_size=500)
    return user, wheel


def pass_second_factor(client: Client, user: User) -> None:
    """A session past the second factor, as tests/second_factor.py makes it: coordinators
    must use one, and the benchmark measures pages, not the login."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


pauses: list[float] = []
_gc_began: list[float] = []


def _time_gc(phase: str, info: dict[str, int]) -> None:
    """Collects the garbage collector's pauses (a full collection walks every object)."""
    if phase == "start":
        _gc_began[:] = [time.perf_counter()]
    elif _gc_began:
        pauses.append((time.perf_counter() - _gc_began[0]) * 1000)


def measure(client: Client, url: str, runs: int) -> dict[str, Any]:
    client.get(url)  # warms the session, the caches and makes the system rings
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)  # now: the next request empties the log
    assert response.status_code == 200, response.status_code  # noqa: S101 - a tool, not a test
    times = []
    pauses.clear()
    for _ in range(runs):
        began = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - began) * 1000)
    gc_ms = sum(pauses) / runs
    drawing = response.context.get("drawing") if response.context else None
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "queries": query_count,
        "bytes": len(response.content),
        "drawn": drawing.count if drawing else 0,
        "badges": sum(len(band.badges) for band in drawing.bands) if drawing else 0,
        "shapes": len(drawing.shapes) if drawing else 0,
        "gc": gc_ms,
    }


def phases(user: User, wheel: Wheel, runs: int) -> None:
    """The whole-year page in its three phases: gathering the occurrences (the sources'
    queries and their expansion; afresh, and from the memo as a page reads them), laying out
    the drawing, and rendering the SVG template."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from yearwheel.drawing import draw
    from yearwheel.views.base import wheel_content

    request = RequestFactory().get("/")
    request.user = user
    from yearwheel.occurrences import occurrences_between

    spent: dict[str, list[float]] = {
        "gather afresh": [],
        "gather": [],
        "draw": [],
        "svg template": [],
    }
    for _ in range(runs):
        # Afresh: what the first view after a write costs; the page itself reads the memo.
        began = time.perf_counter()
        occurrences_between(wheel.organization, wheel.start, wheel.end, cached=False)
        spent["gather afresh"].append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        content = wheel_content(request, wheel.organization, wheel.start, wheel.end)
        gathered = time.perf_counter()
        drawing = draw(
            wheel.start, wheel.end, content.shown_rings, content.items, today=wheel.start
        )
        drawn = time.perf_counter()
        render_to_string(
            "yearwheel/includes/wheel_svg.html",
            {"drawing": drawing, "wheel": wheel, "period": ""},
        )
        rendered = time.perf_counter()
        spent["gather"].append((gathered - began) * 1000)
        spent["draw"].append((drawn - gathered) * 1000)
        spent["svg template"].append((rendered - drawn) * 1000)
    print(
        "whole year, by phase (median ms): "
        + ", ".join(f"{name} {statistics.median(values):.1f}" for name, values in spent.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="renderings per page (20)")
    parser.add_argument("--events", type=int, default=1000, help="events (1000)")
    parser.add_argument("--weekly", type=int, default=20, help="of which weekly series (20)")
    parser.add_argument("--monthly", type=int, default=0, help="of which monthly series (0)")
    parser.add_argument("--ranges", type=float, default=0.25, help="share of ranges (0.25)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="profile one wheel rendering")
    parser.add_argument("--pdf", action="store_true", help="also time the PDF (slow)")
    parser.add_argument("--sort", default="cumulative", help="profile order (cumulative)")
    args = parser.parse_args()

    setup_test_environment()
    # As in Django's own test cases: a request neither empties the query log nor closes the
    # connection (which would lose an in-memory database).
    request_started.disconnect(reset_queries)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        user, wheel = build(args.events, args.weekly, args.ranges, args.seed, args.monthly)
        gc.callbacks.append(_time_gc)
        client = Client()
        client.force_login(user)
        pass_second_factor(client, user)
        slug, year = wheel.organization.slug, wheel.year
        pages = {
            "wheel, whole year": reverse("wheel_detail", args=[slug, year]),
            "wheel, quarter": reverse("wheel_detail", args=[slug, year]) + "?zoom=q2",
            "wheel, month": reverse("wheel_detail", args=[slug, year]) + "?zoom=m3",
            "print view": reverse("wheel_print", args=[slug, year]),
            "agenda, a month": reverse("wheel_agenda", args=[slug, year]) + "?zoom=m3",
        }
        print(
            f"{connection.vendor}, {args.events} events ({args.weekly} weekly, {args.monthly} "
            f"monthly) in 8 rings, "
            f"{args.runs} runs each"
        )
        print(
            f"{'page':<20}{'median ms':>10}{'min ms':>9}{'max ms':>9}{'GC ms':>7}{'queries':>9}"
            f"{'drawn':>7}{'shapes':>7}{'badges':>8}{'KiB':>7}"
        )
        for name, url in pages.items():
            r = measure(client, url, args.runs)
            print(
                f"{name:<20}{r['median']:>10.1f}{r['min']:>9.1f}{r['max']:>9.1f}{r['gc']:>7.1f}"
                f"{r['queries']:>9}{r['drawn']:>7}{r['shapes']:>7}{r['badges']:>8}"
                f"{r['bytes'] / 1024:>7.0f}"
            )
        phases(user, wheel, args.runs)
        if args.pdf:
            # Made by a worker (yearwheel/pdfjob.py): the build is timed, without the broker.
            from filejobs import services as filejobs
            from filejobs.models import FileJob

            job = FileJob.objects.create(
                organization=wheel.organization,
                requested_by=user,
                kind=FileJob.Kind.WHEEL_PDF,
                parameters=f"year={year}",
            )
            began = time.perf_counter()
            state = filejobs.build(job.pk)
            took = (time.perf_counter() - began) * 1000
            job.refresh_from_db()
            size = job.file.size if job.file else 0
            print(f"{'PDF (worker)':<20}{took:>10.1f}  ({size / 1024:.0f} KiB, {state})")
            if job.file:
                job.file.delete(save=False)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(pages["wheel, whole year"])
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(40)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
