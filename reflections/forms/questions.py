"""Forms for the organisation's question bank: narrowing the list, and a question's theme,
phase and wording. They validate; reflections.questions saves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from measures.models import Phase
from organizations.content_language import mark_field_languages
from organizations.models import Organization
from organizations.wording import LANGUAGES
from reflections.models import Question, Theme

if TYPE_CHECKING:  # a development dependency, for the annotation only
    from django_stubs_ext import StrOrPromise

MAX_TEXT_LENGTH = 400  # as QuestionVersion.text_*


class QuestionFilterForm(forms.Form):
    """GET parameters ``phase`` (1 to 4: the questions fitting that phase, those for every
    phase included) and ``theme``. An unknown value is an error shown on the page and that
    filter is left out, never a 500."""

    phase = forms.TypedChoiceField(
        label=_("Phase"),
        choices=[("", _("All phases")), *Phase.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    theme = forms.ChoiceField(
        label=_("Theme"), choices=[("", _("All themes")), *Theme.choices], required=False
    )

    def filters(self) -> tuple[int | None, str]:
        """The valid filters as (phase, theme); an invalid one counts as not given."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("phase"), data.get("theme") or ""


def _text_field(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QuestionForm(forms.Form):
    """A question's theme, phase (empty: every phase) and wording in bokmål, nynorsk and
    English. One language is enough; readers whose language is missing see another."""

    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    phase = forms.TypedChoiceField(
        label=_("Phase"),
        choices=[("", _("Every phase")), *Phase.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("The phase the question fits best. Leave it at “Every phase” otherwise."),
    )
    text_nb = _text_field(_("Wording in bokmål"))
    text_nn = _text_field(_("Wording in nynorsk"))
    text_en = _text_field(_("Wording in English"))

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        question: Question | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        mark_field_languages(self)
        # Missing wordings fall back to another language: the organisation's own standard is
        # the one its readers see most, so the hint sits there.
        self.standard = organization.written_standard
        self.fields[f"text_{self.standard}"].help_text = _(
            "Write the question in at least one language, preferably the organisation's "
            "written standard. Where a language is missing, readers see another wording."
        )
        if question is not None:
            self.initial.setdefault("theme", question.theme)
            self.initial.setdefault("phase", question.phase)
            version = question.current_version
            if version is not None:
                for language in LANGUAGES:
                    self.initial.setdefault(
                        f"text_{language}", getattr(version, f"text_{language}")
                    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_text = any((cleaned.get(f"text_{language}") or "").strip() for language in LANGUAGES)
        too_long = any(f"text_{language}" in self.errors for language in LANGUAGES)
        if not has_text and not too_long:
            self.add_error(
                f"text_{self.standard}",
                _("Write the question in at least one language: bokmål, nynorsk or English."),
            )
        return cleaned

    def texts(self) -> dict[str, str]:
        return {
            language: (self.cleaned_data.get(f"text_{language}") or "").strip()
            for language in LANGUAGES
        }
