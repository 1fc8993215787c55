"""`manage.py bench` (`make bench`): seeds the benchmark's data set, serves it with gunicorn
on loopback, measures every key page under a bounded load beside the floor page, and the
reminder planner and dispatcher. Prints one table and writes it all as JSON under
var/bench/. See docs/performance.md."""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import psycopg2  # type: ignore[import-untyped]
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from bench import pages as key
from bench import report, seed, server, workers
from bench.pdf import store_sample_pdf


class Command(BaseCommand):
    help = "Seed the benchmark data set, measure every key page over HTTP, write var/bench/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Share of the large municipality to seed (1 = 500 measures; CI uses 0.02).",
        )
        parser.add_argument(
            "--national",
            action="store_true",
            help="After the municipality, add the other 371 organisations and measure again.",
        )
        parser.add_argument("--duration", type=int, default=20, help="Seconds of load per page.")
        parser.add_argument("--connections", type=int, default=10)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes.")
        parser.add_argument("--emails", type=int, default=300, help="Reminders to dispatch.")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep the data set of the last run if there is one.",
        )
        parser.add_argument(
            "--keep-database",
            action="store_true",
            help="Seed into the configured, migrated database as it is (the CI smoke test).",
        )
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "bench"))
        parser.add_argument(
            "--pages",
            default="",
            help="Measure only these key pages (comma-separated keys, e.g. wheel,agenda), "
            "without the planner and dispatcher: for work on a few pages.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.clock = time.monotonic()
        self.check_environment(drops=not options["keep_database"])
        started = timezone.now()
        year = timezone.localdate().year
        fresh = not (options["reuse"] and self.has_data())
        if not options["keep_database"]:
            if fresh:
                self.recreate_database()
            self.log("Migrating…")
            call_command("migrate", verbosity=0)
        self.collect_static()
        if fresh:
            self.log("Seeding the large municipality…")
            seeded = seed.seed(scale=options["scale"], year=year, log=self.log)
        else:
            if seed.has_national():
                raise CommandError(
                    "The kept data set is already national: run without --reuse to measure "
                    "the municipality on its own first."
                )
            seeded = seed.existing(year)
        self.store_pdf(seeded)
        runs = {"municipality": self.measure(seeded, options)}
        if options["national"]:
            if not seed.has_national():
                self.log("Seeding the other organisations of a national installation…")
                seed.seed_national(scale=options["scale"], year=year, log=self.log)
            runs["national"] = self.measure(seeded, options)
        result = report.build(
            runs,
            started=started,
            options={k: options[k] for k in ("scale", "national", "duration", "connections")}
            | {"workers": options["workers"]},
            machine={"cpus": _cpus(), "python": platform.python_version()},
            sizes=seed.sizes(),
        )
        output = Path(options["output"])
        output.mkdir(parents=True, exist_ok=True)
        path = output / f"{started:%Y%m%dT%H%M%SZ}.json"
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        path.with_suffix(".md").write_text(report.markdown(result))
        self.stdout.write(report.table(result))
        self.stdout.write(f"Written: {path}")

    def log(self, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.clock:6.1f} s] {message}")

    def check_environment(self, *, drops: bool) -> None:
        """The measured server runs the production settings: refuse to measure anything else,
        and refuse a database that is not the benchmark's own (it is dropped and made anew)."""
        if settings.DEBUG:
            raise CommandError("DEBUG must be off: the benchmark measures production settings.")
        if not settings.BENCH_FLOOR_PAGE:
            raise CommandError("Set BENCH_FLOOR_PAGE=true (make bench does).")
        if settings.SECURE_SSL_REDIRECT:
            raise CommandError("Set HTTPS=false: gunicorn serves plain HTTP on loopback.")
        name = str(connection.settings_dict["NAME"])
        if drops and "bench" not in Path(name).name:
            raise CommandError(
                f"The database {name!r} is not a benchmark database (its name must contain "
                "'bench'): it is dropped and seeded anew. Set BENCH_DATABASE_URL."
            )
        try:
            server.check_load_generator()
        except RuntimeError as error:
            raise CommandError(str(error)) from error

    def has_data(self) -> bool:
        try:
            return seed.has_data()
        except Exception:
            return False

    def recreate_database(self) -> None:
        settings_dict = connection.settings_dict
        connection.close()
        if connection.vendor != "postgresql":
            path = Path(str(settings_dict["NAME"]))
            path.unlink(missing_ok=True)
            return
        maintenance = psycopg2.connect(
            dbname="postgres",
            user=settings_dict["USER"],
            password=settings_dict["PASSWORD"],
            host=settings_dict["HOST"],
            port=settings_dict["PORT"] or 5432,
        )
        maintenance.autocommit = True
        name = settings_dict["NAME"]
        with maintenance.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        maintenance.close()

    def collect_static(self) -> None:
        # The manifest storage needs collectstatic before any page renders with DEBUG off.
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            call_command("collectstatic", interactive=False, verbosity=0)

    def store_pdf(self, seeded: seed.Seeded) -> None:
        """The stored PDF the download page serves. Made from the report's first 25 measures:
        rendering all 500 takes minutes and more than a gigabyte, and this page measures
        serving a stored file, not making one (see docs/performance.md)."""
        if seeded.published.pdf_sha256:
            return
        size = store_sample_pdf(seeded.published, measures=25)
        self.log(f"  stored PDF: {size} bytes")

    def measure(self, seeded: seed.Seeded, options: dict[str, Any]) -> dict[str, Any]:
        cookie = key.session_cookie(seeded)
        floor = key.floor_page(seeded)
        pages = key.key_pages(seeded)
        only = {name for name in options["pages"].split(",") if name}
        if only:
            unknown = only - {page.key for page in pages}
            if unknown:
                raise CommandError(f"No such key page: {', '.join(sorted(unknown))}")
            # The conditional feed needs the full feed's validators: keep them together.
            if "feed_conditional" in only:
                only.add("feed_full")
            pages = [page for page in pages if page.key in only]
        self.log("Counting queries and timing single requests in-process…")
        key.inspect(floor, cookie)
        full = next((p for p in pages if p.key == "feed_full"), None)
        conditional = next((p for p in pages if p.key == "feed_conditional"), None)
        for page in pages:
            if page is not conditional:
                key.inspect(page, cookie)
        if full and conditional:
            # Taken after every other page was seen once: a page's first view may make what
            # it makes lazily (system rings, default success factors), a write that moves the
            # data version and with it the feed's ETag; a stale one would make every poll a
            # download.
            conditional.headers = key.validators_of(full, cookie)
            key.inspect(conditional, cookie)
        log_path = Path(options["output"]) / "gunicorn.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with server.gunicorn(workers=options["workers"], log_path=log_path) as base:
            load = {
                "connections": options["connections"],
                "duration": options["duration"],
                "probe": base + floor.path,
            }
            # Warm-up: each worker imports and renders once before anything is measured; then
            # the floor before and after every page.
            jobs = [server.job(base, floor, cookie, connections=options["connections"], duration=1)]
            jobs.append(server.job(base, floor, cookie, **load))
            for page in pages:
                jobs.append(server.job(base, page, cookie, **load))
                jobs.append(server.job(base, floor, cookie, **load))
            self.log(f"Measuring over HTTP: {len(jobs) - 1} loads of {options['duration']} s…")
            results = server.run_loads(jobs)[1:]
        floors = results[0::2]
        measured = dict(zip([page.key for page in pages], results[1::2], strict=True))
        run = {
            "floor": key.as_dict(floor) | {"loads": floors},
            "pages": [key.as_dict(page) | {"load": measured[page.key]} for page in pages],
            "planner": None,
            "dispatcher": None,
        }
        if not only:
            self.log("Planner and dispatcher…")
            run["planner"] = workers.planner_rate()
            run["dispatcher"] = workers.dispatcher_rate(options["emails"])
        return run


def _cpus() -> int:
    return os.cpu_count() or 0
