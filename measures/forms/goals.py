"""Forms for goals, indicators, measurements, judgements and future pictures.

Every form is bound to one measure and offers only that measure's logic elements and goals.
Numbers are localised (``12,5``) and dates Norwegian (``31.12.2026``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from measures.attainment import tidy
from measures.models import (
    FuturePicture,
    Goal,
    GoalJudgement,
    Indicator,
    LogicElement,
    Measure,
    Measurement,
)
from organizations.formtools import (
    FreeTextLimit,
    add_correction_reason,
    limit_choices,
    radio_without_empty,
)
from organizations.ids import IdMultipleChoiceField
from organizations.widgets import NorwegianDateInput

# Phones show a keyboard with a decimal separator; the text input accepts both , and .
DECIMAL_ATTRS = {"inputmode": "decimal", "autocomplete": "off"}


def tidy_initial(form: forms.ModelForm, names: tuple[str, ...]) -> None:
    """Shows stored decimals as typed (40, not 40,0000) when editing."""
    for name in names:
        value = form.initial.get(name)
        if isinstance(value, Decimal):
            form.initial[name] = tidy(value)


class LogicElementChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj: LogicElement) -> str:
        return f"{obj.get_column_display()}: {obj.text}"


class GoalForm(FreeTextLimit, forms.ModelForm):
    logic_elements = LogicElementChoiceField(
        label=_("Logic model elements"),
        queryset=LogicElement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The parts of the logic model this goal follows up."),
    )

    class Meta:
        model = Goal
        fields = ["title", "description", "logic_elements"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.measure = measure
        limit_choices(self, "logic_elements", LogicElement.objects.filter(measure=measure))


class JudgementForm(FreeTextLimit, forms.ModelForm):
    """A goal's judgement; a change of a recorded one is a correction with its reason."""

    class Meta:
        model = GoalJudgement
        fields = ["judgement", "narrative"]
        widgets = {
            "judgement": forms.RadioSelect,
            "narrative": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "judgement": {"required": _("Choose the judgement: met, partly met or not met.")},
            "narrative": {"required": _("Say why you judge it so.")},
        }

    def __init__(self, *args: Any, correcting: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        radio_without_empty(self, "judgement", GoalJudgement.Judgement.choices)
        self.fields["narrative"].help_text = _(
            "What the indicators show, and what else you know, that makes you judge it so."
        )
        add_correction_reason(self, correcting=correcting)


class IndicatorForm(forms.ModelForm):
    DECIMALS = ("baseline_value", "target_value", "plausible_min", "plausible_max")

    class Meta:
        model = Indicator
        fields = [
            "goal",
            "name",
            "kind",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "data_source",
            "frequency",
            "plausible_min",
            "plausible_max",
        ]
        localized_fields = ("baseline_value", "target_value", "plausible_min", "plausible_max")
        widgets = {
            "baseline_date": NorwegianDateInput(),
            "target_date": NorwegianDateInput(),
            "direction": forms.RadioSelect,
            "baseline_value": forms.TextInput(attrs=DECIMAL_ATTRS),
            "target_value": forms.TextInput(attrs=DECIMAL_ATTRS),
            "plausible_min": forms.TextInput(attrs=DECIMAL_ATTRS),
            "plausible_max": forms.TextInput(attrs=DECIMAL_ATTRS),
        }
        # The model field has no verbose_name, so Django would label it "Goal" in English in
        # every language (adding one there needs a migration in this app: see
        # docs/accessibility.md); tests/test_wording.py checks every model form for this.
        labels = {"goal": _("Goal")}
        help_texts = {
            "plausible_min": _("Optional. Measurements below it are refused as typing errors."),
            "plausible_max": _("Optional. Measurements above it are refused as typing errors."),
            "data_source": _("For example the pupil survey, or the school's own records."),
        }

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.measure = measure
        limit_choices(self, "goal", Goal.objects.filter(measure=measure))
        radio_without_empty(self, "direction", Indicator.Direction.choices)
        tidy_initial(self, self.DECIMALS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The model's own rules (dates in order, target on the right side) run after this,
        # in _post_clean; here the values are checked against the plausible range.
        candidate = Indicator(
            unit=cleaned.get("unit") or "",
            plausible_min=cleaned.get("plausible_min"),
            plausible_max=cleaned.get("plausible_max"),
        )
        for name in ("baseline_value", "target_value"):
            value = cleaned.get(name)
            error = candidate.plausibility_error(value) if value is not None else None
            if error:
                self.add_error(name, error)
        if self.instance.pk and not self.errors:
            self._check_measurements_in_range(candidate)
        return cleaned

    def _check_measurements_in_range(self, candidate: Indicator) -> None:
        """A narrower range must not leave earlier measurements outside it."""
        low, high = candidate.plausible_min, candidate.plausible_max
        bounds = {"plausible_min": Q(value__lt=low), "plausible_max": Q(value__gt=high)}
        if low is None:
            del bounds["plausible_min"]
        if high is None:
            del bounds["plausible_max"]
        if not bounds:
            return
        counts = self.instance.measurements.aggregate(
            **{name: Count("pk", filter=condition) for name, condition in bounds.items()}
        )
        for name, count in counts.items():
            if count:
                self.add_error(
                    name,
                    ngettext_lazy(
                        "%(count)s measurement already lies outside this range. Correct it "
                        "first, or widen the range.",
                        "%(count)s measurements already lie outside this range. Correct them "
                        "first, or widen the range.",
                        "count",
                    )
                    % {"count": count},
                )


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Measurement
        fields = ["date", "value", "comment"]
        localized_fields = ("value",)
        widgets = {"date": NorwegianDateInput(), "value": forms.TextInput(attrs=DECIMAL_ATTRS)}
        help_texts = {"value": _("Use a decimal comma if you need one, for example 12,5.")}

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.indicator = indicator
        # The range appears in the model's error message: 100, not 100,0000.
        for bound in ("plausible_min", "plausible_max"):
            value = getattr(indicator, bound)
            if value is not None:
                setattr(indicator, bound, tidy(value))
        self.fields["value"].label = _("Value (%(unit)s)") % {"unit": indicator.unit}
        tidy_initial(self, ("value",))

    def clean_date(self) -> Any:
        when = self.cleaned_data["date"]
        if when > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        # The unique constraint includes the indicator, which is not a field of this form,
        # so Django would not check it: without this the database would refuse the row.
        taken = Measurement.objects.filter(indicator=self.instance.indicator, date=when).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise forms.ValidationError(
                _(
                    "There is already a measurement on %(date)s. Change that one instead, "
                    "or choose another date."
                )
                % {"date": formats.date_format(when, "SHORT_DATE_FORMAT")}
            )
        return when


class GoalChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj: Goal) -> str:
        return obj.title


class FuturePictureForm(FreeTextLimit, forms.ModelForm):
    goals = GoalChoiceField(
        label=_("Goals that lead towards it"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = FuturePicture
        fields = ["horizon_year", "description", "goals"]
        widgets = {
            "horizon_year": forms.NumberInput(attrs={"min": 2000, "max": 2100}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "horizon_year": _("The year this picture describes, for example 2030."),
            "description": _("What good looks like for children and young people then."),
        }

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.measure = measure
        limit_choices(self, "goals", Goal.objects.filter(measure=measure))

    def clean_horizon_year(self) -> int:
        year: int = self.cleaned_data["horizon_year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Give a year between 2000 and 2100."))
        return year
