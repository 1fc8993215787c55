"""Forms for phase IV: the assessment, stakeholder input, the recommendation and decision, the
maintenance plan and the governing documents. They validate; the views and services save."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measures.forms.evaluations import clean_custom_rule
from measures.life import refuse_dates_outside
from measures.models import Measure
from organizations.formtools import (
    FreeTextLimit,
    add_correction_reason,
    limit_choices,
    plain_rule_choices,
    radio_without_empty,
)
from organizations.widgets import NorwegianDateInput
from phases.forms.roundabout import EARLIEST_YEAR, staff_choices
from phases.models import (
    ContinuationAssessment,
    ContinuationDecision,
    ContinuationRecommendation,
    GoverningDocument,
    MaintenanceRoutine,
    StakeholderInput,
)

# Governing documents are planned a few years ahead (the economy plan covers four years).
DOCUMENT_YEARS_AHEAD = 10
FIRST_DATE_YEARS_AHEAD = 10


def _not_in_the_future(day: date | None) -> date | None:
    if day and day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    if day and day.year < EARLIEST_YEAR:
        raise forms.ValidationError(_("Choose a date from 2000 on."))
    return day


class ContinuationAssessmentForm(FreeTextLimit, forms.ModelForm):
    """The team's judgement of the measure's value and how it will survive change."""

    class Meta:
        model = ContinuationAssessment
        fields = ["value_judgement", "turnover_handling", "leadership_change_handling"]
        widgets = {
            "value_judgement": forms.Textarea(attrs={"rows": 8}),
            "turnover_handling": forms.Textarea(attrs={"rows": 4}),
            "leadership_change_handling": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "value_judgement": _(
                "What the measure has meant for the children and young people, and for the "
                "services, built on what the laps, indicators and evaluations show."
            ),
            "turnover_handling": _(
                "How new staff learn the new way of working, and how knowledge stays when "
                "people leave."
            ),
            "leadership_change_handling": _(
                "How new leaders and politicians are told about the measure and kept on board."
            ),
        }


class RecommendationForm(FreeTextLimit, forms.ModelForm):
    """The coordinator's recommendation, given after the stakeholders have been heard; a
    change of a given one is a correction with its reason."""

    class Meta:
        model = ContinuationRecommendation
        fields = ["recommendation", "reason"]
        widgets = {
            "recommendation": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "reason": {"required": _("Say why you recommend it.")},
        }

    def __init__(self, *args: Any, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        radio_without_empty(
            self, "recommendation", ContinuationRecommendation.Recommendation.choices
        )
        self.fields["recommendation"].error_messages["required"] = _(
            "Choose the recommendation: continue, continue with adjustments, or stop."
        )
        self.fields["reason"].help_text = _(
            "Why: the measure's value, what the stakeholders said, and what it will cost to "
            "keep it."
        )
        add_correction_reason(self, correcting=correcting)


class StakeholderInputForm(FreeTextLimit, forms.ModelForm):
    class Meta:
        model = StakeholderInput
        fields = ["kind", "who", "date", "said"]
        widgets = {
            "kind": forms.RadioSelect,
            "date": NorwegianDateInput(),
            "said": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "date": _("When they gave their view."),
            "said": _("Their view of the measure and of continuing it, in short."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        radio_without_empty(self, "kind", StakeholderInput.Kind.choices)

    def clean_date(self) -> date | None:
        return _not_in_the_future(self.cleaned_data.get("date"))


class ContinuationDecisionForm(FreeTextLimit, forms.ModelForm):
    class Meta:
        model = ContinuationDecision
        fields = [
            "outcome",
            "decision_maker",
            "decided_on",
            "case_reference",
            "adjustments_to_measure",
            "adjustments_to_plan",
        ]
        widgets = {
            "outcome": forms.RadioSelect,
            "decided_on": NorwegianDateInput(),
            "adjustments_to_measure": forms.Textarea(attrs={"rows": 4}),
            "adjustments_to_plan": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "case_reference": _("The case number in the records system, for example 2026/1234."),
            "adjustments_to_measure": _(
                "Required when continuing with adjustments (this or the plan's): what changes "
                "in the measure itself."
            ),
            "adjustments_to_plan": _("What changes in the plan: activities, budget, roles."),
        }
        error_messages = {
            "decision_maker": {
                "required": _("Say who made the decision, for example the municipal council.")
            },
            "decided_on": {"required": _("Give the date of the decision.")},
        }

    def __init__(self, *args: Any, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        radio_without_empty(self, "outcome", ContinuationDecision.Outcome.choices)
        self.fields["outcome"].error_messages["required"] = _(
            "Choose the decision: continue, continue with adjustments, or stop."
        )
        add_correction_reason(self, correcting=correcting)

    def clean_decided_on(self) -> date | None:
        return _not_in_the_future(self.cleaned_data.get("decided_on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # noqa: S101 - ModelForm.clean returns the data
        adjusted = (data.get("adjustments_to_measure") or "").strip() or (
            data.get("adjustments_to_plan") or ""
        ).strip()
        if data.get("outcome") == ContinuationDecision.Outcome.ADJUST and not adjusted:
            self.add_error(
                "adjustments_to_measure",
                _("Describe the adjustments: to the measure, to the plan, or both."),
            )
        return data


class MaintenanceRoutineForm(FreeTextLimit, forms.ModelForm):
    """A routine of the maintenance plan; its recurrence works as the evaluation rhythm's."""

    class Meta:
        model = MaintenanceRoutine
        fields = ["kind", "description", "owner", "recurrence", "first_date", "rrule"]
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            "recurrence": forms.RadioSelect,
            "first_date": NorwegianDateInput(),
        }
        help_texts = {
            "description": _("For example: a two-day course for new staff each August."),
            "owner": _("Who makes sure it happens."),
            "first_date": _(
                "For “each school term”, the routine falls at the end of each term, on 20 June "
                "and 20 December, from the first of these on or after this date."
            ),
            "rrule": _(
                "Only for a custom recurrence: an iCalendar rule counted from the first time, "
                "for example FREQ=MONTHLY;INTERVAL=2 (every second month) or "
                "FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=15 (15 August each year)."
            ),
        }

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = self.instance.measure = measure
        radio_without_empty(self, "kind", MaintenanceRoutine.Kind.choices)
        radio_without_empty(
            self, "recurrence", plain_rule_choices(MaintenanceRoutine.Recurrence.choices)
        )
        limit_choices(self, "owner", staff_choices(measure.organization, self.instance.owner_id))
        owner = self.fields["owner"]
        owner.required = True
        owner.error_messages["required"] = _("Choose who owns the routine.")

    def clean_first_date(self) -> date | None:
        day: date | None = self.cleaned_data.get("first_date")
        if day and not (
            EARLIEST_YEAR <= day.year <= timezone.localdate().year + FIRST_DATE_YEARS_AHEAD
        ):
            raise forms.ValidationError(
                _("Choose a date between 1 January 2000 and ten years from today.")
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # noqa: S101 - ModelForm.clean returns the data
        clean_custom_rule(self, data, rhythm_field="recurrence", first_field="first_date")
        # The first time within the measure's life; the later ones are shown only within it
        # (on the annual wheel and in reminders).
        refuse_dates_outside(self, self.measure, "first_date")
        return data


class GoverningDocumentForm(forms.ModelForm):
    class Meta:
        model = GoverningDocument
        fields = ["kind", "title", "year", "reference"]
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "title": _("For example: Kommuneplanens samfunnsdel 2026–2038."),
            "year": _("The year the document was adopted or applies to."),
            "reference": _("Where the measure is mentioned: a chapter, page, case number or link."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        radio_without_empty(self, "kind", GoverningDocument.Kind.choices)
        self.fields["year"].widget.attrs.update(inputmode="numeric")

    def clean_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("year")
        latest = timezone.localdate().year + DOCUMENT_YEARS_AHEAD
        if year is not None and not EARLIEST_YEAR <= year <= latest:
            raise forms.ValidationError(
                _("Give a year from %(first)s to %(last)s."),
                params={"first": EARLIEST_YEAR, "last": latest},
            )
        return year
