"""Forms for evaluation cycles, evaluations and the measurement import. They validate only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measures import recurrence
from measures.exchange.imports import MAX_UPLOAD_BYTES
from measures.life import refuse_dates_outside
from measures.models import Evaluation, EvaluationCycle, Measure, Rhythm
from measures.services import EVALUATION_FIELDS
from organizations.formtools import (
    FreeTextLimit,
    add_correction_reason,
    plain_rule_choices,
    radio_without_empty,
)
from organizations.limits import mark_file_limit
from organizations.widgets import NorwegianDateInput

EARLIEST_FIRST_DUE = date(2000, 1, 1)
FIRST_DUE_YEARS_AHEAD = 10
# An evaluation looks back on a period; it may be written a little before the period ends
# (at the last meeting of the term), but not for a period that lies far ahead.
PERIOD_END_DAYS_AHEAD = 366


def clean_custom_rule(
    form: forms.BaseForm, data: dict[str, Any], *, rhythm_field: str, first_field: str
) -> None:
    """Forgets the rule unless the rhythm is custom; otherwise checks it (an error on the
    ``rrule`` field) and stores it in normal form, so what the form lets through is a rule
    ``recurrence.series`` accepts.

    The rule is checked against the first date; when that date is missing or refused, against
    today, so a wrong rule is pointed out together with the date rather than after it."""
    if data.get(rhythm_field) != Rhythm.CUSTOM:
        data["rrule"] = ""
        return
    if "rrule" in form.errors:
        return  # too long: the field says so
    first = data.get(first_field) or timezone.localdate()
    try:
        recurrence.parse_rule(data.get("rrule", ""), first)
    except recurrence.InvalidRule as error:
        form.add_error("rrule", str(error))
    else:
        data["rrule"] = recurrence.normalize_rule(data["rrule"])


class EvaluationCycleForm(forms.ModelForm):
    class Meta:
        model = EvaluationCycle
        fields = ["rhythm", "first_due", "rrule"]
        widgets = {"rhythm": forms.RadioSelect, "first_due": NorwegianDateInput()}
        help_texts = {
            "first_due": _(
                "For “each school term”, evaluations are due at the end of each term, on "
                "20 June and 20 December, from the first of these on or after this date."
            ),
            "rrule": _(
                "Only for a custom rhythm: an iCalendar rule counted from the first due date, "
                "for example FREQ=MONTHLY;INTERVAL=2 (every second month) or "
                "FREQ=YEARLY;BYMONTH=3,10;BYMONTHDAY=1 (1 March and 1 October)."
            ),
        }

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        radio_without_empty(self, "rhythm", plain_rule_choices(Rhythm.choices))

    def clean_first_due(self) -> date:
        first_due: date = self.cleaned_data["first_due"]
        latest = timezone.localdate() + relativedelta(years=FIRST_DUE_YEARS_AHEAD)
        if not EARLIEST_FIRST_DUE <= first_due <= latest:
            raise forms.ValidationError(
                _("Choose a date between 1 January 2000 and ten years from today.")
            )
        return first_due

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # noqa: S101 - ModelForm.clean returns the data
        clean_custom_rule(self, data, rhythm_field="rhythm", first_field="first_due")
        # The first due date within the measure's life; the later ones stop at its end
        # (measures/services.py, the annual wheel and the reminders).
        refuse_dates_outside(self, self.measure, "first_due")
        return data


class EvaluationForm(FreeTextLimit, forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = list(EVALUATION_FIELDS)
        widgets = {
            "period_start": NorwegianDateInput(),
            "period_end": NorwegianDateInput(),
            "tried": forms.Textarea(attrs={"rows": 4}),
            "worked": forms.Textarea(attrs={"rows": 3}),
            "did_not_work": forms.Textarea(attrs={"rows": 3}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
            "decision": forms.RadioSelect,
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "period_end": _("The indicators' latest values on this date are kept with it."),
            "next_steps": _("Required when the decision is to adjust: what will change?"),
        }

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        radio_without_empty(self, "decision")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # noqa: S101 - ModelForm.clean returns the data
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        latest_end = timezone.localdate() + timedelta(days=PERIOD_END_DAYS_AHEAD)
        if end and end > latest_end:
            self.add_error("period_end", _("The period cannot end more than a year from today."))
        if start and start.year < EARLIEST_FIRST_DUE.year:
            self.add_error("period_start", _("Choose a date from 2000 on."))
        # The period looked back on lies within the measure's life.
        refuse_dates_outside(self, self.measure, "period_start", "period_end")
        decision = data.get("decision")
        if decision == Evaluation.Decision.ADJUST and not data.get("next_steps", "").strip():
            self.add_error("next_steps", _("Describe the adjustments you decided on."))
        return data


class EvaluationCorrectionForm(FreeTextLimit, forms.Form):
    """What an evaluation says, corrected, and why. The period and the indicators as they
    stood when it was recorded are not part of it: they stay as recorded."""

    tried = forms.CharField(label=_("What was tried"), widget=forms.Textarea(attrs={"rows": 4}))
    worked = forms.CharField(
        label=_("What worked"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    did_not_work = forms.CharField(
        label=_("What did not work"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lessons = forms.CharField(
        label=_("Lessons"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=Evaluation.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the decision: continue, adjust or stop.")},
    )
    next_steps = forms.CharField(
        label=_("Next steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the decision is to adjust: what will change?"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_correction_reason(self, correcting=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # noqa: S101 - Form.clean returns the data
        if (
            data.get("decision") == Evaluation.Decision.ADJUST
            and not (data.get("next_steps") or "").strip()
        ):
            self.add_error("next_steps", _("Describe the adjustments you decided on."))
        return data


class MeasurementImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mark_file_limit(self.fields["file"], MAX_UPLOAD_BYTES)
        self.fields["file"].help_text = _(
            "An Excel workbook (.xlsx) or a CSV file, at most %(size)s MB."
        ) % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}


class MeasurementImportConfirmForm(forms.Form):
    """The preview's signed rows, sent back to be checked again and saved."""

    payload = forms.CharField(widget=forms.HiddenInput)
