"""Asking for a file, building it in a worker, and removing it when it expires.

Every change of a job's state happens under its row lock, so a duplicate message, a request
asking again and a worker finishing never step on each other (filejobs/progress.py)."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation

from filejobs.models import FileJob
from filejobs.progress import State, is_stale, queue_on_commit, retry_delay
from organizations.audit.export import csv_header, trail_csv_rows
from organizations.audit.forms import AuditFilterForm, measure_names
from organizations.audit.query import AuditFilters
from organizations.csvfiles import Cell, csv_lines
from organizations.models import Organization, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


@dataclass
class Built:
    filename: str
    lines: Iterator[str]
    rows: Callable[[], int]


def audit_filter_form(organization: Organization, query: QueryDict) -> AuditFilterForm:
    return AuditFilterForm(
        query or None, organization=organization, measures=measure_names(organization)
    )


def _build_audit_trail(job: FileJob) -> Built:
    organization = job.organization
    measures = measure_names(organization)
    query = QueryDict(job.parameters)
    filters = AuditFilters()
    if query:
        form = AuditFilterForm(query, organization=organization, measures=measures)
        if not form.is_valid():  # checked when asked for: only a deleted person or measure
            raise ValueError(f"invalid filters: {form.errors.as_json()}")
        filters = form.filters()
    counted = {"rows": 0}

    def counting() -> Iterator[list[Cell]]:
        for row in trail_csv_rows(organization.pk, organization.slug, filters, measures):
            counted["rows"] += 1
            yield row

    filename = f"{organization.slug}-audit-{timezone.localdate():%Y-%m-%d}.csv"
    return Built(filename, csv_lines(csv_header(), counting()), lambda: counted["rows"])


BUILDERS: dict[str, Callable[[FileJob], Built]] = {
    FileJob.Kind.AUDIT_TRAIL: _build_audit_trail,
}


def queue_build(job_id: int, *, countdown: int = 0) -> None:
    from filejobs.tasks import build_file  # the task module imports this one

    def send() -> None:
        if countdown:
            build_file.apply_async(args=(job_id,), countdown=float(countdown))
        else:
            build_file.apply_async(args=(job_id,))

    queue_on_commit(send, f"file job {job_id}")


def request_file(*, organization: Organization, user: User, kind: str, parameters: str) -> FileJob:
    """A new job for ``user``, queued once the request's transaction commits."""
    with transaction.atomic():
        now = timezone.now()
        job = FileJob.objects.create(
            organization=organization,
            requested_by=user,
            kind=kind,
            parameters=parameters,
            requested_at=now,
            expires_at=now + timedelta(days=settings.FILE_JOBS_KEEP_DAYS),
        )
        queue_build(job.pk)
    return job


def ask_again_if_lost(job_id: int) -> FileJob:
    """The job, queued again if its message or worker was lost (see progress.is_stale)."""
    with transaction.atomic():
        job = FileJob.objects.select_for_update().get(pk=job_id)
        if is_stale(job.state, job.requested_at, job.started_at, timezone.now()):
            job.state, job.requested_at = State.QUEUED, timezone.now()
            job.save(update_fields=["state", "requested_at"])
            queue_build(job.pk)
    return job


def _claim(job_id: int) -> FileJob | None:
    with transaction.atomic():
        job = (
            FileJob.objects.select_for_update()
            .select_related("organization", "requested_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.state in (State.READY, State.FAILED):
            return None
        if job.state == State.RUNNING and not is_stale(
            job.state, job.requested_at, job.started_at, timezone.now()
        ):
            return None  # another worker builds it now
        job.state, job.started_at = State.RUNNING, timezone.now()
        job.attempts += 1
        job.save(update_fields=["state", "started_at", "attempts"])
    return job


def build(job_id: int) -> str:
    """Builds the job's file into the storage. Idempotent: a job that is ready, failed or
    being built elsewhere is left alone."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    user = job.requested_by
    language = user.language or job.organization.written_standard
    try:
        with translation.override(language), tempfile.TemporaryFile() as spool:
            built = BUILDERS[job.kind](job)
            for line in built.lines:
                spool.write(line.encode("utf-8"))
            spool.seek(0)
            with transaction.atomic():
                current = FileJob.objects.select_for_update().get(pk=job.pk)
                if current.state != State.RUNNING or current.started_at != job.started_at:
                    return "superseded"
                current.file.save(built.filename, File(spool), save=False)
                current.filename = built.filename
                current.rows = built.rows()
                current.state, current.finished_at, current.error = State.READY, timezone.now(), ""
                current.save()
    except Exception as error:  # every failure is recorded on the row
        logger.exception("Building file job %s failed", job.pk)
        _failed(job, error)
        return "failed"
    return "ready"


def _failed(job: FileJob, error: Exception) -> None:
    with transaction.atomic():
        current = FileJob.objects.select_for_update().get(pk=job.pk)
        if current.state != State.RUNNING or current.started_at != job.started_at:
            return
        if current.attempts < MAX_ATTEMPTS:
            current.state, current.requested_at = State.QUEUED, timezone.now()
            queue_build(current.pk, countdown=retry_delay(current.attempts))
        else:
            current.state, current.finished_at = State.FAILED, timezone.now()
        current.error = type(error).__name__[:200]
        current.save(update_fields=["state", "requested_at", "finished_at", "error"])


def clear_expired(now: datetime | None = None) -> int:
    """Removes expired jobs and their files; returns how many."""
    now = now or timezone.now()
    removed = 0
    for job in FileJob.objects.filter(expires_at__lt=now).order_by("pk")[:1000]:
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    return removed
