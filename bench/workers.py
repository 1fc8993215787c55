"""The background work measured beside the pages: the reminder planner and the dispatcher."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.test.utils import override_settings
from django.utils import timezone

from bench.server import free_port
from notifications import dispatch, planning
from notifications.models import Reminder
from yearwheel.occurrences import occurrences_between


def planner_rate() -> dict[str, Any]:
    """``plan_all`` over every organisation from an empty reminder table: occurrences of the
    planning window expanded and planned per second."""
    Reminder.objects.all().delete()
    today = timezone.localdate()
    end = today + timedelta(days=planning.WINDOW_DAYS)
    occurrences = sum(
        len(occurrences_between(organization, today, end))
        for organization in planning.active_organizations()
    )
    started = time.perf_counter()
    results = planning.plan_all()
    seconds = time.perf_counter() - started
    created = sum(result.created for result in results.values())
    return {
        "organizations": len(results),
        "occurrences": occurrences,
        "reminders_created": created,
        "seconds": round(seconds, 2),
        "occurrences_per_second": round(occurrences / seconds, 1) if seconds else None,
    }


class _Sink:
    """Counts the messages an SMTP client hands over (aiosmtpd handler)."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 Message accepted"


def dispatcher_rate(count: int) -> dict[str, Any]:
    """``dispatch`` sending ``count`` due reminders to an SMTP server on loopback that
    accepts everything at once: emails per second, mail server time not included."""
    from aiosmtpd.controller import Controller  # a development dependency

    due = list(
        Reminder.objects.filter(state=Reminder.State.PENDING, recipient__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    now = timezone.now()
    # Exactly these are due: the planner also made rows due today (and escalations of what is
    # overdue), which would otherwise be sent as well.
    Reminder.objects.filter(state=Reminder.State.PENDING).exclude(pk__in=due).update(
        due_at=now + timedelta(days=1)
    )
    Reminder.objects.filter(pk__in=due).update(due_at=now - timedelta(minutes=1))
    sink = _Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_TIMEOUT=10,
        ):
            started = time.perf_counter()
            handled = dispatch.dispatch(budget=timedelta(minutes=2))
            seconds = time.perf_counter() - started
    finally:
        controller.stop()
    return {
        "due": len(due),
        "handled": handled,
        "emails": sink.received,
        "seconds": round(seconds, 2),
        "emails_per_second": round(sink.received / seconds, 1) if seconds else None,
    }
