"""Shared pieces of the reminder integration tests: a real SMTP server that keeps what it
receives, the Celery worker subprocess that sends to it, and a private Redis server.

``SmtpSink`` is an aiosmtpd server on 127.0.0.1 (a free port) in a thread of the test process.
It keeps every message it accepts (envelope and parsed email), can refuse chosen recipients
with 550 at RCPT, and can be slow: ``delay`` seconds per message, spent *after* the message is
stored and before the ``250`` goes back. A worker killed in that pause has delivered the
message without learning it, which is exactly the dispatcher's documented duplicate window.

The worker and Redis helpers follow ``test_celery_worker.py``: the worker gets the PostgreSQL
test database through ``DATABASE_URL``, and the email settings through ``EMAIL_*``.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import connection
from django.utils import timezone
from kombu import Connection

from notifications import planning
from notifications.models import Reminder
from organizations.models import Organization, Role, User
from tests.conftest import require_or_skip
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganizationFactory,
    RingFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A port nobody listens on now (the kernel's pick; it could be taken again, rarely)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


# --- The SMTP sink ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None, "no text/plain part"
        return str(part.get_content())


class SmtpSink:
    """Start with ``with SmtpSink() as sink`` (or the ``smtp_sink`` fixture). ``reject`` and
    ``delay`` may be changed at any time; they apply to the next message."""

    def __init__(self, *, reject: set[str] | None = None, delay: float = 0.0) -> None:
        self.reject: set[str] = {address.lower() for address in reject or set()}
        self.delay = delay
        self.host = "127.0.0.1"
        self.port = 0
        self.refused: list[str] = []
        self._received: list[Received] = []
        self._changed = threading.Condition()
        self._controller: Controller | None = None

    # aiosmtpd calls these two from its event loop thread.
    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.lower() in self.reject:
            with self._changed:
                self.refused.append(address)
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content
        assert isinstance(content, bytes)
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        received = Received(str(envelope.mail_from), tuple(envelope.rcpt_tos), message)
        with self._changed:
            self._received.append(received)
            self._changed.notify_all()
        if self.delay:
            await asyncio.sleep(self.delay)  # stored, but the client does not know yet
        return "250 Message accepted for delivery"

    def start(self) -> SmtpSink:
        for _ in range(5):
            self.port = free_port()
            controller = Controller(self, hostname=self.host, port=self.port)
            try:
                controller.start()
            except OSError:  # the port was taken between the probe and the bind: try another
                continue
            self._controller = controller
            return self
        raise RuntimeError("no free port for the SMTP sink")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def messages(self) -> list[Received]:
        with self._changed:
            return list(self._received)

    def count(self) -> int:
        with self._changed:
            return len(self._received)

    def message_ids(self) -> Counter[str]:
        return Counter(received.message_id for received in self.messages)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address.lower() in {r.lower() for r in m.rcpt_tos}]

    def wait_for(self, count: int, timeout: float) -> bool:
        """Waits until at least ``count`` messages arrived; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


# --- The worker ------------------------------------------------------------------------------


def worker_database_url() -> str:
    """The URL of the test database (not the configured one) for the worker process."""
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def worker_environment(tmp_path: Path, broker_url: str, sink: SmtpSink) -> dict[str, str]:
    """The worker's environment: production settings, the test database, the sink as the
    mail server (plain SMTP), ``broker_url`` as Redis."""
    require_or_skip(
        connection.vendor == "postgresql",
        "a worker process can share the test database only on PostgreSQL (set DATABASE_URL)",
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        and not key.startswith("EMAIL_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=worker_database_url(),
        REDIS_URL=broker_url,
        SECRET_KEY="integration-test-secret",
        HTTPS="false",
        SITE_URL="https://tiltak.kommune.test",
        EMAIL_HOST=sink.host,
        EMAIL_PORT=str(sink.port),
        EMAIL_USE_TLS="false",
        EMAIL_TIMEOUT="10",
        VAR_DIR=str(tmp_path / "var"),
    )
    return env


class Worker:
    """``celery worker`` as in production (prefork), in its own process group so that the
    main process and its pool children can be killed together."""

    def __init__(self, env: dict[str, str], queue: str, log: Path, concurrency: int = 1) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                f"--queues={queue}",
                f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: see kill()
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for_log(self, text: str, timeout: float) -> bool:
        return wait_until(lambda: text in self.output() or not self.alive, timeout, 0.2) and (
            text in self.output()
        )

    def kill(self) -> None:
        """SIGKILL to the worker and its pool children at once, as an OOM killer or a power
        cut would: nothing runs its shutdown code."""
        with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """A warm shutdown (SIGTERM), then SIGKILL to whatever of the group is left."""
        if self.alive:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        self.kill()


def send_dispatch(broker_url: str, queue: str) -> str:
    """Sends ``dispatch_reminders`` to ``queue`` on ``broker_url``; returns the task id."""
    from notifications.tasks import dispatch_reminders

    with Connection(broker_url) as broker:
        # ``connection`` is passed on to the producer (the stubs do not know it).
        result = dispatch_reminders.apply_async(
            connection=broker,  # type: ignore[call-arg]
            queue=queue,
        )
    return str(result.id)


def unique_queue() -> str:
    return f"test-reminders-{uuid.uuid4().hex[:8]}"  # never shared with another worker


# --- Redis -----------------------------------------------------------------------------------


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def shared_redis_url(db: int) -> str:
    """REDIS_URL (default redis://127.0.0.1:6379/0) with the database number ``db``, so the
    reminder tests keep out of the way of other users of that server."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


class PrivateRedis:
    """A redis-server of the test's own on a free port, without persistence: the test may stop
    and start it; the shared server on 6379 is never touched."""

    def __init__(self, log: Path) -> None:
        binary = shutil.which("redis-server")
        require_or_skip(binary is not None, "redis-server is not installed")
        assert binary is not None
        self.binary = binary
        self.log = log
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if not wait_until(lambda: redis_answers(self.url), timeout=10):
            self.stop()
            pytest.fail(f"the private redis-server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


def summary(**values: Any) -> str:
    return " ".join(f"{key}={value}" for key, value in values.items())


# --- Reminders -------------------------------------------------------------------------------


def new_organization(name: str) -> Organization:
    return cast(Organization, OrganizationFactory(name=name, written_standard="nb"))


def member(organization: Organization, email_address: str) -> User:
    user = UserFactory(email=email_address)
    MembershipFactory(organization=organization, role=Role.MEMBER, user=user)
    return cast(User, user)


def plan_due_reminders(organization: Organization, people: list[User], title: str) -> list[int]:
    """One event per person (``title`` and the person's number), planned by
    ``notifications.planning`` into one reminder each; returns the reminder ids in order.

    The planner makes a reminder due at seven in the morning (Oslo) and skips one already six
    hours late, so whether a row planned today is due *now* depends on the hour the test runs.
    The events start the day after tomorrow with a reminder one day before (due tomorrow at
    seven: always planned); then the rows are made due a minute ago, the only thing the test
    changes by hand. The worker runs on the real clock; nothing is frozen.
    """
    ring = RingFactory(organization=organization)
    start = timezone.localdate() + timedelta(days=2)
    for number, person in enumerate(people, start=1):
        EventFactory(
            organization=organization,
            ring=ring,
            title=f"{title} {number}",
            start_date=start,
            place="Rådhuset",
            responsible=person,
            reminder_days=[1],
        )
    result = planning.plan_organization(organization)
    assert result.created == len(people), result
    rows = Reminder.objects.filter(organization=organization, kind=Reminder.Kind.BEFORE)
    assert rows.filter(state=Reminder.State.PENDING).count() == len(people)
    rows.update(due_at=timezone.now() - timedelta(minutes=1))
    by_person = dict(rows.values_list("recipient_id", "pk"))
    return [by_person[person.pk] for person in people]


def states(ids: list[int]) -> Counter[str]:
    return Counter(Reminder.objects.filter(pk__in=ids).values_list("state", flat=True))


def settled(ids: list[int]) -> bool:
    """No reminder is waiting or being sent any more."""
    busy = (Reminder.State.PENDING, Reminder.State.SENDING)
    return not Reminder.objects.filter(pk__in=ids, state__in=busy).exists()
