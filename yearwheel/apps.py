from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearwheelConfig(AppConfig):
    name = "yearwheel"
    verbose_name = _("Annual wheel")
    default_auto_field = "django.db.models.BigAutoField"
