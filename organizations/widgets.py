"""Form widgets shared by every app: dates and numbers typed the Norwegian way."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class NorwegianDateInput(forms.DateInput):
    """A text field for dates such as 31.12.2026 (native date pickers vary too much between
    browsers and screen readers to be the only way in)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"placeholder": _("dd.mm.yyyy"), "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d.%m.%Y")
