"""The example production files (deploy/, gunicorn.conf.py) agree with the app's own limits.
tests/browser/test_production_stack.py runs them."""

from __future__ import annotations

import re
import runpy
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from measures.uploads import MAX_UPLOAD_SIZE

ROOT = Path(__file__).resolve().parent.parent
NGINX = (ROOT / "deploy" / "nginx" / "tiltakshjulet.conf").read_text()
UNITS = ROOT / "deploy" / "systemd"


def _nginx_seconds(directive: str) -> int:
    return int(re.search(rf"^\s*{directive}\s+(\d+)s;", NGINX, re.MULTILINE).group(1))


@pytest.fixture
def gunicorn_settings(monkeypatch) -> dict:
    for name in ("WEB_BIND", "WEB_CONCURRENCY", "WEB_TIMEOUT", "WEB_MAX_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_nginx_takes_the_largest_upload_and_its_form():
    megabytes = int(re.search(r"client_max_body_size\s+(\d+)m;", NGINX).group(1))
    assert MAX_UPLOAD_SIZE < megabytes * 1024 * 1024 <= MAX_UPLOAD_SIZE + 2 * 1024 * 1024
    assert megabytes * 1024 * 1024 > settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_each_layer_gives_up_after_the_one_behind_it(gunicorn_settings):
    # The database statement ends first (20 s, the production default; the test settings
    # raise it), then gunicorn's worker, then nginx's wait.
    assert gunicorn_settings["timeout"] > 20
    assert gunicorn_settings["timeout"] < _nginx_seconds("proxy_read_timeout")
    assert gunicorn_settings["graceful_timeout"] < _unit_stop_timeout("web")


def test_gunicorn_listens_where_nginx_sends(gunicorn_settings):
    assert gunicorn_settings["bind"] == ["127.0.0.1:8000"]
    assert "proxy_pass http://127.0.0.1:8000;" in NGINX
    assert gunicorn_settings["max_requests_jitter"] > 0
    assert gunicorn_settings["workers"] >= 3


def test_gunicorn_reads_its_settings_from_the_environment(gunicorn_settings, monkeypatch):
    monkeypatch.setenv("WEB_BIND", "127.0.0.1:9001")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("WEB_TIMEOUT", "40")
    configured = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (configured["bind"], configured["workers"], configured["timeout"]) == (
        ["127.0.0.1:9001"],
        3,
        40,
    )


def _unit_stop_timeout(unit: str) -> int:
    text = (UNITS / f"tiltakshjulet-{unit}.service").read_text()
    return int(re.search(r"^TimeoutStopSec=(\d+)$", text, re.MULTILINE).group(1))


def test_the_worker_consumes_every_queue_and_outlives_a_running_task():
    text = (UNITS / "tiltakshjulet-worker.service").read_text()
    assert "--queues celery,heavy" in text
    assert _unit_stop_timeout("worker") > settings.CELERY_TASK_TIME_LIMIT


def test_every_unit_reads_the_same_environment_file():
    for unit in ("web", "worker", "beat"):
        text = (UNITS / f"tiltakshjulet-{unit}.service").read_text()
        assert "EnvironmentFile=/etc/tiltakshjulet/env" in text
        assert "WorkingDirectory=/srv/tiltakshjulet" in text


def test_a_shell_reads_the_environment_file_as_systemd_does():
    """The release steps read it with `set -a; . /etc/tiltakshjulet/env`."""
    example = UNITS / "tiltakshjulet.env.example"
    shell = subprocess.run(
        ["bash", "-c", f'set -a; . "{example}"; env -0'],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    read = dict(item.split("=", 1) for item in shell.stdout.split("\0") if "=" in item)
    for line in example.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            assert read[name] == value.strip('"'), name
