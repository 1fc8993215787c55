"""The checks behind /healthz and `manage.py check_health`: database, broker, heartbeats.

A health check must answer quickly in exactly the situations where everything else hangs.
Timeouts alone cannot promise that: libpq waits at least 2 s to connect, a server that is
frozen (stopped, not down) accepts the connection and the query and never answers, and no
timeout on the client side covers a query already sent. So each check runs in a thread of
its own and the caller waits for it until a deadline; a check still running then counts as
failed. The threads end on their own through the short timeouts below, or are abandoned
(daemon threads) while the server stays frozen; a check that is still running is joined by
the next caller instead of started again, so a frozen server holds at most one thread per
check in each process.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from kombu import Connection

from health.models import HEALTHY_STATES, NEVER_RAN, Heartbeat

logger = logging.getLogger(__name__)

# Seconds for all checks together, run side by side: /healthz answers well within 2 s.
CHECK_TIMEOUT = 1.5
# The database check's own statement limit, so a lock wait ends inside the deadline.
STATEMENT_TIMEOUT_MS = 1000

OK = "ok"
UNAVAILABLE = "unavailable"
UNKNOWN = "unknown"  # a heartbeat that could not be read (the database did not answer)


@dataclass
class _Run:
    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    error: BaseException | None = None


_runs: dict[tuple[Any, ...], _Run] = {}
_runs_lock = threading.Lock()


def _start(key: tuple[Any, ...], work: Callable[[], Any]) -> _Run:
    """Runs ``work`` in a thread; a run with the same key still going is joined instead."""
    with _runs_lock:
        run = _runs.get(key)
        if run is None:
            run = _runs[key] = _Run()
            thread = threading.Thread(
                target=_execute, args=(key, run, work), daemon=True, name=f"health-{key[0]}"
            )
            thread.start()
    return run


def _execute(key: tuple[Any, ...], run: _Run, work: Callable[[], Any]) -> None:
    try:
        run.value = work()
    except BaseException as exc:  # handed to the caller, who logs it
        run.error = exc
    finally:
        with _runs_lock:
            _runs.pop(key, None)
        run.done.set()


def _outcome(name: str, run: _Run, deadline: float) -> tuple[bool, Any]:
    """(True, the result), or (False, None) when the check failed or missed the deadline
    (a ``time.monotonic()`` value)."""
    if not run.done.wait(max(0.0, deadline - time.monotonic())):
        logger.error("health check: %s did not answer within %s s", name, CHECK_TIMEOUT)
        return False, None
    if run.error is not None:
        logger.error("health check: %s unavailable: %r", name, run.error)
        return False, None
    return True, run.value


# --- the database: reachable, and the heartbeats read in one query ---------------------------


def _health_database(settings_dict: dict[str, Any]) -> Any:
    """A connection of its own with short limits, not the request's persistent one: that may
    be the one stuck on a frozen server, and it cannot be used from the check's thread."""
    params = {**settings_dict, "CONN_MAX_AGE": 0}
    options = dict(params.get("OPTIONS") or {})
    if params["ENGINE"] == "django.db.backends.postgresql":
        options["connect_timeout"] = 2  # libpq's smallest
        server_options = re.sub(r"-c\s*statement_timeout=\S+", "", options.get("options", ""))
        options["options"] = f"{server_options} -c statement_timeout={STATEMENT_TIMEOUT_MS}"
    else:
        options["timeout"] = CHECK_TIMEOUT  # SQLite: the longest wait for a lock
    params["OPTIONS"] = options
    return load_backend(params["ENGINE"]).DatabaseWrapper(params, "health")


def _read_heartbeats(settings_dict: dict[str, Any]) -> list[Heartbeat]:
    database = _health_database(settings_dict)
    try:
        with database.cursor() as cursor:
            cursor.execute(
                f"SELECT component, since, last_run FROM {Heartbeat._meta.db_table}"  # noqa: S608
            )
            rows = cursor.fetchall()
    finally:
        database.close()
    return [
        Heartbeat(
            component=component,
            since=_aware(since),
            last_run=None if last_run is None else _aware(last_run),
        )
        for component, since, last_run in rows
    ]


def _aware(value: datetime | str) -> datetime:
    """PostgreSQL hands back aware datetimes; SQLite naive ones (or text) in UTC."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        raise ValueError(f"not a time: {value!r}")
    return moment.replace(tzinfo=UTC) if timezone.is_naive(moment) else moment


# --- the broker ------------------------------------------------------------------------------


def _ping_broker(url: str, transport_options: dict[str, Any]) -> None:
    options = dict(transport_options)
    if url.startswith(("redis://", "rediss://")):
        # Opening a Redis channel sends PING; a frozen Redis would keep it waiting.
        options.update(socket_timeout=CHECK_TIMEOUT, socket_connect_timeout=CHECK_TIMEOUT)
    with Connection(url, transport_options=options, connect_timeout=CHECK_TIMEOUT) as broker:
        broker.ensure_connection(max_retries=0)


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    state: str  # ok, starting, stale, never ran, unknown
    last_run: datetime | None

    @property
    def healthy(self) -> bool:
        return self.state in HEALTHY_STATES


@dataclass(frozen=True)
class Report:
    database: bool
    broker: bool
    components: dict[str, Component]

    @property
    def failing(self) -> list[str]:
        services = {"database": self.database, "broker": self.broker}
        return [name for name, ok in services.items() if not ok] + [
            name for name, component in self.components.items() if not component.healthy
        ]

    @property
    def healthy(self) -> bool:
        return not self.failing

    def as_dict(self) -> dict[str, Any]:
        """Small and public: states and times, never hosts, errors or settings."""
        return {
            "status": OK if self.healthy else UNAVAILABLE,
            "database": OK if self.database else UNAVAILABLE,
            "broker": OK if self.broker else UNAVAILABLE,
            **{
                name: {
                    "status": component.state,
                    "last_run": component.last_run.isoformat() if component.last_run else None,
                }
                for name, component in self.components.items()
            },
        }


def run_checks(now: datetime | None = None) -> Report:
    deadline = time.monotonic() + CHECK_TIMEOUT
    now = now or timezone.now()
    db = dict(connections.settings[DEFAULT_DB_ALIAS])
    broker_url: str = settings.CELERY_BROKER_URL
    broker_options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    # Both start before either is awaited: the two checks share the deadline.
    database_run = _start(
        ("database", db["ENGINE"], db["NAME"], db.get("HOST"), db.get("PORT")),
        lambda: _read_heartbeats(db),
    )
    broker_run = _start(("broker", broker_url), lambda: _ping_broker(broker_url, broker_options))
    database_ok, heartbeats = _outcome("database", database_run, deadline)
    broker_ok, _ = _outcome("broker", broker_run, deadline)

    components: dict[str, Component] = {}
    for name, max_age in settings.HEALTH_HEARTBEATS.items():
        row = next((h for h in heartbeats or [] if h.component == name), None)
        if not database_ok:
            components[name] = Component(UNKNOWN, None)
        elif row is None:
            components[name] = Component(NEVER_RAN, None)
        else:
            state = row.state(max_age=timedelta(seconds=max_age), now=now)
            components[name] = Component(state, row.last_run)
    return Report(database=database_ok, broker=broker_ok, components=components)
