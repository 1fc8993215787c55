from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FormClaim(models.Model):
    """A form sent once: its one-time token, claimed by the POST that saved something.

    The claim is inserted, before the view runs, in the transaction that saves the record, so
    it exists exactly when the record does. A second POST of the same form (double click, a
    retry after a lost answer, the browser resending) finds it, or waits on the unique index
    until the first commits, and gets the first answer again instead of saving a copy.
    Per user: another person's token claims nothing of theirs. Removed after a day
    (formonce.tasks.clear_form_claims).
    """

    token = models.CharField(_("token"), max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(_("path"), max_length=500)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    # The first answer, to be given again: a redirect (where to: the record created) or a page.
    status = models.PositiveSmallIntegerField(_("status"), default=0)
    location = models.CharField(_("location"), max_length=2000, blank=True)
    body = models.TextField(_("body"), blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    # The messages the first answer carried ([level, text, tags]), told once more if missing.
    messages = models.JSONField(_("messages"), default=list)

    class Meta:
        verbose_name = _("form claim")
        verbose_name_plural = _("form claims")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "path", "token"], name="formonce_one_claim_per_form"
            )
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.token}"
