from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orgarchive.archive import ArchiveError
from orgarchive.importer import import_organization


class Command(BaseCommand):
    help = "Restore an organisation archive into a database that does not hold it (docs/backup.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="an archive written by export_org")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            result = import_organization(file)
        except (ArchiveError, OSError) as error:
            raise CommandError(f"Nothing was restored: {error}") from error
        organization = result.organization
        if organization is None:  # the importer always sets it; for the type checker
            raise CommandError("Nothing was restored.")
        self.stdout.write(
            f"Restored {organization.name} ({organization.slug}): "
            f"{sum(result.counts.values())} rows, {result.files} files; people: "
            f"{result.users_matched} found by email, {result.users_created} created without a "
            "password (they choose one with “Forgotten password”)."
        )
        for label, count in sorted(result.counts.items()):
            if count:
                self.stdout.write(f"  {label}: {count}")
        for note in result.notes:
            self.stdout.write(f"Note: {note}")
