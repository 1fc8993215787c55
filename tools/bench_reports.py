"""Benchmark of the status dashboard and the report content: not a test, a measurement.

Builds an organisation with 500 measures in 10 programmes, 5,000 indicators (10 a measure)
and 100,000 measurements (20 an indicator, monthly), with phase moves, summaries, components,
continuation decisions, evaluation cycles and events on the wheel, in a throwaway test
database. Times the dashboard page (plain, filtered and sorted), ``measures_content`` and
``report_content`` on their own, the report's measures rendered with the shared card, and the
published report page when publishing exists; prints the median server time of N runs and the
number of queries.

    DJANGO_SETTINGS_MODULE=config.test_settings .venv/bin/python tools/bench_reports.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiltakshjulet_bench \\
        DJANGO_SETTINGS_MODULE=config.test_settings .venv/bin/python tools/bench_reports.py

As tools/bench_wheel.py: the database is the test database Django would make for the tests
(an in-memory SQLite database, or ``test_<name>`` on PostgreSQL), made anew and dropped
afterwards; the real database is never touched. ``--indicators`` compares ways of finding
each indicator's latest two measurements; ``--profile`` prints where one dashboard rendering
spends its time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
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
from django.db.models import F, OuterRef, Subquery, Window  # noqa: E402
from django.db.models.functions import RowNumber  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from measures.models import (  # noqa: E402
    EvaluationCycle,
    Goal,
    Indicator,
    Measure,
    Measurement,
    Program,
)
from organizations.models import Membership, Organization, Role, Unit, User  # noqa: E402
from phases.models import ContinuationDecision, PhaseTransition, ServiceComponent  # noqa: E402
from reports.content import measures_content, measures_in_scope, report_content  # noqa: E402
from reports.models import MeasureSummary, Report  # noqa: E402
from yearwheel.models import Event, Kind, Ring  # noqa: E402


def build(measures: int, indicators: int, measurements: int, seed: int) -> tuple[User, Report]:
    """``measures`` measures with ``indicators`` indicators each, every indicator measured
    ``measurements`` times, monthly up to last month."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    today = timezone.localdate()
    organization = Organization.objects.create(
        name="Benkmark kommune", slug="benkmark", kind="municipality", number="4699"
    )
    user = User.objects.create_user(
        email="koordinator@benkmark.test", password=None, full_name="Kari Koordinator"
    )
    Membership.objects.create(user=user, organization=organization, role=Role.COORDINATOR)
    units = Unit.objects.bulk_create(
        Unit(organization=organization, name=f"Enhet {n + 1}", kind="school") for n in range(20)
    )
    programs = Program.objects.bulk_create(
        Program(organization=organization, name=f"Program {n + 1}", status="active")
        for n in range(10)
    )
    rows = []
    for n in range(measures):
        status = rng.choice(["green", "green", "yellow", "red"])
        rows.append(
            Measure(
                organization=organization,
                program=programs[n % len(programs)],
                name=f"Tiltak {n + 1} for barn og unge",
                phase=n % 4 + 1,
                status=status,
                status_explanation="" if status == "green" else "Forsinket oppstart.",
                responsible_unit=units[n % len(units)],
            )
        )
    all_measures = Measure.objects.bulk_create(rows)
    MeasureSummary.objects.bulk_create(
        MeasureSummary(measure=m, text="Tiltaket går som planlagt.", written_by=user)
        for m in all_measures
    )
    moves = PhaseTransition.objects.bulk_create(
        PhaseTransition(
            measure=m, from_phase=max(m.phase - 1, 1), to_phase=m.phase, decided_by=user
        )
        for m in all_measures
    )
    for move in moves:  # decided_at is auto_now_add: spread the moves over the last two years
        move.decided_at = timezone.now() - timedelta(days=rng.randrange(730))
    PhaseTransition.objects.bulk_update(moves, ["decided_at"], batch_size=500)
    goals = Goal.objects.bulk_create(
        Goal(measure=m, title="Flere barn trives") for m in all_measures
    )
    first_month = (today.replace(day=1) - relativedelta(months=measurements)).replace(day=1)
    indicator_rows = []
    for goal in goals:
        for n in range(indicators):
            higher = n % 3 != 0
            indicator_rows.append(
                Indicator(
                    measure_id=goal.measure_id,
                    goal=goal,
                    name=f"Indikator {n + 1}",
                    unit="%",
                    kind="outcome",
                    direction="higher" if higher else "lower",
                    baseline_value=Decimal(40 if higher else 60),
                    baseline_date=first_month - timedelta(days=30),
                    target_value=Decimal(80 if higher else 20),
                    target_date=today + timedelta(days=365),
                )
            )
    all_indicators = Indicator.objects.bulk_create(indicator_rows, batch_size=1000)
    batch: list[Measurement] = []
    for indicator in all_indicators:
        for n in range(measurements):
            batch.append(
                Measurement(
                    indicator=indicator,
                    date=first_month + relativedelta(months=n),
                    value=Decimal(rng.randrange(2000, 9000)) / 100,
                )
            )
        if len(batch) >= 10000:
            Measurement.objects.bulk_create(batch)
            batch = []
    Measurement.objects.bulk_create(batch)
    phase_three = [m for m in all_measures if m.phase == 3]
    ServiceComponent.objects.bulk_create(
        ServiceComponent(
            measure=m,
            kind=ServiceComponent.Kind.ROUTINE,
            name=f"Rutine {n + 1}",
            described_on=today if n < 6 else None,
        )
        for m in phase_three
        for n in range(10)
    )
    ContinuationDecision.objects.bulk_create(
        ContinuationDecision(
            measure=m, outcome="continue", decision_maker="Kommunestyret", decided_on=today
        )
        for m in all_measures[3::8]  # half of the phase IV measures: the rest are pending
    )
    # Every measure evaluated on a rhythm, the school term most often.
    rhythms = ["term", "term", "term", "term", "quarterly", "quarterly", "quarterly"]
    rhythms += ["yearly", "yearly", "monthly"]
    EvaluationCycle.objects.bulk_create(
        EvaluationCycle(
            measure=m, rhythm=rhythms[n % len(rhythms)], first_due=today + timedelta(days=n % 90)
        )
        for n, m in enumerate(all_measures)
    )
    ring = Ring.objects.create(organization=organization, name="Tiltak", colour="#1f5f8b")
    Event.objects.bulk_create(
        Event(
            organization=organization,
            ring=ring,
            kind=Kind.CHECKPOINT,
            title=f"Sjekkpunkt {n + 1}",
            start_date=today + timedelta(days=rng.randrange(150)),
            measure=all_measures[n % len(all_measures)],
        )
        for n in range(1000)
    )
    report = Report.objects.create(
        organization=organization,
        title="Tertialrapport",
        kind=Report.Kind.FOUR_MONTHS,
        period_start=today - timedelta(days=120),
        period_end=today,
        created_by=user,
    )
    return user, report


def timed(run: Callable[[], Any], runs: int) -> tuple[float, int, Any]:
    """Median milliseconds of ``runs`` calls, the queries of one, and its result."""
    with CaptureQueriesContext(connection) as queries:
        result = run()
    count = len(queries)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), count, result


def page(client: Client, url: str) -> Callable[[], Any]:
    def run() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)  # noqa: S101 - a tool
        return response

    return run


def render_cards(content: dict[str, Any]) -> str:
    today = timezone.localdate()
    return "".join(
        render_to_string(
            "reports/includes/measure_card.html",
            {"measure": measure, "today": today, "heading_level": 3},
        )
        for measure in content["measures"]
    )


def compare_indicator_queries(organization: Organization, runs: int) -> None:
    """Ways of reading each indicator's latest two measurements on or before a day."""
    as_of = timezone.localdate()
    scope = measures_in_scope(organization).values("pk")

    def latest(offset: int, order: tuple[str, ...]) -> Any:
        return Measurement.objects.filter(indicator=OuterRef("pk"), date__lte=as_of).order_by(
            *order
        )[offset : offset + 1]

    def subqueries(order: tuple[str, ...]) -> Callable[[], Any]:
        def run() -> Any:
            return list(
                Indicator.objects.filter(measure__in=scope)
                .annotate(
                    lv=Subquery(latest(0, order).values("value")),
                    ld=Subquery(latest(0, order).values("date")),
                    pv=Subquery(latest(1, order).values("value")),
                    pd=Subquery(latest(1, order).values("date")),
                )
                .values("pk", "name", "lv", "ld", "pv", "pd")
            )

        return run

    def window() -> Any:
        indicators = list(Indicator.objects.filter(measure__in=scope).values("pk", "name"))
        ranked = (
            Measurement.objects.filter(indicator__measure__in=scope, date__lte=as_of)
            .annotate(
                rank=Window(
                    RowNumber(), partition_by=[F("indicator_id")], order_by=F("date").desc()
                )
            )
            .filter(rank__lte=2)
            .values("indicator_id", "value", "date", "rank")
        )
        return indicators, list(ranked)

    print("indicators' latest two measurements (5,000 indicators):")
    for name, run in [
        ("correlated subqueries, -date", subqueries(("-date",))),
        ("correlated subqueries, -date, -pk", subqueries(("-date", "-pk"))),
        ("window function (2 queries)", window),
    ]:
        median, queries, _result = timed(run, runs)
        print(f"  {name:<36}{median:>9.1f} ms{queries:>4} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per measurement (15)")
    parser.add_argument("--measures", type=int, default=500)
    parser.add_argument("--indicators", type=int, default=10, help="per measure (10)")
    parser.add_argument("--measurements", type=int, default=20, help="per indicator (20)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--compare", action="store_true", help="compare indicator queries")
    parser.add_argument("--profile", action="store_true", help="profile one dashboard")
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
        began = time.perf_counter()
        user, report = build(args.measures, args.indicators, args.measurements, args.seed)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        organization = report.organization
        built = time.perf_counter() - began
        print(
            f"{connection.vendor}: {Measure.objects.count()} measures, "
            f"{Indicator.objects.count()} indicators, {Measurement.objects.count()} "
            f"measurements (built in {built:.0f} s); median of {args.runs} runs"
        )
        client = Client()
        client.force_login(user)
        dashboard = reverse("status_dashboard", args=[organization.slug])
        program = Program.objects.filter(organization=organization).first()
        assert program is not None  # noqa: S101 - a tool
        cases: list[tuple[str, Callable[[], Any]]] = [
            ("dashboard page", page(client, dashboard)),
            ("dashboard, sorted by attainment", page(client, dashboard + "?sort=attainment")),
            (
                "dashboard, one programme",
                page(client, f"{dashboard}?program={program.pk}&sort=status"),
            ),
            ("measures_content()", lambda: measures_content(organization)),
            ("report_content()", lambda: report_content(report)),
            ("report_content() + cards", lambda: render_cards(report_content(report))),
        ]
        try:
            from reports.publishing import publish

            published = publish(report, user)
            cases.append(("published report page", page(client, published.get_absolute_url())))
        except Exception as error:
            print(f"(no published report page: {error!r})")
        client.get(dashboard)  # warms the session and the caches
        print(f"{'':<34}{'median ms':>10}{'queries':>9}{'KiB':>7}")
        for name, run in cases:
            median, queries, result = timed(run, args.runs)
            size = len(result.content) / 1024 if hasattr(result, "content") else 0
            print(f"{name:<34}{median:>10.1f}{queries:>9}{size:>7.0f}")
        if args.compare:
            compare_indicator_queries(organization, args.runs)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(dashboard)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(40)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
