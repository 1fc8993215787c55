"""Configuration comes from the environment and is parsed strictly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import check_redis_url, env_bool, env_int, env_list, env_str, parse_database_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("YES", True), ("1", True), ("off", False), ("0", False), ("No", False)],
)
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_it_rejects_a_malformed_boolean(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG='ture' is not a boolean"):
        env_bool("SOME_FLAG", False)


def test_it_uses_the_default_for_missing_or_blank_values(monkeypatch):
    monkeypatch.setenv("BLANK", "  ")
    monkeypatch.delenv("MISSING", raising=False)
    assert env_bool("BLANK", True) is True
    assert env_str("MISSING", "fallback") == "fallback"
    assert env_list("MISSING", ["a"]) == ["a"]


def test_it_reads_secrets_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-the-file\n")
    monkeypatch.setenv("SOME_SECRET", "from-the-variable")
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret))
    assert env_str("SOME_SECRET") == "from-the-file"


def test_it_rejects_an_unreadable_secret_file(monkeypatch, tmp_path):
    monkeypatch.setenv("SOME_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SOME_SECRET_FILE"):
        env_str("SOME_SECRET")


def test_it_rejects_bad_numbers(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("SOME_NUMBER", 1)
    monkeypatch.setenv("SOME_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("SOME_NUMBER", 1, minimum=1)


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.no, b.no,,")
    assert env_list("HOSTS", []) == ["a.no", "b.no"]


def test_it_parses_a_postgres_url():
    db = parse_database_url("postgres://app:s%40cret@db.example:6543/tiltak", base_dir=ROOT)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "tiltak",
        "app",
        "s@cret",
        "db.example",
        "6543",
    )


def test_it_bounds_connecting_and_each_statement_on_postgres():
    db = parse_database_url(
        "postgres://app@db.example/tiltak", base_dir=ROOT, connect_timeout=5, statement_timeout=20
    )
    assert db["OPTIONS"] == {"connect_timeout": 5, "options": "-c statement_timeout=20000"}


def test_timeouts_in_the_database_url_win():
    db = parse_database_url(
        "postgres://app@db.example/tiltak?connect_timeout=9&options=-c%20statement_timeout%3D0",
        base_dir=ROOT,
        connect_timeout=5,
        statement_timeout=20,
    )
    assert db["OPTIONS"] == {"connect_timeout": "9", "options": "-c statement_timeout=0"}


def test_other_server_options_in_the_url_are_kept():
    db = parse_database_url(
        "postgres://app@db.example/tiltak?options=-c%20search_path%3Dapp",
        base_dir=ROOT,
        statement_timeout=20,
    )
    assert db["OPTIONS"]["options"] == "-c search_path=app -c statement_timeout=20000"


def test_sqlite_waits_for_a_lock_as_long_as_the_statement_timeout():
    db = parse_database_url("sqlite:///var/db.sqlite3", base_dir=ROOT, statement_timeout=7)
    assert db["OPTIONS"]["timeout"] == 7


def test_it_parses_relative_and_absolute_sqlite_urls():
    assert parse_database_url("sqlite:///var/db.sqlite3", base_dir=ROOT)["NAME"] == str(
        ROOT / "var" / "db.sqlite3"
    )
    assert parse_database_url("sqlite:////tmp/x.sqlite3", base_dir=ROOT)["NAME"] == "/tmp/x.sqlite3"


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "postgres://u@h:port/db", "postgres://u@h:5432/", "sqlite://"]
)
def test_it_rejects_unsupported_or_malformed_database_urls(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        parse_database_url(url, base_dir=ROOT)


@pytest.mark.parametrize("url", ["http://localhost:6379", "redis://", "redis://h:port/0"])
def test_it_rejects_malformed_redis_urls(url):
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        check_redis_url(url)


def _run_manage(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "HTTPS",
            "ALLOWED_HOSTS",
            "SECRET_KEY_FILE",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_up_stops_on_a_malformed_boolean():
    result = _run_manage(["check"], DEBUG="maybe", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_start_up_stops_without_a_secret_key_when_debug_is_off():
    result = _run_manage(["check"])
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = _run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY="a-long-random-production-secret-" + "x7Qp9zL2" * 6,
        ALLOWED_HOSTS="tiltakshjulet.kommune.no",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_limits_of_database_and_heartbeats_by_default():
    # A process of its own: the test settings set a statement timeout of their own.
    unset = {"DATABASE_CONNECT_TIMEOUT", "DATABASE_STATEMENT_TIMEOUT", "HEALTH_PLANNER_MAX_AGE"}
    unset |= {"HEALTH_DISPATCHER_MAX_AGE", "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from config import settings as s; "
            "print(s.DATABASE_CONNECT_TIMEOUT, s.DATABASE_STATEMENT_TIMEOUT, s.HEALTH_HEARTBEATS)",
        ],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k not in unset}, "SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # Three beat periods: planning every 15 minutes, dispatch every minute.
    assert result.stdout.strip() == "5 20 {'planner': 2700, 'dispatcher': 180}"
