"""Creates the demo organisations, accounts and content. Safe to run again: it converges."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from demo.adoption import seed_adoption
from demo.measures import seed_measures
from demo.organizations import ACCOUNTS, seed_organizations
from demo.partnerships import seed_partnerships
from demo.phases import seed_phases
from demo.reflections import seed_reflections
from demo.reports import seed_reports
from demo.yearwheel import seed_yearwheel


class Command(BaseCommand):
    help = "Create or update the demo organisations, accounts and content (one password)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", required=True, help="Password for every demo account")

    @transaction.atomic
    def handle(self, *args: Any, password: str, **options: Any) -> None:
        organizations = seed_organizations(password)
        seed_measures(organizations)
        seed_partnerships(organizations)
        seed_phases(organizations)
        seed_adoption(organizations)
        seed_yearwheel(organizations)
        seed_reflections(organizations)
        seed_reports(organizations)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(organizations)} organisations, {len(ACCOUNTS)} accounts."
            )
        )
