"""Forms for moving a measure between phases, assessing success factors and keeping the
organisation's factors. They validate; the views and phases.services save."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from measures.models import Measure, Phase
from measures.uploads import clean_upload, prepare_upload_field
from organizations.content_language import mark_field_languages
from organizations.formtools import FreeTextLimit, add_correction_reason, radio_without_empty
from organizations.models import Organization
from phases.models import FactorAssessment, FactorState, SuccessFactor

MAX_REASON_LENGTH = 4000
FORWARD, BACK = "forward", "back"

# --- moving between phases -------------------------------------------------------------------


class PhaseMoveForm(forms.Form):
    """One move: forwards to the next phase (optionally overriding a closed gate, with a
    justification) or back to an earlier one (with a reason).

    The page shows two of these, ``direction`` telling them apart; both post the same fields,
    so a crafted POST meets the same checks whatever it claims to be. The service checks again
    under a lock and has the last word.
    """

    to_phase = forms.TypedChoiceField(label=_("Move to"), choices=Phase.choices, coerce=int)
    override = forms.BooleanField(label=_("Override the closed gate"), required=False)
    reason = forms.CharField(
        label=_("Justification"),
        required=False,
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, measure: Measure, direction: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{direction}-%s")
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.direction = direction
        current = measure.phase
        to_phase = self.fields["to_phase"]
        assert isinstance(to_phase, forms.ChoiceField)  # noqa: S101 - a programming error
        if direction == FORWARD:
            to_phase.widget = forms.HiddenInput()
            self.initial.setdefault("to_phase", current + 1)
            self.fields["reason"].help_text = _(
                "Required when you override the closed gate. It is kept with the move for good."
            )
        else:
            to_phase.error_messages["required"] = _("Choose the phase the measure goes back to.")
            to_phase.widget = forms.RadioSelect()
            # The earlier phases are offered; the field still accepts any phase, so a crafted
            # value gets a plain error message from clean_to_phase.
            to_phase.widget.choices = [(v, label) for v, label in Phase.choices if v < current]
            del self.fields["override"]
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = _(
                "Say why the measure goes back to an earlier phase."
            )
            self.fields["reason"].label = _("Why does the measure go back?")
            self.fields["reason"].help_text = _(
                "For example: the adjustments need another lap of piloting."
            )

    def show_open_gate(self) -> None:
        """Through an open gate there is nothing to override: the text is an optional note."""
        if self.direction == FORWARD:
            self.fields["reason"].label = _("Note (optional)")
            self.fields["reason"].help_text = _("Kept with the move, for those who read it later.")

    @staticmethod
    def direction_of(data: QueryDict, measure: Measure) -> str:
        """Which of the page's two forms a POST belongs to: by the phase it asks for, or, when
        none was chosen, by the button that sent it."""
        try:
            return BACK if int(data.get("to_phase", "")) < measure.phase else FORWARD
        except ValueError:
            return BACK if data.get("direction") == BACK else FORWARD

    def clean_to_phase(self) -> int:
        to_phase: int = self.cleaned_data["to_phase"]
        current = self.measure.phase
        if to_phase == current:
            raise forms.ValidationError(
                _("The measure is already in %(phase)s."), params={"phase": Phase(current).label}
            )
        if to_phase > current + 1:
            raise forms.ValidationError(_("A measure moves forwards one phase at a time."))
        return to_phase

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        to_phase = cleaned.get("to_phase")
        reason = (cleaned.get("reason") or "").strip()
        cleaned["reason"] = reason
        if to_phase is None:
            return cleaned
        if to_phase < self.measure.phase:
            cleaned["override"] = False
            if not reason and "reason" not in self.errors:
                self.add_error("reason", _("Say why the measure goes back to an earlier phase."))
        elif cleaned.get("override") and not reason:
            self.add_error("reason", _("An override needs a written justification."))
        return cleaned


class PhaseRegistrationForm(forms.Form):
    """A measure already under way, registered in the phase it has reached, with why."""

    to_phase = forms.TypedChoiceField(
        label=_("The phase the measure has reached"),
        choices=[(value, label) for value, label in Phase.choices if value > Phase.PREPARE],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose phase II, III or IV.")},
    )
    reason = forms.CharField(
        label=_("What has been done, and why the measure is registered in this phase"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For example: planned and piloted in 2025 before the municipality used "
            "Tiltakshjulet; the plan is decision 2025/311. It is kept with the move for good."
        ),
        error_messages={
            "required": _("Say why the measure is registered in a later phase: what has been done.")
        },
    )


class TransitionCorrectionForm(forms.Form):
    """A phase move's justification as it should read, and why it is corrected."""

    justification = forms.CharField(
        label=_("The justification as it should read"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the justification as it should read.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_correction_reason(self, correcting=True)


class GateReviewRequestForm(forms.Form):
    """A team lead's request that the coordinators review the gate, with an optional note."""

    message = forms.CharField(
        label=_("Message to the coordinators (optional)"),
        required=False,
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example what you have done about the blockers, or what you need."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "review-%s")
        super().__init__(*args, **kwargs)


# --- assessing a factor ----------------------------------------------------------------------


def _assessment_formfield(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    # Links typed without a scheme are taken to be https, as in the knowledge base.
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


@dataclass
class StoredFile:
    """The stored evidence file as the file widget shows it: linked to the permission-checked
    download view, never to a storage URL (uploads are not public)."""

    name: str
    url: str

    def __str__(self) -> str:
        return self.name


class FactorAssessmentForm(FreeTextLimit, forms.ModelForm):
    class Meta:
        model = FactorAssessment
        formfield_callback = _assessment_formfield
        fields = ["state", "evidence", "evidence_url", "evidence_file"]
        widgets = {
            "state": forms.RadioSelect,
            "evidence": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "evidence": _(
                "What shows the state: a decision, a meeting, a document. Never personal data "
                "about children."
            ),
            "evidence_url": _("A link to a document or a case, if there is one."),
        }

    def __init__(self, *args: Any, download_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.evidence_file
        if stored and download_url:
            self.initial["evidence_file"] = StoredFile(os.path.basename(stored.name), download_url)
        radio_without_empty(self, "state", FactorState.choices)
        prepare_upload_field(self.fields["evidence_file"])

    def clean_evidence_file(self) -> Any:
        value = self.cleaned_data.get("evidence_file")
        if isinstance(value, StoredFile):
            return self.instance.evidence_file  # kept as it was
        return clean_upload(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_evidence = (
            (cleaned.get("evidence") or "").strip()
            or cleaned.get("evidence_url")
            or cleaned.get("evidence_file")  # False when cleared, the stored file when kept
        )
        if cleaned.get("state") == FactorState.MET and not has_evidence:
            self.add_error(
                "evidence", _("Say what shows that the factor is met: a text, a link or a file.")
            )
        return cleaned


# --- the organisation's factors --------------------------------------------------------------


class SuccessFactorForm(forms.Form):
    """A factor's wording in the three languages, and whether it is required. The phase is
    chosen when the factor is created and never changes (its assessments belong to it)."""

    phase = forms.TypedChoiceField(
        label=_("Phase"), choices=Phase.choices, coerce=int, widget=forms.RadioSelect
    )
    text_nb = forms.CharField(
        label=_("Wording in bokmål"),
        required=False,
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    text_nn = forms.CharField(
        label=_("Wording in nynorsk"),
        required=False,
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    text_en = forms.CharField(
        label=_("Wording in English"),
        required=False,
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    required = forms.BooleanField(
        label=_("Required to pass the gate"),
        required=False,
        initial=True,
        help_text=_("The gate to the next phase opens when every required factor is met."),
    )

    def __init__(
        self,
        *args: Any,
        organization: Organization,
        factor: SuccessFactor | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        mark_field_languages(self)
        self.standard = organization.written_standard
        standard_field = self.fields[f"text_{self.standard}"]
        standard_field.required = True
        standard_field.help_text = _(
            "The organisation's written standard: required. The other languages are optional; "
            "where one is missing, readers see this wording."
        )
        if factor is not None:
            del self.fields["phase"]
            version = factor.current_version
            if version is not None:
                for language in ("nb", "nn", "en"):
                    self.initial.setdefault(
                        f"text_{language}", getattr(version, f"text_{language}")
                    )
            self.initial.setdefault("required", factor.required)

    def texts(self) -> dict[str, str]:
        return {
            language: self.cleaned_data.get(f"text_{language}", "").strip()
            for language in ("nb", "nn", "en")
        }
