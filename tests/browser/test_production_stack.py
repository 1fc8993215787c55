"""The production stack as docs/deploy.md describes it, started from the repository's own files,
and one person's journey through it in a browser.

- The commands are the ``ExecStart`` lines of deploy/systemd/ (gunicorn with gunicorn.conf.py,
  a Celery worker on the ``celery`` and ``heavy`` queues, beat), run with the example
  environment file's settings, on PostgreSQL and Redis.
- The release steps run first: ``migrate`` and ``collectstatic`` (into a temporary folder),
  with DEBUG off, so whitenoise serves the collected files. The database is the test
  database (a full ``migrate`` of a new one alone would take longer than the whole test).
- /healthz must answer 200 with fresh heartbeats from the planner and the dispatcher: beat
  queued them and the worker ran them. Beat starts from a schedule file whose runs are an hour
  old, as after an upgrade that kept it stopped for an hour, so it queues them at once
  (a new schedule file would wait a whole period, up to 15 minutes).
- A coordinator signs in (password and second factor), creates a measure and finds it in the
  list; every static file the pages ask for arrives.
- Everything stops cleanly: each process exits on SIGTERM within its unit's stop timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from kombu import Connection
from playwright.sync_api import expect

from tests.browser.conftest import EXPECT_TIMEOUT_MS
from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
VENV_BIN = Path(sys.executable).parent
DEPLOYED_BIN = "/srv/tiltakshjulet/.venv/bin/"
QUEUES = ("celery", "heavy")

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def _exec_start(unit: str) -> list[str]:
    """The unit's command, with this checkout's virtual environment in place of the deployed one."""
    for line in (UNITS / f"tiltakshjulet-{unit}.service").read_text().splitlines():
        if line.startswith("ExecStart="):
            command = shlex.split(line.removeprefix("ExecStart="))
            return [part.replace(DEPLOYED_BIN, f"{VENV_BIN}/") for part in command]
    raise AssertionError(f"no ExecStart in the {unit} unit")


def _example_environment() -> dict[str, str]:
    values = {}
    for line in (UNITS / "tiltakshjulet.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value.removeprefix('"').removesuffix('"')  # as systemd reads it
    return values


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@dataclass
class Stack:
    url: str
    env: dict[str, str]
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def run(self, *command: str) -> str:
        """A one-off command (a release step) in the stack's environment."""
        done = subprocess.run(
            command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self, name: str, command: list[str]) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def check_running(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                pytest.fail(f"{name} exited with {process.returncode}:\n{self.log(name)}")

    def stop(self) -> dict[str, int | None]:
        """SIGTERM to each, as systemd stops a unit; the exit status of each (None: killed)."""
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        statuses: dict[str, int | None] = {}
        for name, process in self.processes.items():
            try:
                statuses[name] = process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                statuses[name] = None
        return statuses


def _test_database_url() -> str:
    """The test database, which the same migrations made: the stack works in it, and the
    suite empties it after the test (``transactional_db``). A database made and migrated
    here would take longer than the whole test on two cores (``migrate`` runs anyway, and
    finds nothing left to do)."""
    require_or_skip(connection.vendor == "postgresql", "the production stack needs PostgreSQL")
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def _purge(redis_url: str) -> None:
    """Nothing the stack queued is left for a later worker on the same Redis."""
    with Connection(redis_url) as broker:
        for queue in QUEUES:
            # A queue never declared has nothing to purge.
            with contextlib.suppress(*broker.channel_errors):
                broker.default_channel.queue_purge(queue)


# Run in the stack's environment before beat starts: its schedule file as an hour-long stop
# would leave it, each task's last run an hour ago.
OVERDUE_SCHEDULE = """
from datetime import timedelta
from celery.beat import PersistentScheduler
from config.celery import app
scheduler = PersistentScheduler(app=app, schedule_filename=app.conf.beat_schedule_filename)
for entry in scheduler.schedule.values():
    entry.last_run_at -= timedelta(hours=1)
scheduler.sync()
scheduler.close()
"""


@pytest.fixture
def stack(transactional_db, tmp_path) -> Iterator[Stack]:
    require_or_skip(bool(settings.REDIS_URL), "the production stack needs Redis (REDIS_URL)")
    database_url = _test_database_url()
    port = _free_port()
    env = {
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        **_example_environment(),
    }
    for local in ("SECRET_KEY_FILE", "EMAIL_HOST", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD_FILE"):
        env.pop(local)  # the machine's secrets and SMTP server: not here
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="production-stack-test-secret-key-not-used-anywhere-else-0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        HTTPS="false",  # plain HTTP on loopback, no nginx in front
        BEHIND_PROXY="false",
        DATABASE_URL=database_url,
        REDIS_URL=settings.REDIS_URL,
        VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        WEB_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
    )
    (tmp_path / "logs").mkdir()
    (tmp_path / "var").mkdir()  # systemd's StateDirectory= makes it in production
    stack = Stack(url=f"http://127.0.0.1:{port}", env=env, logs=tmp_path / "logs")
    try:
        yield stack
    finally:
        stack.stop()
        _purge(settings.REDIS_URL)


def _wait_for_heartbeats(stack: Stack) -> dict:
    """/healthz once it answers 200 with both heartbeats fresh (``ok``, not ``starting``)."""
    deadline = time.monotonic() + 40
    report: dict = {}
    while time.monotonic() < deadline:
        stack.check_running()
        try:
            status, report = _get(f"{stack.url}/healthz")
        except (OSError, ValueError):
            status = 0  # gunicorn not listening yet
        components = (report.get("planner", {}), report.get("dispatcher", {}))
        if status == 200 and all(c.get("status") == "ok" for c in components):
            return report
        time.sleep(0.5)
    pytest.fail(
        f"no healthy report with heartbeats: {report}\n"
        + "\n".join(f"--- {name}\n{stack.log(name)}" for name in stack.processes)
    )


def test_the_production_stack_serves_a_coordinator_who_creates_a_measure(stack, browser):
    started = time.monotonic()
    # The release: the database and the static files, then the organisation.
    stack.run(sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0")
    stack.run(sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0")
    seed = json.loads(
        stack.run(sys.executable, "-m", "tests.browser.production_seed").splitlines()[-1]
    )
    stack.run(sys.executable, "-c", OVERDUE_SCHEDULE)

    stack.start("worker", [*_exec_start("worker"), "--concurrency", "1"])
    stack.start("beat", _exec_start("beat"))
    stack.start("web", _exec_start("web"))
    report = _wait_for_heartbeats(stack)
    assert report["database"] == report["broker"] == "ok"
    worker_command = _exec_start("worker")
    assert worker_command[worker_command.index("--queues") + 1] == ",".join(QUEUES)

    context = browser.new_context(base_url=stack.url, locale="nb-NO", reduced_motion="reduce")
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    context.set_default_navigation_timeout(15_000)
    page = context.new_page()
    static: list[tuple[int, str]] = []
    page.on(
        "response",
        lambda r: static.append((r.status, r.url)) if "/static/" in r.url else None,
    )
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto("/accounts/login/")
        page.locator("input[name='username']").fill(seed["email"])
        page.locator("main form button[type='submit']").click()
        page.locator("input[name='password']").fill(seed["password"])
        page.locator("main form button[type='submit']").click()
        page.locator("input[name='code']").fill(seed["code"])
        page.locator("main form button[type='submit']").first.click()
        expect(page).to_have_url(f"{stack.url}/o/{seed['slug']}/")

        page.goto(f"/o/{seed['slug']}/measures/new/")
        form = page.locator("#measure-form")
        form.locator("select[name='program']").select_option(str(seed["program"]))
        form.locator("input[name='name']").fill("Leksehjelp i drift")
        form.locator("button[type='submit']").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Leksehjelp i drift")

        page.goto(f"/o/{seed['slug']}/measures/")
        expect(page.get_by_role("link", name="Leksehjelp i drift")).to_be_visible()
    finally:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"
    assert static, "the pages asked for no static files"
    assert all(status == 200 for status, _url in static), static

    statuses = stack.stop()
    assert statuses == {"worker": 0, "beat": 0, "web": 0}, {
        name: stack.log(name) for name, status in statuses.items() if status != 0
    }
    took = time.monotonic() - started
    print(f"\n[production stack] release, start, journey and stop in {took:.1f} s")
