"""A published report's PDF on its way to the storage, one state on the row at a time.

    missing ──ask──► queued ──worker claims──► running ──stored──► ready
                       ▲                          │
                       └── retry with backoff ────┤ (attempts left)
                                                  └──► failed ──a member asks again──► queued

Publishing asks for the PDF (on commit); so does the first download of a report whose PDF is
missing. Asking happens under the row's lock, so two first downloads at once queue one render;
a queued or running render older than ``HEAVY_WORK_STALE_AFTER`` is presumed lost (its worker
died) and is queued again. The worker claims the row under the lock too: a duplicate message
finds it running or ready and does nothing, so one render stores one file. Requests never
render: they answer a "being prepared" page (filejobs/progress.py).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from filejobs.progress import State, is_stale, queue_on_commit, retry_delay
from reports.models import PublishedReport
from reports.pdf import attach, render_pdf
from yearwheel.pdf import PdfUnavailable

logger = logging.getLogger(__name__)

UNAVAILABLE = "unavailable"  # WeasyPrint (Pango) cannot be loaded: no retry helps
ERROR = "error"
STATE_FIELDS = ["pdf_state", "pdf_requested_at", "pdf_started_at", "pdf_attempts", "pdf_error"]


def max_attempts() -> int:
    return int(settings.REPORT_PDF_MAX_ATTEMPTS)


def queue_render(published_id: int, *, countdown: int = 0) -> None:
    from reports.tasks import render_report_pdf  # the task module imports this one

    def send() -> None:
        if countdown:
            render_report_pdf.apply_async(args=(published_id,), countdown=float(countdown))
        else:
            render_report_pdf.apply_async(args=(published_id,))

    queue_on_commit(send, f"the PDF of published report {published_id}")


def needs_render(published: PublishedReport, *, again: bool) -> bool:
    """Whether a request should queue a render now (read under the row's lock)."""
    state = published.pdf_state
    if state == State.READY and published.pdf:
        return False
    if state == State.FAILED:
        return again
    if state in (State.QUEUED, State.RUNNING):
        return is_stale(state, published.pdf_requested_at, published.pdf_started_at, timezone.now())
    return True  # missing (published before PDFs were queued, or a lost stored file)


def mark_queued(published: PublishedReport, *, fresh: bool) -> None:
    """Sets the row queued (``fresh``: a new series of attempts) and queues the render on
    commit. The caller holds the row's lock, or has just created the row."""
    published.pdf_state = State.QUEUED
    published.pdf_requested_at = timezone.now()
    if fresh:
        published.pdf_attempts, published.pdf_error = 0, ""
    published.save(update_fields=STATE_FIELDS)
    queue_render(published.pk)


def ask_for_pdf(published_id: int, *, again: bool = False) -> PublishedReport:
    """The row as it stands, with a render queued if one is needed: when none was ever asked
    for, when the last one was lost, and (``again``: a member pressed "Try again") after a
    failure. Cheap and safe to call on every request for a missing PDF."""
    with transaction.atomic():
        published = (
            PublishedReport.objects.select_for_update()
            .defer("content", "body_html")
            .get(pk=published_id)
        )
        if not needs_render(published, again=again):
            return published
        if not again and published.pdf_attempts >= max_attempts():
            # Lost again and again (a worker killed by memory or time each time): stop, and
            # let a member decide to try again.
            published.pdf_state, published.pdf_error = State.FAILED, ERROR
            published.save(update_fields=STATE_FIELDS)
            return published
        mark_queued(published, fresh=again or published.pdf_state == State.MISSING)
    return published


def claimable(published: PublishedReport, now: datetime) -> bool:
    """Whether a worker may render now (read under the row's lock): not when the PDF is
    stored, failed for good, or being rendered by a worker that is still within its time."""
    if published.pdf_state == State.FAILED:
        return False
    if published.pdf_state == State.READY and published.pdf:
        return False
    return not (
        published.pdf_state == State.RUNNING
        and not is_stale(State.RUNNING, None, published.pdf_started_at, now)
    )


def _claim(published_id: int) -> PublishedReport | None:
    with transaction.atomic():
        published = (
            PublishedReport.objects.select_for_update()
            .select_related("organization")
            .filter(pk=published_id)
            .first()
        )
        now = timezone.now()
        if published is None or not claimable(published, now):
            return None
        published.pdf_state, published.pdf_started_at = State.RUNNING, now
        published.pdf_attempts += 1
        published.save(update_fields=STATE_FIELDS)
    return published


def render_and_store(published_id: int) -> str:
    """The worker's part: claims the row, renders outside any lock (minutes for a large
    report), stores the file under the lock. Returns what happened, for the log."""
    published = _claim(published_id)
    if published is None:
        return "skipped"
    try:
        pdf = render_pdf(published)
    except PdfUnavailable:
        logger.exception(
            "WeasyPrint cannot be loaded: the PDF of report %s is not made", published.pk
        )
        _failed(published, UNAVAILABLE)
        return "failed"
    except Exception:  # recorded on the row, retried with backoff
        logger.exception("Rendering the PDF of published report %s failed", published.pk)
        _failed(published, ERROR)
        return "failed"
    with transaction.atomic():
        current = PublishedReport.objects.select_for_update().get(pk=published.pk)
        if current.pdf_state == State.READY and current.pdf:
            return "skipped"  # stored meanwhile: the first PDF stored is the one readers get
        attach(current, pdf)
        current.pdf_state, current.pdf_error = State.READY, ""
        current.save(update_fields=["pdf", "pdf_sha256", *STATE_FIELDS])
    return "stored"


def _failed(published: PublishedReport, error: str) -> None:
    with transaction.atomic():
        current = PublishedReport.objects.select_for_update().get(pk=published.pk)
        if current.pdf_state != State.RUNNING or current.pdf_started_at != published.pdf_started_at:
            return  # taken over meanwhile
        current.pdf_error = error
        if error == ERROR and current.pdf_attempts < max_attempts():
            current.pdf_state, current.pdf_requested_at = State.QUEUED, timezone.now()
            queue_render(current.pk, countdown=retry_delay(current.pdf_attempts))
        else:
            current.pdf_state = State.FAILED
        current.save(update_fields=STATE_FIELDS)
