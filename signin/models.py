"""Signing in: failed logins and lockouts are django-axes' rows (``axes.AccessAttempt``);
what this app keeps is the record of an administrator releasing one, for the audit trail."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Organization, TimeStamped


class LockoutRelease(TimeStamped):
    """An administrator lifted a member's lockout. Written once and never changed; its
    history row (with who did it) is what the organisation's audit trail shows."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    username = models.CharField(_("account"), max_length=255)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failed attempts"))
    locked_until = models.DateTimeField(_("locked until"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("released lockout")
        verbose_name_plural = _("released lockouts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.username} ({self.ip_address})"
