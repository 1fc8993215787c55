"""Celery tasks of the reports: thin, idempotent, called with ids (reports/pdfjobs.py)."""

from __future__ import annotations

from celery import shared_task

from reports.pdfjobs import render_and_store


# On the ``heavy`` queue (CELERY_TASK_ROUTES). A 500-measure report takes some 150 CPU
# seconds; the limits leave room on a busy machine and stay under HEAVY_WORK_STALE_AFTER.
@shared_task(soft_time_limit=9 * 60, time_limit=10 * 60)
def render_report_pdf(published_id: int) -> str:
    return render_and_store(published_id)
