"""Texts kept in all three languages on one row (shipped defaults an organisation may reword)."""

from __future__ import annotations

from django.utils import translation

LANGUAGES = ("nb", "nn", "en")


class Worded:
    """For models with ``text_nb``, ``text_nn`` and ``text_en``: the wording in one language."""

    text_nb: str
    text_nn: str
    text_en: str

    def text(self, language: str | None = None) -> str:
        """The wording in ``language`` (default: the active one), falling back to any."""
        language = language or translation.get_language() or "nb"
        preferred = getattr(self, f"text_{language[:2]}", "") or ""
        return preferred or self.text_nb or self.text_nn or self.text_en
