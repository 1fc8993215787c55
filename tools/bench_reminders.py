"""Benchmark of the reminders: not a test, a measurement.

Planning: builds an organisation with 2,000 weekly events (each with someone responsible and
two participants among 300 members, everyone reminded 7 and 1 days before: some 17,700
occurrences and 101,000 reminder rows in the 62-day window) and times the first plan, a
re-plan with nothing new (what the planner does every 15 minutes), a re-plan after a tenth of
the events were renamed and a tenth archived, and one after those were restored.

Dispatch: makes 2,000 reminders due a minute ago (for 50 members of a second organisation)
and times the dispatcher sending them through Django's SMTP backend to an SMTP server on
127.0.0.1 (aiosmtpd, which accepts every message and keeps none), and, for comparison, to
Django's in-memory backend. ``--threads`` adds two dispatchers at once (PostgreSQL only).

    DJANGO_SETTINGS_MODULE=config.test_settings .venv/bin/python tools/bench_reminders.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tiltakshjulet_bench \\
        DJANGO_SETTINGS_MODULE=config.test_settings .venv/bin/python tools/bench_reminders.py

As tools/bench_wheel.py: the database is the test database Django would make for the tests
(an in-memory SQLite database, or ``test_<name>`` on PostgreSQL), made anew and dropped
afterwards; the real database is never touched. ``--profile`` prints where the first plan
spends its time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import random
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import logging

import django

django.setup()
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per connection

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import (  # noqa: E402
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone  # noqa: E402

from notifications import dispatch, planning  # noqa: E402
from notifications.models import Reminder  # noqa: E402
from organizations.models import Membership, Organization, Role, User  # noqa: E402
from yearwheel.models import Event, Kind, Recurrence, Ring  # noqa: E402

# Planning runs "tomorrow" just after midnight, around which the events are placed: none of
# the planned rows is due yet when the dispatch part runs, which sends only its own rows.
PLAN_AT = timezone.localtime().replace(hour=0, minute=5, second=0, microsecond=0) + timedelta(
    days=1
)
TODAY = PLAN_AT.date()
KINDS = [Kind.CHECKPOINT, Kind.MEETING, Kind.ACTIVITY, Kind.DEADLINE]


class Statements:
    """Counts the SQL statements run (cheaply: no SQL text is kept)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        self.count += 1
        return execute(sql, *args)


@contextmanager
def timed() -> Iterator[dict[str, float]]:
    statements = Statements()
    result: dict[str, float] = {}
    began = time.perf_counter()
    with connection.execute_wrapper(statements):
        yield result
    result["seconds"] = time.perf_counter() - began
    result["statements"] = statements.count


def organisation(number: str, slug: str) -> Organization:
    return Organization.objects.create(
        name=f"Benkmark {slug}", slug=slug, kind=Organization.Kind.MUNICIPALITY, number=number
    )


def people(organization: Organization, count: int, prefix: str) -> list[User]:
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"{prefix}{n}@benkmark.test", full_name=f"Person {n}", password=unusable)
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organization=organization, role=Role.MEMBER) for user in users
    )
    return users


def build_planning(events: int, participants: int, persons: int, seed: int) -> Organization:
    """``events`` weekly events begun some weeks ago, each with someone responsible and
    ``participants`` participants among ``persons`` members."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    organization = organisation("4699", "benkmark")
    users = people(organization, persons, "person")
    rings = Ring.objects.bulk_create(
        Ring(organization=organization, name=f"Tjenesteområde {n + 1}", position=n)
        for n in range(8)
    )
    rows = [
        Event(
            organization=organization,
            ring=rings[n % len(rings)],
            kind=KINDS[n % 4],
            title=f"Hendelse {n + 1} med en litt lengre tittel",
            start_date=TODAY - timedelta(days=45 - rng.randrange(21)),
            place="Rådhuset" if n % 3 == 0 else "",
            recurrence=Recurrence.WEEKLY,
            repeat_until=TODAY + timedelta(days=300),
            responsible=users[rng.randrange(persons)],
        )
        for n in range(events)
    ]
    Event.objects.bulk_create(rows, batch_size=500)
    links = [
        Event.participants.through(event_id=event.pk, user_id=user.pk)
        for event in rows
        for user in rng.sample([u for u in users if u.pk != event.responsible_id], participants)
    ]
    Event.participants.through.objects.bulk_create(links, batch_size=1000)
    return organization


def bench_planning(args: argparse.Namespace) -> None:
    organization = build_planning(args.events, args.participants, args.people, args.seed)
    print(
        f"planning: {args.events} weekly events, responsible + {args.participants} "
        f"participants each, {args.people} members, reminders 7 and 1 days before"
    )
    print(
        f"{'run':<36}{'seconds':>8}{'rows/s':>9}{'created':>9}{'refreshed':>10}"
        f"{'cancelled':>10}{'revived':>8}{'statements':>11}"
    )

    def run(name: str) -> None:
        with timed() as took:
            result = planning.plan_organization(organization, now=PLAN_AT)
        total = Reminder.objects.filter(organization=organization).count()
        print(
            f"{name:<36}{took['seconds']:>8.2f}{total / took['seconds']:>9,.0f}"
            f"{result.created:>9,}{result.refreshed:>10,}{result.cancelled:>10,}"
            f"{result.revived:>8,}{took['statements']:>11,}"
        )

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
    run("first plan")
    if args.profile:
        profiler.disable()
    occurrences = Reminder.objects.filter(organization=organization).values("subject_key")
    print(f"  ({occurrences.distinct().count():,} occurrences in the window)")
    run("re-plan, nothing new")
    events = list(Event.objects.filter(organization=organization).order_by("pk"))
    renamed = events[: len(events) // 10]
    for event in renamed:
        event.title += " (nytt navn)"
    Event.objects.bulk_update(renamed, ["title"])
    Event.objects.filter(pk__in=[e.pk for e in events[-(len(events) // 10) :]]).update(
        is_archived=True
    )
    run("re-plan, 10% renamed, 10% archived")
    Event.objects.filter(organization=organization, is_archived=True).update(is_archived=False)
    run("re-plan, the archived ones restored")
    if args.profile:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(30)


# --- dispatch ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Sink:
    """An aiosmtpd handler that accepts every message and only counts it."""

    def __init__(self) -> None:
        self.received = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.received += 1
        await asyncio.sleep(0)
        return "250 OK"


def build_dispatch(count: int, persons: int) -> None:
    """``count`` reminders due a minute ago, for ``persons`` members of a second organisation."""
    organization = organisation("4698", "utsending")
    users = people(organization, persons, "mottaker")
    now = timezone.now()
    Reminder.objects.bulk_create(
        (
            Reminder(
                organization=organization,
                recipient=users[n % persons],
                key=f"bench-{n}:{users[n % persons].pk}:1",
                kind=Reminder.Kind.BEFORE,
                subject_key=f"bench-{n}",
                offset_days=1,
                title=f"Nettverksmøte {n}",
                starts_on=timezone.localdate(now) + timedelta(days=1),
                ends_on=timezone.localdate(now) + timedelta(days=1),
                place="Rådhuset",
                about="Trygge friminutt",
                path=f"/o/utsending/wheel/events/{n}/",
                kind_of_item=Kind.MEETING,
                due_at=now - timedelta(minutes=1),
            )
            for n in range(count)
        ),
        batch_size=500,
    )


def run_dispatch(name: str, count: int, workers: int) -> None:
    def work() -> None:
        try:
            while dispatch.dispatch(budget=timedelta(hours=1)):
                pass
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()

    began = time.perf_counter()
    if workers == 1:
        work()
    else:
        threads = [threading.Thread(target=work) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    took = time.perf_counter() - began
    sent = Reminder.objects.filter(
        organization__slug="utsending", state=Reminder.State.SENT
    ).count()
    print(f"{name:<38}{took:>9.2f}{count / took:>14,.0f}{sent:>8,}")


def bench_dispatch(args: argparse.Namespace) -> None:
    print(f"\ndispatch: {args.due:,} reminders due, one SMTP connection per message")
    print(f"{'to':<38}{'seconds':>9}{'reminders/s':>14}{'sent':>8}")
    workers = [1] + ([2] if connection.vendor == "postgresql" and args.threads else [])
    build_dispatch(args.due, 50)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        run_dispatch("in-memory backend (no network)", args.due, 1)
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        print("aiosmtpd is not installed: no SMTP figures (pip install aiosmtpd)")
        return
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": 10,
        }
        with override_settings(**smtp):
            for count in workers:
                Reminder.objects.filter(organization__slug="utsending").update(
                    state=Reminder.State.PENDING, attempts=0, sent_at=None, claimed_at=None
                )
                run_dispatch(f"SMTP sink on 127.0.0.1, {count} dispatcher(s)", args.due, count)
    finally:
        controller.stop()
    print(f"  (the SMTP sink received {sink.received:,} messages)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000, help="weekly events (2000)")
    parser.add_argument("--participants", type=int, default=2, help="per event (2)")
    parser.add_argument("--people", type=int, default=300, help="members (300)")
    parser.add_argument("--due", type=int, default=2000, help="reminders to dispatch (2000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-planning", action="store_true")
    parser.add_argument("--skip-dispatch", action="store_true")
    parser.add_argument(
        "--threads", action="store_true", help="on PostgreSQL, also two dispatchers at once"
    )
    parser.add_argument("--profile", action="store_true", help="profile the first plan")
    parser.add_argument("--sort", default="cumulative", help="profile order (cumulative)")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(
            f"{connection.vendor}, Django {django.get_version()}, Python {sys.version.split()[0]}"
        )
        if not args.skip_planning:
            bench_planning(args)
        if not args.skip_dispatch:
            bench_dispatch(args)
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
