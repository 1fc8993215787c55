from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormOnceConfig(AppConfig):
    name = "formonce"
    verbose_name = _("Forms sent once")
    default_auto_field = "django.db.models.BigAutoField"
