"""Removes form claims older than a day: by then no retry of the same POST is to be expected."""

from __future__ import annotations

from celery import shared_task

from formonce.services import clear_old_claims


@shared_task
def clear_form_claims() -> None:
    clear_old_claims()
