"""The audit trail as CSV, built by a worker for the person who asked: queued on commit, built
once, downloaded by them alone, kept for a week, retried with backoff when it fails."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from filejobs import services
from filejobs.kinds import job_kind
from filejobs.models import FileJob
from tests.factories import MeasureFactory, ProgramFactory


@pytest.fixture
def queued(monkeypatch):
    sent = []

    def apply_async(args, countdown=None, **options):
        sent.append((args[0], countdown))

    monkeypatch.setattr("filejobs.tasks.build_file.apply_async", apply_async)
    return sent


@pytest.fixture
def english(coordinator, admin_user):
    for user in (coordinator, admin_user):
        user.language = "en"
        user.save()


def export_url(organization):
    return reverse("audit_trail_export", args=[organization.slug])


def job_url(job, name="file_job"):
    return reverse(name, args=[job.organization.slug, job.pk])


def test_the_whole_trail_is_built_by_a_worker_and_downloaded_by_the_one_who_asked(
    login,
    coordinator,
    admin_user,
    organization,
    queued,
    english,
    django_capture_on_commit_callbacks,
):
    measure = MeasureFactory(program=ProgramFactory(organization=organization), name="Leksehjelp")
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(export_url(organization), {"measure": measure.pk})
    job = FileJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job_url(job)
    assert (job.requested_by, job.state, job.parameters) == (
        coordinator,
        "queued",
        f"measure={measure.pk}",
    )
    assert queued == [(job.pk, None)]
    assert job.expires_at == job.requested_at + dt.timedelta(days=settings.FILE_JOBS_KEEP_DAYS)
    assert app.amqp.router.route({}, "filejobs.tasks.build_file")["queue"].name == "heavy"

    page = client.get(job_url(job))
    assert page.status_code == 200
    text = page.content.decode()
    assert "The file is being prepared" in text
    assert f'data-progress-url="{job_url(job)}?progress"' in text
    assert client.get(job_url(job), {"progress": ""}).json() == {"state": "queued"}
    # Before it is built, the download leads back to the page.
    assert client.get(job_url(job, "file_job_download"))["Location"] == job_url(job)

    assert services.build(job.pk) == "ready"
    assert services.build(job.pk) == "skipped"  # a duplicate message builds nothing
    job.refresh_from_db()
    assert job.state == "ready" and job.rows >= 1
    assert client.get(job_url(job), {"progress": ""}).json() == {"state": "ready"}
    assert "The file is ready" in client.get(job_url(job)).content.decode()
    download = client.get(job_url(job, "file_job_download"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="testvik-audit-')
    assert "no-store" in download["Cache-Control"]
    csv = b"".join(download.streaming_content).decode("utf-8-sig")
    assert csv.startswith("When;Who;Kind of record;")
    assert "Leksehjelp" in csv

    # Another administrator may read the trail, but not someone else's file.
    other = login(admin_user)
    assert other.get(job_url(job)).status_code == 404
    assert other.get(job_url(job, "file_job_download")).status_code == 404


def test_the_file_is_in_the_language_of_the_person_who_asked(
    login, coordinator, organization, queued
):
    coordinator.language = "nn"
    coordinator.save()
    login(coordinator).post(export_url(organization))
    job = FileJob.objects.get()
    services.build(job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as file:
        assert file.read().decode("utf-8-sig").startswith("Når;")


def test_filters_with_an_error_go_back_to_the_trail_and_ask_for_nothing(
    login, coordinator, organization, queued
):
    response = login(coordinator).post(
        export_url(organization), {"date_from": "02.03.2026", "date_to": "01.03.2026"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("audit_trail", args=[organization.slug]))
    assert not FileJob.objects.exists()


def test_a_person_who_lost_the_audit_trail_cannot_fetch_a_file_asked_for_before(
    login, coordinator, organization, queued
):
    client = login(coordinator)
    client.post(export_url(organization))
    job = FileJob.objects.get()
    services.build(job.pk)
    membership = coordinator.memberships.get()
    membership.role = "member"
    membership.save()
    assert client.get(job_url(job, "file_job_download")).status_code == 403


def test_a_failing_build_is_retried_with_backoff_then_shown_as_failed(
    login,
    coordinator,
    organization,
    queued,
    monkeypatch,
    english,
    django_capture_on_commit_callbacks,
):
    def broken(job):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(job_kind(FileJob.Kind.AUDIT_TRAIL), "build", broken)
    client = login(coordinator)
    client.post(export_url(organization), {"kind": "measures.measure"})
    job = FileJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert services.build(job.pk) == "failed"
    assert queued == [(job.pk, 60), (job.pk, 240)]
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == ("failed", 3, "RuntimeError")
    page = client.get(job_url(job)).content.decode()
    assert "The file could not be made" in page
    assert f'action="{export_url(organization)}"' in page
    assert '<input type="hidden" name="kind" value="measures.measure">' in page


def test_a_build_lost_with_its_worker_is_queued_again_by_the_page_after_the_limit(
    login, coordinator, organization, queued, django_capture_on_commit_callbacks
):
    client = login(coordinator)
    client.post(export_url(organization))
    job = FileJob.objects.get()
    FileJob.objects.filter(pk=job.pk).update(state="running", started_at=timezone.now())
    limit = dt.timedelta(seconds=settings.HEAVY_WORK_STALE_AFTER)
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(timezone.now() + limit - dt.timedelta(seconds=30)):
            client.get(job_url(job))
        assert queued == []
        with time_machine.travel(timezone.now() + limit + dt.timedelta(seconds=30)):
            client.get(job_url(job))
    assert queued == [(job.pk, None)]
    assert FileJob.objects.get(pk=job.pk).state == "queued"


def test_expired_files_and_their_jobs_are_removed(login, coordinator, organization, queued):
    login(coordinator).post(export_url(organization))
    job = FileJob.objects.get()
    services.build(job.pk)
    job.refresh_from_db()
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    assert services.clear_expired(job.expires_at - dt.timedelta(minutes=1)) == 0
    assert services.clear_expired(job.expires_at + dt.timedelta(minutes=1)) == 1
    assert not FileJob.objects.exists()
    assert not storage.exists(name)
