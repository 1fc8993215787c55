"""The checks of /healthz for monitoring scripts (Nagios, Zabbix, cron): one line per check,
exit status 0 when healthy and 2 (Nagios' CRITICAL) when not."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from health.checks import run_checks

CRITICAL = 2


class Command(BaseCommand):
    help = "Check the database, the broker and the heartbeats of the periodic tasks."

    def handle(self, *args: Any, **options: Any) -> None:
        report = run_checks()
        for name, value in report.as_dict().items():
            if isinstance(value, dict):
                last_run = value["last_run"] or "-"
                self.stdout.write(f"{name}: {value['status']} (last run: {last_run})")
            else:
                self.stdout.write(f"{name}: {value}")
        if not report.healthy:
            raise CommandError(f"unhealthy: {', '.join(report.failing)}", returncode=CRITICAL)
