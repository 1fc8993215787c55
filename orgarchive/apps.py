from django.apps import AppConfig


class OrgArchiveConfig(AppConfig):
    """Exporting one organisation to an archive and restoring it (docs/backup.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "orgarchive"
    verbose_name = "Organisation archives"
