"""Forms for phase I (the preparation and the decision to go on) and phase II (the plan).

They validate; the views save. Every choice of a person comes from the measure's own
organisation, dates are typed the Norwegian way (31.12.2026) and amounts too (12 500,50).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from measures.forms import choices
from measures.life import refuse_dates_outside
from measures.models import Measure
from organizations.formtools import (
    FreeTextLimit,
    add_correction_reason,
    limit_choices,
    radio_without_empty,
)
from organizations.models import Organization
from organizations.widgets import NorwegianDateInput
from phases.models import (
    BudgetLine,
    ImplementationPlan,
    PlannedActivity,
    Preparation,
    PreparationDecision,
    RoleResponsibility,
)

NO_CHILDREN = _("Staff, services and roles only; never names of children.")


def _text(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class PreparationForm(FreeTextLimit, forms.ModelForm):
    """Phase I as the measure's team describes it (the decision itself is separate)."""

    class Meta:
        model = Preparation
        fields = [
            "key_people",
            "scope",
            "fit_with_local_needs",
            "competence",
            "structures",
            "resources",
        ]
        widgets = {
            "key_people": _text(),
            "scope": forms.RadioSelect,
            "fit_with_local_needs": _text(4),
            "competence": _text(),
            "structures": _text(),
            "resources": _text(),
        }
        help_texts = {
            "scope": _("Is this a small trial, or meant to become a lasting service?"),
            "fit_with_local_needs": _(
                "How the measure answers the needs in the knowledge base, and what in the "
                "local context speaks for or against it."
            ),
            "competence": _("What the staff must know or learn to carry the measure."),
            "structures": _(
                "Meeting places, routines and collaboration the measure needs, and which of "
                "them exist already."
            ),
            "resources": _("Time, money, premises and equipment the measure needs."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)  # noqa: S101 - a programming error
        # A radio button for "not clear yet" rather than Django's "---------".
        scope.choices = [("", _("Not clear yet")), *Preparation.Scope.choices]


class DecisionForm(FreeTextLimit, forms.ModelForm):
    """The decision to go on (or not): who decided and when are part of it. A change of a
    recorded decision is a correction with its reason."""

    class Meta:
        model = PreparationDecision
        fields = ["decision", "decided_by", "decided_on", "decision_note"]
        widgets = {
            "decision": forms.RadioSelect,
            "decided_on": NorwegianDateInput(),
            "decision_note": _text(4),
        }
        labels = {"decided_by": _("Decided by")}
        help_texts = {
            "decided_by": _("The person who made the decision, for example the head of service."),
            "decision_note": _("Why, and on which conditions. Say where the decision is recorded."),
        }
        error_messages = {
            "decision": {"required": _("Choose the decision: go on to planning, or not.")},
            "decided_by": {"required": _("Say who made the decision.")},
            "decided_on": {"required": _("Say when the decision was made.")},
        }

    def __init__(
        self, *args: Any, organization: Organization, correcting: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Everyone in the organisation: the decision often lies with top management, who read
        # the product as viewers.
        limit_choices(self, "decided_by", choices.people(organization))
        self.fields["decided_by"].required = True
        radio_without_empty(self, "decision", PreparationDecision.Decision.choices)
        add_correction_reason(self, correcting=correcting)

    def clean_decided_on(self) -> Any:
        day = self.cleaned_data.get("decided_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The decision date cannot be in the future."))
        return day


class PlanForm(FreeTextLimit, forms.ModelForm):
    class Meta:
        model = ImplementationPlan
        fields = [
            "to_develop",
            "target_group",
            "training_plan",
            "information_plan",
            "evaluation_plan",
        ]
        widgets = {name: _text(4) for name in fields}
        help_texts = {
            "to_develop": _("The new service, way of working or routine the measure develops."),
            "target_group": _(
                "Which children, young people or families, described as a group; and which "
                "staff. Never names of children."
            ),
            "training_plan": _("Who is trained in what, when, and by whom."),
            "information_plan": _("Who is told what, when and how: staff, leaders, partners."),
        }


class MonthField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=[("", "–"), *MONTHS.items()],
            coerce=int,
            empty_value=None,
            required=False,
            **kwargs,
        )


class ActivityForm(forms.ModelForm):
    """An activity happens in a month (every year, on the annual wheel) or between dates; the
    annual wheel relies on exactly one of the two being given."""

    month = MonthField(
        label=_("Month"),
        help_text=_(
            "Instead of dates: when only the month is known, or the activity comes back in "
            "that month every year."
        ),
    )

    class Meta:
        model = PlannedActivity
        fields = ["what", "start_date", "end_date", "month", "responsible", "contributors"]
        widgets = {"start_date": NorwegianDateInput(), "end_date": NorwegianDateInput()}
        help_texts = {
            "end_date": _("Leave empty for an activity of one day."),
            "contributors": NO_CHILDREN,
        }

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        # Viewers read; they are not given activities to carry out.
        limit_choices(self, "responsible", choices.contributors(measure.organization))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end, month = (cleaned.get(name) for name in ("start_date", "end_date", "month"))
        # A field already refused (a date that does not exist) says enough on its own.
        failed = any(name in self.errors for name in ("start_date", "end_date", "month"))
        if month is not None and (start or end):
            self.add_error("month", _("Give either a month or dates, not both."))
        elif month is None and not start and not end and not failed:
            self.add_error("start_date", _("Say when: give the dates, or choose a month."))
        elif end and not start:
            self.add_error("start_date", _("Give the date the activity starts."))
        elif start and end and end < start:
            self.add_error("end_date", _("The activity cannot end before it starts."))
        # Dates within the measure's life; a month comes back each year, and the annual
        # wheel shows it only within the life (yearwheel/sources.py).
        refuse_dates_outside(self, self.measure, "start_date", "end_date")
        return cleaned


class RoleForm(FreeTextLimit, forms.ModelForm):
    class Meta:
        model = RoleResponsibility
        fields = ["role", "responsibility", "holder"]
        widgets = {"responsibility": _text()}
        help_texts = {
            "role": _("For example: implementation team lead, school owner, PPT adviser."),
            "holder": _("A person, a position or a service. Never names of children."),
        }


def money_initial(value: Decimal) -> Decimal:
    """12500, not 12500,00, when the amount has no øre; 12500,50 when it has."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["description", "year", "amount", "funding_source"]
        localized_fields = ("amount",)
        widgets = {
            "year": forms.NumberInput(attrs={"min": 2000, "max": 2100}),
            # Text, not number: browsers' number fields refuse "12 500,50".
            "amount": forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        }
        help_texts = {
            "amount": _("In kroner, for example 12 500 or 12 500,50."),
            "funding_source": _("For example the municipal budget, or a state grant."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        amount = self.initial.get("amount")
        if isinstance(amount, Decimal):
            self.initial["amount"] = money_initial(amount)

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount < 0:
            raise forms.ValidationError(_("The amount cannot be negative."))
        return amount

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Give a year between 2000 and 2100."))
        return year
