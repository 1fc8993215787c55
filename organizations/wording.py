"""Texts kept in all three languages on one row: the wording, at one time, of something the
product ships and an organisation may reword (success factors, reflection questions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("nb", "nn", "en")


class Wording(models.Model):
    """One version of a wording, in bokmål, nynorsk and English. Subclasses add the foreign
    key to what is worded and a unique constraint on it and ``number``."""

    number = models.PositiveIntegerField(_("version"))
    text_nb = models.CharField(_("text (bokmål)"), max_length=400, blank=True)
    text_nn = models.CharField(_("text (nynorsk)"), max_length=400, blank=True)
    text_en = models.CharField(_("text (English)"), max_length=400, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.text()

    def text(self, language: str | None = None) -> str:
        """The wording in ``language`` (default: the active one), falling back to any."""
        return str(getattr(self, f"text_{self.text_language(language)}", "") or "")

    def text_language(self, language: str | None = None) -> str:
        """The language of :meth:`text`'s wording, for its ``lang`` where a missing wording
        falls back to another language ({% content_lang version.text_language %})."""
        language = (language or translation.get_language() or "nb")[:2]
        if getattr(self, f"text_{language}", ""):
            return language
        for fallback in LANGUAGES:
            if getattr(self, f"text_{fallback}", ""):
                return fallback
        return language
