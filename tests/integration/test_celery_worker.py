"""A real Celery worker process executes the invitation task: on Redis (production, CI) and
on the embedded filesystem broker (``make run``), against the PostgreSQL test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from kombu import Connection

from organizations.tasks import send_invitation_email
from tests.conftest import require_or_skip
from tests.factories import InvitationFactory, OrganizationFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _test_database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def worker_env(tmp_path):
    require_or_skip(
        connection.vendor == "postgresql",
        "a worker process can share the test database only on PostgreSQL (set DATABASE_URL)",
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=_test_database_url(),
        SECRET_KEY="integration-test-secret",
        HTTPS="false",
        SITE_URL="https://tiltak.kommune.test",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        VAR_DIR=str(tmp_path / "var"),
    )
    return env


def _start_worker(env: dict[str, str], queue: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            f"--queues={queue}",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _wait_for_mail(folder: Path, worker: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.log")) if folder.exists() else []
        # The file backend creates the file before it writes the message, and ends each
        # message with a line of dashes: read it only when the message is all there.
        text = files[0].read_text() if files else ""
        if "-" * 79 in text:
            return text
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"no email from the worker; its log:\n{log.read_text()}")


def _stop(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


def _committed_invitation():
    organization = OrganizationFactory(name="Integrasjon kommune", written_standard="nb")
    return InvitationFactory.create_with_token(organization=organization)


def test_a_worker_on_redis_sends_the_invitation(worker_env, tmp_path):
    require_or_skip(bool(settings.REDIS_URL), "REDIS_URL is not set")
    invitation, token = _committed_invitation()
    queue = f"test-{uuid.uuid4().hex[:8]}"  # never shared with another worker
    worker_env["REDIS_URL"] = settings.REDIS_URL
    log = tmp_path / "worker.log"
    worker = _start_worker(worker_env, queue, log)
    try:
        send_invitation_email.apply_async(args=[invitation.pk, token], queue=queue)
        message = _wait_for_mail(tmp_path / "mail", worker, log)
    finally:
        _stop(worker)
    assert f"To: {invitation.email}" in message
    assert f"https://tiltak.kommune.test/invitations/{token}/" in message
    assert "Integrasjon kommune" in message
    assert "redis://" in log.read_text()


def test_a_worker_on_the_embedded_broker_sends_the_invitation(worker_env, tmp_path):
    invitation, token = _committed_invitation()
    queue_dir = tmp_path / "var" / "celery" / "queue"
    queue_dir.mkdir(parents=True)
    log = tmp_path / "worker.log"
    worker = _start_worker(worker_env, "celery", log)
    try:
        with Connection(
            "filesystem://",
            transport_options={
                "data_folder_in": str(queue_dir),
                "data_folder_out": str(queue_dir),
                "control_folder": str(tmp_path / "control"),
            },
        ) as broker:
            send_invitation_email.apply_async(
                args=[invitation.pk, token], connection=broker, queue="celery"
            )
        message = _wait_for_mail(tmp_path / "mail", worker, log)
    finally:
        _stop(worker)
    assert f"https://tiltak.kommune.test/invitations/{token}/" in message
    assert "filesystem://" in log.read_text()
