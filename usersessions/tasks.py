"""Removes the rows of sessions that ended by time without being used again."""

from __future__ import annotations

from celery import shared_task

from usersessions.backends import SessionStore


@shared_task
def clear_ended_sessions() -> None:
    SessionStore.clear_expired()
