"""Plans the reminders of every active organisation now, instead of at the next beat tick.

The same work as the periodic task (safe to run at any time, as often as wanted). `make run`
runs it at start, so a fresh demo has its reminders before the first quarter of an hour.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from notifications.planning import plan_all


class Command(BaseCommand):
    help = "Plan the reminders of every active organisation now."

    def handle(self, *args: Any, **options: Any) -> None:
        results = plan_all()
        created = sum(result.created for result in results.values())
        self.stdout.write(f"Reminders planned for {len(results)} organisations: {created} new.")
