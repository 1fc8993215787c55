from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FileJobsConfig(AppConfig):
    name = "filejobs"
    verbose_name = _("Files prepared in the background")
    default_auto_field = "django.db.models.BigAutoField"
