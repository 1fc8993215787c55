"""Leave every cached dashboard and calendar feed behind: after restoring a database backup,
a data migration or any change made to the database outside the product."""

from typing import Any

from django.core.management.base import BaseCommand

from dataversion import versions


class Command(BaseCommand):
    help = "Bump the data version of every organisation, so cached content is built afresh."

    def handle(self, *args: Any, **options: Any) -> None:
        versions.bump_everything()
        self.stdout.write("Every organisation's cached content will be built afresh.")
