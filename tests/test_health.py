"""/healthz and `manage.py check_health`: real services, real timeouts, real heartbeats.

The check reads on a connection of its own, which sees committed rows only (see the
``heartbeats`` fixture).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import socket
import time
from contextlib import contextmanager, redirect_stdout

import pytest
import time_machine
from django.apps import apps
from django.core.management import ManagementUtility, call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse

from health.models import Heartbeat
from notifications.tasks import dispatch_reminders, plan_reminders
from tests.conftest import require_or_skip

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
LIMITS = {"planner": 2700, "dispatcher": 180}


@contextmanager
def silent_port():
    """A port that accepts connections and never answers: a frozen server, not a stopped one."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


def get_healthz(client):
    # The first request of a process imports every view module: not what is measured here.
    client.get("/no-such-page/")
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    return response, time.monotonic() - started


# The tests with rows for the check commit them from a second connection (the heartbeats
# fixture). SQLite's shared in-memory test database locks whole tables, so there they run
# outside a transaction instead.
with_committed_rows = pytest.mark.django_db(transaction=connection.vendor == "sqlite")


@pytest.fixture
def heartbeats(settings):
    """Switches the heartbeat checks on and writes rows the way a worker leaves them: committed,
    from a connection of its own, so the check's connection sees them (the test's own writes
    stay in its transaction). The rows found before are back afterwards."""
    settings.HEALTH_HEARTBEATS = LIMITS
    connection.ensure_connection()  # SQLite's in-memory database lives while this one is open
    other = connection.copy()
    insert = "INSERT INTO health_heartbeat (component, since, last_run) VALUES (%s, %s, %s)"
    adapt = other.ops.adapt_datetimefield_value
    with other.cursor() as cursor:
        cursor.execute("SELECT component, since, last_run FROM health_heartbeat")
        found = cursor.fetchall()
        cursor.execute("DELETE FROM health_heartbeat")

    def leave(component, *, last_run=None, since=NOW):
        with other.cursor() as cursor:
            cursor.execute(insert, [component, adapt(since), adapt(last_run)])

    yield leave
    with other.cursor() as cursor:
        cursor.execute("DELETE FROM health_heartbeat")
        for row in found:
            cursor.execute(insert, [row[0], adapt(row[1]), adapt(row[2])])
    other.close()


@with_committed_rows
def test_it_reports_ok_when_everything_answers_and_runs(client, heartbeats):
    heartbeats("planner", last_run=NOW)
    heartbeats("dispatcher", last_run=NOW)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "planner": {"status": "ok", "last_run": "2026-12-07T09:00:00+00:00"},
        "dispatcher": {"status": "ok", "last_run": "2026-12-07T09:00:00+00:00"},
    }
    assert "no-cache" in response["Cache-Control"]


@with_committed_rows
@pytest.mark.parametrize("component", ["planner", "dispatcher"])
@pytest.mark.parametrize(("past_limit", "status", "state"), [(0, 200, "ok"), (1, 503, "stale")])
def test_a_heartbeat_goes_stale_one_second_past_its_limit(
    client, heartbeats, component, past_limit, status, state
):
    age = LIMITS[component] + past_limit
    for name in LIMITS:
        heartbeats(name, last_run=NOW - dt.timedelta(seconds=age if name == component else 0))
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("healthz"))
    assert response.status_code == status
    assert response.json()["status"] == ("ok" if status == 200 else "unavailable")
    assert response.json()[component]["status"] == state


@with_committed_rows
@pytest.mark.parametrize(
    ("installed_ago", "status", "state"),
    [(180, 200, "starting"), (181, 503, "never ran")],
)
def test_a_component_that_never_ran_gets_one_limit_from_installation(
    client, heartbeats, installed_ago, status, state
):
    heartbeats("planner", last_run=NOW)
    heartbeats("dispatcher", since=NOW - dt.timedelta(seconds=installed_ago))
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("healthz"))
    assert response.status_code == status
    assert response.json()["dispatcher"] == {"status": state, "last_run": None}


@with_committed_rows
def test_a_component_without_a_row_never_ran(client, heartbeats):
    heartbeats("dispatcher", last_run=NOW)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["planner"] == {"status": "never ran", "last_run": None}


def test_installation_creates_the_rows_a_fresh_site_is_judged_from(db):
    installation = importlib.import_module("health.migrations.0001_initial")
    Heartbeat.objects.all().delete()
    with time_machine.travel(NOW, tick=False):
        installation.create_rows(apps, None)
    assert {(h.component, h.since, h.last_run) for h in Heartbeat.objects.all()} == {
        ("planner", NOW, None),
        ("dispatcher", NOW, None),
    }


def test_each_run_of_the_periodic_tasks_leaves_a_heartbeat(db):
    Heartbeat.objects.all().delete()
    with time_machine.travel(NOW, tick=False):
        dispatch_reminders()
    assert {h.component: h.last_run for h in Heartbeat.objects.all()} == {"dispatcher": NOW}
    later = NOW + dt.timedelta(minutes=15)
    with time_machine.travel(later, tick=False):
        plan_reminders()
        dispatch_reminders()
    beats = {h.component: h.last_run for h in Heartbeat.objects.all()}
    assert beats == {"planner": later, "dispatcher": later}
    assert Heartbeat.objects.count() == 2  # the same rows, moved on


def test_planning_by_hand_leaves_no_heartbeat(db):
    Heartbeat.objects.all().delete()
    call_command("plan_reminders", stdout=io.StringIO())
    assert not Heartbeat.objects.exists()


def test_every_connection_of_the_site_has_the_statement_timeout(db, settings):
    require_or_skip(connection.vendor == "postgresql", "a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'")
        assert int(cursor.fetchone()[0]) == settings.DATABASE_STATEMENT_TIMEOUT * 1000
    assert connection.get_connection_params()["connect_timeout"] == 5


# --- failure modes: answered with 503 within 2 s -------------------------------------------


def test_a_frozen_database_gives_503_within_two_seconds(client, db):
    require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL's table locks")
    locker = connection.get_new_connection(connection.get_connection_params())
    try:
        with locker.cursor() as cursor:
            cursor.execute("LOCK TABLE health_heartbeat IN ACCESS EXCLUSIVE MODE")
        response, elapsed = get_healthz(client)
    finally:
        locker.rollback()
        locker.close()
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert elapsed < 2


@pytest.mark.parametrize("port", ["closed", "silent"])
def test_an_unreachable_or_silent_database_gives_503_within_two_seconds(
    client, db, monkeypatch, settings, port
):
    require_or_skip(connection.vendor == "postgresql", "a database server")
    settings.HEALTH_HEARTBEATS = LIMITS
    with silent_port() as silent:
        elsewhere = {
            **connections.settings[DEFAULT_DB_ALIAS],
            "HOST": "127.0.0.1",
            "PORT": str(closed_port() if port == "closed" else silent),
        }
        # Only the check's own connection is made from these settings; the test's is open.
        with monkeypatch.context() as patched:
            patched.setitem(connections.settings, DEFAULT_DB_ALIAS, elsewhere)
            response, elapsed = get_healthz(client)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "broker": "ok",
        "planner": {"status": "unknown", "last_run": None},
        "dispatcher": {"status": "unknown", "last_run": None},
    }
    assert elapsed < 2


@pytest.mark.parametrize("port", ["closed", "silent"])
def test_an_unreachable_or_silent_broker_gives_503_within_two_seconds(client, db, settings, port):
    with silent_port() as silent:
        settings.CELERY_BROKER_URL = (
            f"redis://127.0.0.1:{closed_port() if port == 'closed' else silent}/0"
        )
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
        response, elapsed = get_healthz(client)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unavailable"}
    assert elapsed < 2


# --- manage.py check_health ----------------------------------------------------------------


def run_check_health() -> tuple[int, str]:
    output = io.StringIO()
    with redirect_stdout(output), pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "check_health"]).execute()
        raise SystemExit(0)  # execute() returns when the command succeeds
    return exited.value.code, output.getvalue()


@with_committed_rows
def test_check_health_exits_0_when_healthy(heartbeats):
    heartbeats("planner", last_run=NOW)
    heartbeats("dispatcher", last_run=NOW)
    with time_machine.travel(NOW, tick=False):
        code, output = run_check_health()
    assert code == 0
    assert "status: ok" in output
    assert "dispatcher: ok (last run: 2026-12-07T09:00:00+00:00)" in output


@with_committed_rows
def test_check_health_exits_2_and_names_what_fails(heartbeats, capsys):
    heartbeats("planner", last_run=NOW)
    heartbeats("dispatcher", last_run=NOW)
    with time_machine.travel(NOW + dt.timedelta(seconds=181), tick=False):
        code, output = run_check_health()
    assert code == 2
    assert "dispatcher: stale (last run: 2026-12-07T09:00:00+00:00)" in output
    assert "planner: ok" in output
    assert "unhealthy: dispatcher\n" in capsys.readouterr().err
