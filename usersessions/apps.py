from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UserSessionsConfig(AppConfig):
    name = "usersessions"
    verbose_name = _("Sessions")
    default_auto_field = "django.db.models.BigAutoField"
