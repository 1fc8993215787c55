"""A real Celery worker renders a published report's PDF from the ``heavy`` queue into the
storage, against the PostgreSQL test database (Redis when REDIS_URL is set, else the embedded
filesystem broker)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from kombu import Connection

from reports.models import PublishedReport
from reports.publishing import publish
from reports.tasks import render_report_pdf
from tests.factories import MeasureFactory, ProgramFactory, ReportFactory
from tests.integration.test_celery_worker import (  # noqa: F401
    ROOT,
    _start_worker,
    _stop,
    worker_env,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_worker_renders_the_pdf_into_the_storage(
    worker_env,  # noqa: F811
    tmp_path,
    organization,
    coordinator,
    monkeypatch,
):
    # Publishing would queue the render on the suite's own queue: sent below instead.
    monkeypatch.setattr("reports.tasks.render_report_pdf.apply_async", lambda *a, **k: None)
    MeasureFactory(program=ProgramFactory(organization=organization), name="Trygge friminutt")
    published = publish(ReportFactory(organization=organization, title="Årsrapport"), coordinator)
    monkeypatch.undo()
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        # Production settings read the stylesheet through the static files' manifest, which
        # `make run` and every deployment make with collectstatic.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=worker_env,
            check=True,
        )
    queue = f"heavy-test-{uuid.uuid4().hex[:8]}"  # never shared with another worker
    log = tmp_path / "worker.log"
    if settings.REDIS_URL:
        worker_env["REDIS_URL"] = settings.REDIS_URL
        worker = _start_worker(worker_env, queue, log)
        send = {}
    else:
        queue_dir = tmp_path / "var" / "celery" / "queue"
        queue_dir.mkdir(parents=True)
        worker = _start_worker(worker_env, queue, log)
        broker = Connection(
            "filesystem://",
            transport_options={
                "data_folder_in": str(queue_dir),
                "data_folder_out": str(queue_dir),
                "control_folder": str(tmp_path / "control"),
            },
        )
        send = {"connection": broker}
    try:
        render_report_pdf.apply_async(args=[published.pk], queue=queue, **send)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.poll() is None:
            state = PublishedReport.objects.values_list("pdf_state", flat=True).get(pk=published.pk)
            if state in ("ready", "failed"):
                break
            time.sleep(0.5)
    finally:
        _stop(worker)
    stored = PublishedReport.objects.get(pk=published.pk)
    assert stored.pdf_state == "ready", log.read_text()
    assert stored.pdf_attempts == 1
    # The worker's storage is the file system under its VAR_DIR (the production default).
    on_disk = (tmp_path / "var" / "media" / stored.pdf.name).read_bytes()
    assert on_disk.startswith(b"%PDF")
    assert hashlib.sha256(on_disk).hexdigest() == stored.pdf_sha256
    assert "render_report_pdf" in log.read_text()
