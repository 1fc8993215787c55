"""Celery tasks of the annual wheel: thin; the work is in rolling.py and services.py."""

from __future__ import annotations

from celery import shared_task

from yearwheel import rolling


@shared_task(time_limit=10 * 60, soft_time_limit=9 * 60)
def roll_wheels() -> int:
    """Gives every organisation that uses the wheel next planning year's wheel (hourly, from
    CELERY_BEAT_SCHEDULE). Takes no arguments and may run twice at once: see rolling.py."""
    return rolling.roll_all()
