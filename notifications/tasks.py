"""Celery tasks of the reminders: thin; the work is in planning.py and dispatch.py.

Both run from the beat schedule in config/settings.py (CELERY_BEAT_SCHEDULE). They take no
arguments and are safe to run twice at once: the planner's rows are unique by key and the
dispatcher claims rows with row locks. Each leaves a heartbeat when a run ends, which /healthz
reads (health/): a worker or beat that stopped shows there within minutes. The management
command plan_reminders leaves none, so running it by hand cannot hide a stopped beat.
"""

from __future__ import annotations

from celery import shared_task

from health.models import Heartbeat
from notifications import dispatch, planning


@shared_task(time_limit=10 * 60, soft_time_limit=9 * 60)
def plan_reminders() -> int:
    created = sum(result.created for result in planning.plan_all().values())
    Heartbeat.beat("planner")
    return created


@shared_task(time_limit=2 * 60, soft_time_limit=90)
def dispatch_reminders() -> int:
    handled = dispatch.dispatch()
    Heartbeat.beat("dispatcher")
    return handled
