"""What every piece of heavy work done by a worker shares: its states, when a claim is stale,
how it is queued, and the answer to a browser waiting for it.

Work that can take longer than a request may (a report's PDF, an export of the whole audit
trail) is a row with a state: *queued* when asked for, *running* while a worker makes it,
*ready* with a stored file, *failed* after its last attempt. A request never does the work:
it asks for it (once, under the row's lock) and answers a "being prepared" page, which
``static/js/progress.js`` keeps asking about (``?progress``) until the file is there.

A queued or running row older than ``HEAVY_WORK_STALE_AFTER`` is taken to be lost (its
message or its worker died) and may be queued again; a duplicate message finds the row
running or ready and does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


class State(models.TextChoices):
    MISSING = "missing", _("Not asked for")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def stale_after() -> timedelta:
    return timedelta(seconds=settings.HEAVY_WORK_STALE_AFTER)


def is_stale(
    state: str, requested_at: datetime | None, started_at: datetime | None, now: datetime
) -> bool:
    """Whether a queued or running piece of work is presumed lost: queued or started longer
    ago than the limit (which exceeds the tasks' hard time limit)."""
    if state == State.QUEUED:
        return requested_at is None or requested_at < now - stale_after()
    if state == State.RUNNING:
        return started_at is None or started_at < now - stale_after()
    return False


def retry_delay(attempts: int) -> int:
    """Seconds before attempt ``attempts + 1``: one minute, then four, then sixteen."""
    return int(60 * 4 ** max(attempts - 1, 0))


def queue_on_commit(send: Callable[[], object], what: str) -> None:
    """Sends the task's message once the row that asks for it is committed. A broker that
    cannot be reached leaves the row queued: the next request after the stale limit (or the
    reader's reload) queues it again, so the user's request never fails for it."""

    def send_now() -> None:
        try:
            send()
        except (OperationalError, OSError):
            logger.warning("The broker cannot be reached: %s stays queued", what, exc_info=True)

    transaction.on_commit(send_now)


def wants_progress(request: HttpRequest) -> bool:
    """The page's script asks ``?progress`` for the state instead of the page."""
    return "progress" in request.GET


def progress_response(state: str) -> JsonResponse:
    """The answer to the script: ``{"state": "queued" | "running" | "ready" | "failed"}``."""
    response = JsonResponse({"state": state})
    response["Cache-Control"] = "private, no-store"
    return response
