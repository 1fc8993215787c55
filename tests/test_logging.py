"""Structured logs (config/logs.py): every line a JSON object with the time, the request id, the
person and the organisation; the id returned to the client and carried into Celery tasks."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from celery import shared_task
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from config import logs
from config.celery import app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def log_lines():
    """The lines the configured console handler writes (settings.LOGGING), read back."""
    handler = next(
        h for h in logging.getLogger().handlers if isinstance(h.formatter, logs.JsonFormatter)
    )
    buffer = io.StringIO()
    # Swapped without setStream(), which flushes the stream it replaces: in a whole run that
    # is the stderr pytest captured when logging was configured, long closed by now.
    previous, handler.stream = handler.stream, buffer

    def lines() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield lines
    handler.stream = previous


def _not_found(login, user, organization, **headers):
    client = login(user)
    url = reverse("measure_detail", args=[organization.slug, 987654])
    response = client.get(url, headers=headers)
    assert response.status_code == 404
    return response


def test_a_request_logs_json_with_its_id_person_and_organisation(
    login, coordinator, organization, log_lines
):
    response = _not_found(login, coordinator, organization)

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["level"] == "WARNING"
    assert line["message"].startswith("Not Found: /o/testvik/measures/987654/")
    assert line["request_id"] == request_id
    assert line["user_id"] == coordinator.pk
    assert line["organization"] == "testvik"
    assert line["time"].endswith("Z")
    assert datetime.fromisoformat(line["time"]).utcoffset().total_seconds() == 0


def test_each_request_gets_its_own_id(client):
    first = client.get(reverse("login"))["X-Request-ID"]
    second = client.get(reverse("login"))["X-Request-ID"]
    assert first != second


@pytest.mark.parametrize("incoming", ["a", "lb-7f3a.Z_9", "x" * 128])
def test_a_sane_incoming_id_is_kept(client, incoming):
    response = client.get(reverse("login"), headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming", ["", "x" * 129, "two words", "a\u00e6b", "id;drop", 'quo"te', "a/b"]
)
def test_an_insane_incoming_id_is_replaced(client, incoming):
    response = client.get(reverse("login"), headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_the_incoming_id_reaches_the_log(login, coordinator, organization, log_lines):
    _not_found(login, coordinator, organization, **{"X-Request-ID": "proxy-123"})
    [line] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == "proxy-123"


def test_an_anonymous_request_logs_no_person_or_organisation(client, log_lines):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    [line] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == response["X-Request-ID"]
    assert "user_id" not in line
    assert "organization" not in line


def test_an_exception_is_one_line_with_its_traceback(log_lines):
    try:
        raise ValueError("broken")
    except ValueError:
        logging.getLogger("tiltak.test").exception("it failed")
    [line] = log_lines()
    assert line["message"] == "it failed"
    assert "ValueError: broken" in line["exception"]


def test_text_format_reads_as_one_plain_line_with_the_context():
    record = logging.LogRecord("tiltak.test", logging.INFO, __file__, 1, "hello %s", ("x",), None)
    with logs.bound(request_id="abc", organization="testvik"):
        logs.ContextFilter().filter(record)
    line = logs.TextFormatter().format(record)
    assert line.endswith(" INFO tiltak.test hello x [request_id=abc organization=testvik]")
    # Local time with its offset, e.g. 2026-12-07T16:05:00+01:00.
    assert datetime.fromisoformat(line.split(" ")[0]).utcoffset() is not None


def _log_in_a_fresh_process(**env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import django, logging, warnings; django.setup(); "
        "logging.getLogger('tiltak.test').warning('hello'); warnings.warn('careful')"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_log_format_setting_chooses_json_or_text():
    as_json = _log_in_a_fresh_process()
    hello, warning = map(json.loads, as_json.stderr.splitlines())
    assert hello["message"] == "hello"
    assert warning["logger"] == "py.warnings" and "UserWarning: careful" in warning["message"]
    as_text = _log_in_a_fresh_process(LOG_FORMAT="text")
    assert as_text.stderr.splitlines()[0].endswith(" WARNING tiltak.test hello")
    wrong = _log_in_a_fresh_process(LOG_FORMAT="xml")
    assert wrong.returncode != 0
    assert "LOG_FORMAT must be one of json, text" in wrong.stderr


# --- Celery --------------------------------------------------------------------------------


@shared_task(name="tests.test_logging.log_something")
def log_something() -> None:
    logging.getLogger("tiltak.test").info("inside the task")


@pytest.fixture
def worker_logging():
    """The worker sets up logging anew from Django's LOGGING (the setup_logging signal, as a
    real worker does), to this test's captured stderr; the suite's handlers come back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_task_queued_during_a_request_logs_that_request_id(worker_logging, capsys):
    """Published on the broker and run by a worker (in this process), as in production."""
    queue = f"test-logging-{uuid.uuid4().hex}"
    lines: list[dict] = []
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
    ):
        with logs.bound(request_id="req-42"):
            result = log_something.apply_async(queue=queue)
        deadline = time.monotonic() + 20
        while not lines and time.monotonic() < deadline:
            time.sleep(0.1)
            lines += [
                line
                for line in map(json.loads, capsys.readouterr().err.splitlines())
                if line["message"] == "inside the task"
            ]
    [line] = lines
    assert line["request_id"] == "req-42"
    assert line["task_id"] == result.id
    assert line["task_name"] == "tests.test_logging.log_something"
    assert logs.current() == {}


def test_a_task_run_eagerly_in_a_request_logs_that_request_id(log_lines):
    with logs.bound(request_id="req-7", organization="testvik"):
        log_something.apply()
        assert logs.current()["organization"] == "testvik"
    [line] = [line for line in log_lines() if line["message"] == "inside the task"]
    assert line["request_id"] == "req-7"
    assert line["task_name"] == "tests.test_logging.log_something"


def test_a_task_queued_outside_a_request_has_no_request_id(log_lines):
    log_something.apply()
    [line] = [line for line in log_lines() if line["message"] == "inside the task"]
    assert "request_id" not in line
    assert line["task_name"] == "tests.test_logging.log_something"


def test_sentry_starts_only_with_a_dsn_and_without_personal_data():
    code = (
        "import django, sentry_sdk; django.setup(); client = sentry_sdk.get_client(); "
        "o = client.options if client.is_active() else {}; "
        "print(client.is_active(), o.get('send_default_pii'), o.get('include_local_variables'))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    env.pop("SENTRY_DSN", None)
    run = [sys.executable, "-c", code]
    without = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert without.stdout.split() == ["False", "None", "None"]
    # Nothing is sent: no event happens in this process, and the address is closed.
    env["SENTRY_DSN"] = "http://public@127.0.0.1:9/1"
    with_dsn = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert with_dsn.stdout.split() == ["True", "False", "False"]
