from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organizations.models import Organization
from orgarchive.purge import delete_organization


class Command(BaseCommand):
    help = "Delete one organisation with all its records (before restoring it from an archive)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument(
            "--confirm", required=True, help="the short name again, to confirm the deletion"
        )

    def handle(self, *args: Any, slug: str, confirm: str, **options: Any) -> None:
        if confirm != slug:
            raise CommandError("--confirm must repeat the short name; nothing was deleted.")
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organisation has the short name {slug!r}.")
        counts = delete_organization(organization)
        self.stdout.write(f"Deleted {slug}: {sum(counts.values())} rows. Files stay in storage.")
