"""What the product keeps about second factors beyond django-otp's own devices.

The devices themselves are django-otp's: a ``TOTPDevice`` (the authenticator app) and a
``StaticDevice`` whose tokens are the recovery codes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Organization


class SecondFactorReset(models.Model):
    """An administrator removed a member's second factor (a lost phone, say). One row per
    reset; its history puts it on the organisation's audit trail with who did it and when."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    created_at = models.DateTimeField(_("reset at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reset of a second factor")
        verbose_name_plural = _("resets of second factors")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.user)
