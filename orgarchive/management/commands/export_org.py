from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from organizations.models import Organization
from orgarchive.archive import ArchiveError
from orgarchive.exporter import export_organization


class Command(BaseCommand):
    help = "Write one organisation's data and files to an archive (docs/backup.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the organisation's short name in addresses")
        parser.add_argument("--output", help="the archive to write (default: <slug>-<time>.zip)")

    def handle(self, *args: Any, slug: str, output: str | None, **options: Any) -> None:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organisation has the short name {slug!r}.")
        path = Path(output or f"{slug}-{timezone.now():%Y%m%dT%H%M%SZ}.zip")
        if path.exists():
            raise CommandError(f"{path} exists already; choose another --output.")
        try:
            result = export_organization(organization, path)
        except ArchiveError as error:
            path.unlink(missing_ok=True)
            raise CommandError(str(error)) from error
        rows = sum(result.counts.values())
        self.stdout.write(
            f"Wrote {path}: {rows} rows in {sum(1 for n in result.counts.values() if n)} tables, "
            f"{result.users} people, {result.files} files."
        )
        for name in result.missing_files:
            self.stderr.write(f"Missing from storage, not in the archive: {name}")
