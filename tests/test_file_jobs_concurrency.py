"""Two identical requests for a file at the same moment (a double click on the wheel's "PDF")
make one job: the person's row lock decides, not luck. Threads with their own database
connections, on committed data (a transactional test)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection

from filejobs import services
from filejobs.models import FileJob
from tests.conftest import require_or_skip
from tests.reports.test_pdf_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql():
    require_or_skip(connection.vendor == "postgresql", "row locks need PostgreSQL")


def test_two_identical_requests_at_once_make_one_job(organization, member, monkeypatch):
    monkeypatch.setattr("filejobs.tasks.build_file.apply_async", lambda *a, **k: None)
    create = FileJob.objects.create

    def slow_create(**fields):
        job = create(**fields)
        time.sleep(0.3)  # without the lock, the other request finds nothing meanwhile
        return job

    monkeypatch.setattr(FileJob.objects, "create", slow_create)

    def ask():
        return services.request_file(
            organization=organization,
            user=member,
            kind=FileJob.Kind.WHEEL_PDF,
            parameters="year=2026",
            reuse_within=dt.timedelta(minutes=5),
        ).pk

    first, second = run_together(ask, ask)
    assert first == second
    assert FileJob.objects.count() == 1
