"""Celery tasks of the reminders: thin; the work is in planning.py and dispatch.py.

Both run from the beat schedule in config/settings.py (CELERY_BEAT_SCHEDULE). They take no
arguments and are safe to run twice at once: the planner's rows are unique by key and the
dispatcher claims rows with row locks.
"""

from __future__ import annotations

from celery import shared_task

from notifications import dispatch, planning


@shared_task(time_limit=10 * 60, soft_time_limit=9 * 60)
def plan_reminders() -> int:
    return sum(result.created for result in planning.plan_all().values())


@shared_task(time_limit=2 * 60, soft_time_limit=90)
def dispatch_reminders() -> int:
    return dispatch.dispatch()
