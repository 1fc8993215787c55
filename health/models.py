"""The heartbeats of the periodic work: one row per component, touched at the end of each run."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

OK = "ok"
STARTING = "starting"  # has not run yet, still within its limit
STALE = "stale"
NEVER_RAN = "never ran"
HEALTHY_STATES = {OK, STARTING}


class Heartbeat(models.Model):
    # Names as in settings.HEALTH_HEARTBEATS: "planner", "dispatcher".
    component = models.CharField(max_length=40, unique=True)
    # When the component was first expected to run: a component that has not run yet is
    # judged from here, so a fresh installation gets one full limit to start.
    since = models.DateTimeField(default=timezone.now)
    last_run = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.component

    @staticmethod
    def beat(component: str, now: datetime | None = None) -> None:
        """Records a finished run: one statement (an upsert), safe to repeat at any time."""
        Heartbeat.objects.bulk_create(
            [Heartbeat(component=component, last_run=now or timezone.now())],
            update_conflicts=True,
            unique_fields=["component"],
            update_fields=["last_run"],
        )

    def state(self, *, max_age: timedelta, now: datetime) -> str:
        """A run exactly ``max_age`` ago is still healthy; one second more is not."""
        if self.last_run is None:
            return STARTING if now - self.since <= max_age else NEVER_RAN
        return OK if now - self.last_run <= max_age else STALE
