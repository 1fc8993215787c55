"""Building files in the background: thin tasks taking ids (filejobs/services.py)."""

from __future__ import annotations

from celery import shared_task

from filejobs import services


# On the ``heavy`` queue (CELERY_TASK_ROUTES): a long build never delays the reminders.
@shared_task(soft_time_limit=18 * 60, time_limit=20 * 60)
def build_file(job_id: int) -> str:
    return services.build(job_id)


@shared_task
def clear_expired_files() -> int:
    return services.clear_expired()
