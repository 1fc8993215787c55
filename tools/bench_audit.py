"""Benchmark of the organisation's audit trail: not a test, a measurement.

Builds a large municipality with a history (500 measures in 10 programmes, 5,000 indicators,
100,000 measurements, a tenth of them corrected once, 1,000 events, changes by 30 people over
two years) and a neighbour with a fifth of that, in a throwaway test database, then times the
audit page (unfiltered, deep pages and each filter) and the CSV file, with the number of
queries of each.

    DJANGO_SETTINGS_MODULE=config.test_settings .venv/bin/python tools/bench_audit.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiltakshjulet_bench \\
        DJANGO_SETTINGS_MODULE=config.test_settings .venv/bin/python tools/bench_audit.py

As tools/bench_reports.py: the database is the test database Django would make for the tests
(``test_<name>`` on PostgreSQL, in memory on SQLite), made anew and dropped afterwards.
``--explain`` prints PostgreSQL's plan of the first page's queries; ``--everything`` also
times the CSV file of the whole trail (once).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django

django.setup()

from dateutil.relativedelta import relativedelta  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from measures.models import Goal, Indicator, Measure, Measurement, Program  # noqa: E402
from organizations.models import Membership, Organization, Role, User  # noqa: E402
from yearwheel.models import Event, Kind, Ring  # noqa: E402

DAYS = 730  # the history spans two years


def _spread(objects: list[Any], people: list[User], rng: random.Random) -> list[Any]:
    """Who made each row and when, for its history record (simple-history reads these)."""
    now = timezone.now()
    for obj in objects:
        obj._history_user = rng.choice(people)
        obj._history_date = now - timedelta(seconds=rng.randrange(DAYS * 86400))
    return objects


def build(
    number: str, measures: int, indicators: int, measurements: int, rng: random.Random
) -> tuple[Organization, User]:
    organization = Organization.objects.create(
        name=f"Benkmark {number}", slug=f"benk-{number}", kind="municipality", number=number
    )
    people = [
        User.objects.create_user(
            email=f"person{n}@{number}.test", password=None, full_name=f"Person {n} {number}"
        )
        for n in range(30)
    ]
    Membership.objects.bulk_create(
        Membership(user=person, organization=organization, role=Role.COORDINATOR)
        for person in people
    )
    programs = bulk_create_with_history(
        _spread(
            [
                Program(organization=organization, name=f"Program {n + 1}", status="active")
                for n in range(10)
            ],
            people,
            rng,
        ),
        Program,
    )
    all_measures = bulk_create_with_history(
        _spread(
            [
                Measure(
                    organization=organization,
                    program=programs[n % len(programs)],
                    name=f"Tiltak {n + 1}",
                    phase=n % 4 + 1,
                )
                for n in range(measures)
            ],
            people,
            rng,
        ),
        Measure,
        batch_size=1000,
    )
    goals = bulk_create_with_history(
        _spread([Goal(measure=m, title="Flere barn trives") for m in all_measures], people, rng),
        Goal,
        batch_size=1000,
    )
    today = timezone.localdate()
    first_month = (today.replace(day=1) - relativedelta(months=measurements)).replace(day=1)
    all_indicators = bulk_create_with_history(
        _spread(
            [
                Indicator(
                    measure_id=goal.measure_id,
                    goal=goal,
                    name=f"Indikator {n + 1}",
                    unit="%",
                    kind="outcome",
                    direction="higher",
                    baseline_value=Decimal(40),
                    baseline_date=first_month - timedelta(days=30),
                    target_value=Decimal(80),
                    target_date=today + timedelta(days=365),
                )
                for goal in goals
                for n in range(indicators)
            ],
            people,
            rng,
        ),
        Indicator,
        batch_size=1000,
    )
    rows = [
        Measurement(
            indicator=indicator,
            date=first_month + relativedelta(months=n),
            value=Decimal(rng.randrange(2000, 9000)) / 100,
        )
        for indicator in all_indicators
        for n in range(measurements)
    ]
    created = bulk_create_with_history(_spread(rows, people, rng), Measurement, batch_size=5000)
    # A tenth corrected once: a "~" record each, as the measurement form writes.
    corrected = rng.sample(created, len(created) // 10)
    history = Measurement.history.model
    history.objects.bulk_create(
        (
            history(
                id=m.pk,
                indicator_id=m.indicator_id,
                value=m.value + 1,
                date=m.date,
                comment="Rettet",
                created_at=m.created_at,
                updated_at=m.updated_at,
                history_type="~",
                history_user=rng.choice(people),
                history_date=m._history_date + timedelta(days=1),
            )
            for m in corrected
        ),
        batch_size=5000,
    )
    ring = Ring.objects.create(organization=organization, name="Tiltak", colour="#1f5f8b")
    bulk_create_with_history(
        _spread(
            [
                Event(
                    organization=organization,
                    ring=ring,
                    kind=Kind.CHECKPOINT,
                    title=f"Sjekkpunkt {n + 1}",
                    start_date=today + timedelta(days=rng.randrange(150)),
                    measure=all_measures[n % len(all_measures)],
                )
                for n in range(measures * 2)
            ],
            people,
            rng,
        ),
        Event,
        batch_size=1000,
    )
    return organization, people[0]


def timed(run: Callable[[], Any], runs: int) -> tuple[float, int]:
    """Median milliseconds of ``runs`` calls, and the queries of one."""
    reset_queries()  # the log keeps 9,000 queries: building the data filled it
    with CaptureQueriesContext(connection) as queries:
        run()
    count = len(queries.captured_queries)  # now: the log may be emptied by the next runs
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), count


def fetch(client: Client, url: str, *, stream: bool = False) -> Callable[[], Any]:
    def run() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)  # noqa: S101 - a tool
        if stream:
            return b"".join(response.streaming_content)  # type: ignore[attr-defined]
        return response

    return run


def build_file(organization: Any, user: Any, query: str) -> Callable[[], Any]:
    """The worker's build of the audit trail as CSV (filejobs/), without the broker."""
    from filejobs import services
    from filejobs.models import FileJob

    def run() -> Any:
        job = FileJob.objects.create(
            organization=organization,
            requested_by=user,
            kind=FileJob.Kind.AUDIT_TRAIL,
            parameters=query,
        )
        assert services.build(job.pk) == "ready"  # noqa: S101 - a tool
        return job

    return run


def explain(client: Client, url: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if "UNION ALL" not in query["sql"]:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))
            print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per measurement (9)")
    parser.add_argument("--measures", type=int, default=500)
    parser.add_argument("--indicators", type=int, default=10, help="per measure (10)")
    parser.add_argument("--measurements", type=int, default=20, help="per indicator (20)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--explain", action="store_true", help="PostgreSQL's plans")
    parser.add_argument("--everything", action="store_true", help="time the whole CSV once")
    args = parser.parse_args()

    setup_test_environment()
    request_started.disconnect(reset_queries)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        rng = random.Random(args.seed)  # noqa: S311 - test data, not secrets
        began = time.perf_counter()
        organization, person = build("4699", args.measures, args.indicators, args.measurements, rng)
        build("4698", args.measures // 5, args.indicators, args.measurements, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        built = time.perf_counter() - began
        history_rows = (
            sum(model.history.count() for model in (Program, Measure, Goal, Indicator, Event))
            + Measurement.history.count()
        )
        print(
            f"{connection.vendor}: {Measure.objects.count()} measures, "
            f"{Measurement.objects.count()} measurements, {history_rows} historical records "
            f"in two organisations (built in {built:.0f} s); median of {args.runs} runs"
        )
        admin = User.objects.create_user(email="admin@benk.test", password=None, full_name="A")
        Membership.objects.create(user=admin, organization=organization, role=Role.ADMIN)
        client = Client()
        client.force_login(admin)
        url = reverse("audit_trail", args=[organization.slug])
        measure = Measure.objects.filter(organization=organization).order_by("pk")[7]
        today = timezone.localdate()
        month = f"date_from={today - timedelta(days=30):%d.%m.%Y}&date_to={today:%d.%m.%Y}"
        cases = [
            ("page 1, no filter", url),
            ("page 50", url + "?page=50"),
            ("page 200 (the last counted)", url + "?page=200"),
            ("one person", url + f"?person={person.pk}"),
            ("kind: measurements", url + "?kind=measures.measurement"),
            ("kind: measures", url + "?kind=measures.measure"),
            ("one measure", url + f"?measure={measure.pk}"),
            ("the last 30 days", url + f"?{month}"),
            ("one person, the last 30 days", url + f"?person={person.pk}&{month}"),
        ]
        for name, address in cases:
            median, queries = timed(fetch(client, address), args.runs)
            print(f"  {name:<34}{median:>9.1f} ms{queries:>4} queries")
        # The CSV file is built by a worker (filejobs/): timed as the worker's build.
        files = [
            ("CSV, one measure", f"measure={measure.pk}"),
            ("CSV, the last 30 days", month),
        ]
        if args.everything:
            files.append(("CSV, everything", ""))
        for name, query in files:
            runs = 1 if name == "CSV, everything" else args.runs
            median, queries = timed(build_file(organization, admin, query), runs)
            print(f"  {name:<34}{median:>9.1f} ms{queries:>4} queries (in a worker)")
        if args.explain and connection.vendor == "postgresql":
            for address in (url, url + f"?measure={measure.pk}", url + f"?person={person.pk}"):
                print(f"--- {address}")
                explain(client, address)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
