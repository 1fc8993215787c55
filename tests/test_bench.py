"""`manage.py bench` end to end at a tiny scale: seeds, serves with gunicorn, loads every key
page with autocannon and writes its JSON. A smoke test: no timing is asserted (the machine
running the suite is busy with other work); every page must answer without an error."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "home",
    "notifications",
    "phase_gate",
    "measure_list",
    "measure",
    "lessons_search",
    "published_report",
    "dashboard",
    "report_pdf",
    "feed_full",
    "feed_conditional",
    "wheel",
    "wheel_quarter",
    "wheel_month",
    "agenda",
}


def database_url() -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    port = settings["PORT"] or 5432
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{port}/{settings['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_it_measures_every_key_page_without_errors(tmp_path: Path) -> None:
    require_or_skip(connection.vendor == "postgresql", "the benchmark needs PostgreSQL")
    require_or_skip(shutil.which("node") is not None, "the benchmark needs node")
    require_or_skip((ROOT / "node_modules" / "autocannon").exists(), "npm ci installs autocannon")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # The test database: seeded by the command, emptied again when this test ends.
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "HTTPS": "false",
        "BENCH_FLOOR_PAGE": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": "bench-smoke-test-secret-key-not-for-production",
        "VAR_DIR": str(tmp_path),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "manage.py",
        "bench",
        "--keep-database",
        "--scale=0.02",
        "--duration=1",
        "--emails=10",
        f"--output={tmp_path}",
    ]
    connection.close()  # the command's own connections see what it commits, and so do we
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]

    [written] = tmp_path.glob("*.json")
    result = json.loads(written.read_text())
    run = result["runs"]["municipality"]
    assert {page["key"] for page in run["pages"]} == PAGES
    for page in run["pages"]:
        # The conditional poll of the feed is answered "not modified"; the stored PDF is ready.
        assert page["status"] == (304 if page["key"] == "feed_conditional" else 200), page["key"]
        if page["key"] == "feed_conditional":  # every poll under load is answered "not modified"
            assert set(page["load"]["statuses"]) == {"304"}, page["load"]["statuses"]
        assert page["queries"] > 0, page["key"]
        assert page["load"]["errors"] == 0, (page["key"], page["load"])
        assert {check["budget"] for check in page["budgets"]}, page["key"]
    assert all(load["errors"] == 0 for load in run["floor"]["loads"])
    assert len(run["floor"]["loads"]) == len(PAGES) + 1
    assert run["planner"]["occurrences"] > 0
    assert run["dispatcher"]["emails"] > 0
    assert result["sizes"]["measures"] == 10
    assert "organisation home" in done.stdout  # the table
