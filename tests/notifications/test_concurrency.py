"""Two dispatchers, and two planners, at the same time: each reminder is sent once and each
row is made once.

PostgreSQL only: the dispatcher's claim relies on ``SELECT … FOR UPDATE SKIP LOCKED`` and the
planner on ``INSERT … ON CONFLICT DO NOTHING`` between transactions, which SQLite (one writer
at a time, no row locks) cannot show. Skipped on SQLite, required in CI (``CI=true``). Each
thread has its own database connection (Django's are per thread), closed when it ends; the
test commits for real (``transaction=True``) so the threads see its rows.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, connections
from django.utils import timezone

from notifications import dispatch, planning
from notifications.models import Notification, Reminder
from organizations.models import Role
from tests.conftest import require_or_skip
from tests.factories import EventFactory, MembershipFactory, RingFactory
from yearwheel.models import Recurrence

pytestmark = pytest.mark.django_db(transaction=True)
OSLO = ZoneInfo("Europe/Oslo")
T = TypeVar("T")


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    require_or_skip(
        connection.vendor == "postgresql",
        "row locks and ON CONFLICT between transactions need PostgreSQL (set DATABASE_URL)",
    )


class RecordingBackend(BaseEmailBackend):
    """Records (thread, Message-ID) of every message, taking a little time per message like
    a mail server, so that the two dispatchers overlap."""

    lock = threading.Lock()
    sent: ClassVar[list[tuple[str, str]]] = []

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            time.sleep(0.005)
            with RecordingBackend.lock:
                RecordingBackend.sent.append(
                    (threading.current_thread().name, message.extra_headers["Message-ID"])
                )
        return len(email_messages)


@pytest.fixture
def recording(settings) -> Iterator[type[RecordingBackend]]:
    settings.EMAIL_BACKEND = f"{__name__}.RecordingBackend"
    RecordingBackend.sent.clear()
    yield RecordingBackend
    RecordingBackend.sent.clear()


def at_once(work: Callable[[], T], threads: int = 2) -> list[T]:
    """Runs ``work`` in ``threads`` threads released together; returns their results, or
    raises the first error one of them met (a deadlock, for instance)."""
    start = threading.Barrier(threads)
    results: list[Any] = [None] * threads
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait(timeout=30)
            results[index] = work()
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connections.close_all()  # this thread's connection

    workers = [threading.Thread(target=run, args=(n,), name=f"worker-{n}") for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a worker hangs"
    if errors:
        raise errors[0]
    return results


def test_two_dispatchers_send_every_reminder_exactly_once(organization, recording):
    people = [
        MembershipFactory(organization=organization, role=Role.MEMBER).user for _ in range(10)
    ]
    due = timezone.now() - timedelta(minutes=1)
    Reminder.objects.bulk_create(
        Reminder(
            organization=organization,
            recipient=people[n % len(people)],
            key=f"activity-{n}-2026-10-09:{people[n % len(people)].pk}:1",
            kind=Reminder.Kind.BEFORE,
            subject_key=f"activity-{n}-2026-10-09",
            offset_days=1,
            title=f"Nettverksmøte {n}",
            starts_on=date(2026, 10, 9),
            ends_on=date(2026, 10, 9),
            due_at=due,
        )
        for n in range(200)
    )
    handled = at_once(dispatch.dispatch)

    assert sum(handled) == 200
    sent = Counter(message_id for _thread, message_id in recording.sent)
    assert set(sent.values()) == {1}
    assert set(sent) == {row.message_id for row in Reminder.objects.all()}
    assert set(Reminder.objects.values_list("state", flat=True)) == {"sent"}
    assert Notification.objects.count() == 200
    # Both took part (they claim 50 at a time, skipping each other's locked rows).
    assert {thread for thread, _id in recording.sent} == {"worker-0", "worker-1"}


class AddressBackend(BaseEmailBackend):
    """Records the recipients of every message, a little slowly, as ``RecordingBackend``."""

    lock = threading.Lock()
    sent: ClassVar[list[tuple[str, ...]]] = []

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            time.sleep(0.005)
            with AddressBackend.lock:
                AddressBackend.sent.append(tuple(message.to))
        return len(email_messages)


def test_two_dispatchers_send_each_coordinator_one_message_a_day(organization, settings):
    settings.EMAIL_BACKEND = f"{__name__}.AddressBackend"
    AddressBackend.sent.clear()
    coordinators = [
        MembershipFactory(organization=organization, role=Role.COORDINATOR).user for _ in range(3)
    ]
    due = timezone.now() - timedelta(minutes=1)
    # 180 escalations, the coordinators' rows interleaved, so that batches of 50 split them.
    Reminder.objects.bulk_create(
        Reminder(
            organization=organization,
            recipient=coordinators[n % 3],
            key=f"escalation:evaluation-{n}-2026-09-01:{coordinators[n % 3].pk}",
            kind=Reminder.Kind.ESCALATION,
            subject_key=f"evaluation-{n}-2026-09-01",
            title=f"Tiltak {n}",
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 9, 1),
            due_at=due,
        )
        for n in range(180)
    )
    at_once(dispatch.dispatch)

    addresses = Counter(AddressBackend.sent)
    assert addresses == Counter({(person.email,): 1 for person in coordinators})
    # Every row was told once: in the day's message, or it waits for the next morning
    # (the part of a person's rows another dispatcher held when the day's message went).
    states = Counter(Reminder.objects.values_list("state", flat=True))
    assert set(states) <= {"sent", "pending"} and states["sent"] >= 3
    tomorrow = timezone.localdate() + timedelta(days=1)
    waiting = Reminder.objects.filter(state="pending")
    assert all(timezone.localtime(row.due_at).date() == tomorrow for row in waiting)
    assert Notification.objects.count() == 3
    for notification in Notification.objects.all():
        assert notification.items.filter(state="sent").count() == notification.items.count()
    assert Reminder.objects.filter(state="sent", told_in__isnull=True).count() == 0
    AddressBackend.sent.clear()


def test_two_planners_make_every_row_once(organization):
    people = [MembershipFactory(organization=organization, role=Role.MEMBER).user for _ in range(4)]
    ring = RingFactory(organization=organization)
    for n in range(60):
        event = EventFactory(
            organization=organization,
            ring=ring,
            start_date=date(2026, 10, 5),  # Mondays from 5 October
            recurrence=Recurrence.WEEKLY,
            responsible=people[n % 4],
        )
        event.participants.add(people[(n + 1) % 4])
    now = datetime(2026, 10, 1, 12, tzinfo=OSLO)  # the window ends on 2 December

    results = at_once(lambda: planning.plan_organization(organization, now=now))

    # 9 Mondays × 2 people × 2 offsets, less the week-before reminder of 5 October (past).
    rows = 60 * 2 * (9 * 2 - 1)
    assert Reminder.objects.count() == rows
    assert len(set(Reminder.objects.values_list("key", flat=True))) == rows
    assert all(result.cancelled == 0 for result in results)
    again = planning.plan_organization(organization, now=now)
    assert (again.created, again.refreshed, again.cancelled, again.revived) == (0, 0, 0, 0)
