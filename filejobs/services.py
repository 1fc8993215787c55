"""Asking for a file, building it in a worker, and removing it when it expires.

Every change of a job's state happens under its row lock, so a duplicate message, a request
asking again and a worker finishing never step on each other (filejobs/progress.py)."""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation

from filejobs.kinds import job_kind
from filejobs.models import FileJob
from filejobs.progress import State, is_stale, queue_on_commit, retry_delay
from organizations.models import Organization, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


def queue_build(job_id: int, *, countdown: int = 0) -> None:
    from filejobs.tasks import build_file  # the task module imports this one

    def send() -> None:
        if countdown:
            build_file.apply_async(args=(job_id,), countdown=float(countdown))
        else:
            build_file.apply_async(args=(job_id,))

    queue_on_commit(send, f"file job {job_id}")


def request_file(
    *,
    organization: Organization,
    user: User,
    kind: str,
    parameters: str,
    reuse_within: timedelta | None = None,
) -> FileJob:
    """A new job for ``user``, queued once the request's transaction commits.

    With ``reuse_within``, the same person asking again for the same file gets the job they
    already have if it is queued or running (and not lost), or ready since less than that:
    a double click, or a second click while waiting, makes one file."""
    with transaction.atomic():
        now = timezone.now()
        if reuse_within is not None:
            # One person's requests one after another (the lock on their row): two clicks
            # at the same moment find one job, not none each.
            list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
            same = FileJob.objects.filter(
                organization=organization, requested_by=user, kind=kind, parameters=parameters
            )
            for job in same.filter(
                state__in=[State.QUEUED, State.RUNNING, State.READY], expires_at__gt=now
            ).order_by("-requested_at", "-pk")[:5]:
                if job.state == State.READY:
                    if job.finished_at and job.finished_at > now - reuse_within:
                        return job
                elif not is_stale(job.state, job.requested_at, job.started_at, now):
                    return job
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
            built = job_kind(job.kind).build(job)
            for chunk in built.chunks:
                spool.write(chunk)
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
