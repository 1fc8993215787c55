"""The restore drill of docs/backup.md, run for real: dump the database, restore the dump into
a new database, check the application against it, compare the rows.

On PostgreSQL this uses the system's pg_dump and pg_restore (custom format), as the drill does;
with SQLite it copies the database with SQLite's backup API instead.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from tests.conftest import require_or_skip
from tests.factories import MeasurementFactory, MembershipFactory

ROOT = Path(settings.BASE_DIR)


def _counts(cursor) -> dict[str, int]:
    tables = sorted(m._meta.db_table for m in apps.get_models(include_auto_created=True))
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _manage(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _postgres_args(db: dict) -> list[str]:
    args = ["--host", db["HOST"] or "127.0.0.1", "--username", db["USER"] or "postgres"]
    return [*args, "--port", str(db["PORT"])] if db["PORT"] else args


@pytest.mark.django_db(transaction=True)
def test_the_restore_drill_gives_back_every_row(tmp_path):
    MembershipFactory()
    for _ in range(3):
        MeasurementFactory()
    with connection.cursor() as cursor:
        before = _counts(cursor)
    assert before["measures_measurement"] == 3

    db = connection.settings_dict
    if connection.vendor == "postgresql":
        require_or_skip(
            bool(shutil.which("pg_dump") and shutil.which("pg_restore")), "pg_dump is missing"
        )
        restored = f"{db['NAME']}_drill_{uuid.uuid4().hex[:8]}"
        env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
        dump = tmp_path / "tiltak.dump"
        # The drill: pg_dump -Fc, createdb, pg_restore --no-owner into the new database.
        subprocess.run(
            ["pg_dump", *_postgres_args(db), "--format=custom", f"--file={dump}", db["NAME"]],
            env=env,
            check=True,
            timeout=300,
        )
        subprocess.run(["createdb", *_postgres_args(db), restored], env=env, check=True, timeout=60)
        try:
            subprocess.run(
                [
                    "pg_restore",
                    *_postgres_args(db),
                    "--no-owner",
                    f"--dbname={restored}",
                    str(dump),
                ],
                env=env,
                check=True,
                timeout=300,
            )
            user = db["USER"] or "postgres"
            host = db["HOST"] or "127.0.0.1"
            port = db["PORT"] or 5432
            url = f"postgres://{user}:{db['PASSWORD'] or ''}@{host}:{port}/{restored}"
            import psycopg2

            other = psycopg2.connect(
                dbname=restored, user=user, host=host, port=port, password=db["PASSWORD"] or ""
            )
            try:
                after = _counts(other.cursor())
            finally:
                other.close()
            checks = _manage(url, "migrate", "--check")
            health = _manage(url, "check_health")
        finally:
            subprocess.run(
                ["dropdb", *_postgres_args(db), "--if-exists", "--force", restored],
                env=env,
                check=True,
                timeout=60,
            )
    else:
        copy = tmp_path / "restored.sqlite3"
        with sqlite3.connect(copy) as target:
            connection.ensure_connection()
            connection.connection.backup(target)
        with sqlite3.connect(copy) as target:
            after = _counts(target.cursor())
        url = f"sqlite:///{copy}"
        checks = _manage(url, "migrate", "--check")
        health = _manage(url, "check_health")

    assert after == before
    assert checks.returncode == 0, checks.stdout + checks.stderr
    # The periodic tasks do not run here, so only the database line must say ok.
    assert "database: ok" in health.stdout, health.stdout + health.stderr
