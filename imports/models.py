from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class ConfirmedImport(models.Model):
    """An import that was confirmed and saved, keyed by the token its preview carried.

    The unique token is the claim: the first confirmation inserts the row in the transaction
    that saves the import, and any other confirmation of the same preview finds it (or waits on
    the unique index until the first commits) and shows the same outcome instead of saving
    again. Not a domain record and so without a history: what was saved has its own.
    """

    token = models.CharField(_("token"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # What the import did, as the view that confirmed it needs to tell it again (counts, …).
    outcome = models.JSONField(_("outcome"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("confirmed import")
        verbose_name_plural = _("confirmed imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.token}"
