"""Forms for phase III, the roundabout: laps, their attachments and the service's components.

Every form is bound to one measure and offers only that organisation's units and people and
that measure's laps. They validate; the views save.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from measures.forms import choices
from measures.life import refuse_dates_outside
from measures.models import Measure
from measures.uploads import clean_upload, prepare_upload_field
from organizations.formtools import (
    FreeTextLimit,
    add_correction_reason,
    limit_choices,
    radio_without_empty,
)
from organizations.ids import IdChoiceField, IdMultipleChoiceField
from organizations.models import Unit, User
from organizations.widgets import NorwegianDateInput
from phases.models import IterationAttachment, PilotIteration, ServiceComponent

EARLIEST_YEAR = 2000
# A lap is logged while it runs or after it: it may be planned to end within the coming year,
# not further ahead.
PERIOD_END_DAYS_AHEAD = 366


def short_date(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def staff_choices(organization: Any, current: int | None) -> QuerySet[User]:
    """The organisation's staff, and the person already chosen even if they have left since
    (so an old entry can be saved again unchanged)."""
    staff = choices.contributors(organization).order_by().values("pk")
    return User.objects.filter(Q(pk__in=staff) | Q(pk=current)).order_by("full_name", "email")


class UnitsField(IdMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


class PilotIterationForm(FreeTextLimit, forms.ModelForm):
    """One lap. Laps are numbered 1, 2, 3 … and follow each other in time without overlapping:
    each starts after the previous one ends."""

    piloted_where = UnitsField(
        label=_("Piloted where"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The units where it was piloted."),
    )

    class Meta:
        model = PilotIteration
        fields = [
            "number",
            "period_start",
            "period_end",
            "developed",
            "piloted_where",
            "piloted_note",
            "findings",
            "learned",
            "decision_next",
        ]
        widgets = {
            "period_start": NorwegianDateInput(),
            "period_end": NorwegianDateInput(),
            "developed": forms.Textarea(attrs={"rows": 4}),
            "piloted_note": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "learned": forms.Textarea(attrs={"rows": 3}),
            "decision_next": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "developed": _("What the team developed or changed in the service during this lap."),
            "piloted_note": _(
                "Which groups, classes or teams took part, and how. Never names of children "
                "or families."
            ),
            "findings": _("What the evaluation of the lap showed: indicators, feedback, data."),
            "decision_next": _("Go on to another lap, adjust, or leave the roundabout?"),
        }

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = self.instance.measure = measure
        current = list(self.instance.piloted_where.all()) if self.instance.pk else []
        # Units archived since they were chosen stay on the lap (and in the list).
        limit_choices(
            self,
            "piloted_where",
            Unit.objects.filter(organization=measure.organization)
            .filter(Q(is_archived=False) | Q(pk__in=[unit.pk for unit in current]))
            .order_by("name"),
        )
        if not self.fields["piloted_where"].queryset.exists():  # type: ignore[attr-defined]
            self.fields["piloted_where"].help_text = _(
                "The organisation has no units yet; an administrator adds them. Describe where "
                "it was piloted below."
            )
        self.others = list(
            PilotIteration.objects.filter(measure=measure)
            .exclude(pk=self.instance.pk)
            .order_by("number")
            .values_list("number", "period_start", "period_end")
        )
        number = self.fields["number"]
        if self.instance.pk:
            # A lap keeps its number: the laps' order is their history.
            number.disabled = True
            number.help_text = _("Laps keep their number.")
        else:
            number.initial = self.next_number()
            number.help_text = _("Laps are numbered in order: 1, 2, 3 …")
        number.widget.attrs.update(min=1, inputmode="numeric")
        if self.instance.pk and self.instance.decision_next:
            # A recorded decision is corrected on the lap's page, with a reason, never
            # written over here (a disabled field keeps what is saved whatever is posted).
            decision = self.fields["decision_next"]
            decision.disabled = True
            decision.help_text = _(
                "Recorded. To change it, correct it on the lap's page: the correction becomes "
                "a new version with its reason."
            )

    def next_number(self) -> int:
        return max((lap_number for lap_number, _start, _end in self.others), default=0) + 1

    def clean_number(self) -> int:
        number: int = self.cleaned_data["number"]
        if self.instance.pk:
            return number
        expected = self.next_number()
        if number != expected:
            raise forms.ValidationError(
                _(
                    "Laps are numbered in order: the next lap is number %(expected)s, not "
                    "%(number)s."
                ),
                params={"expected": expected, "number": number},
            )
        return number

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # noqa: S101 - ModelForm.clean returns the data
        self._clean_period(data)
        # A lap is part of the measure's work: within its life (after the checks above, so
        # a field already refused keeps that one message).
        refuse_dates_outside(self, self.measure, "period_start", "period_end")
        return data

    def _clean_period(self, data: dict[str, Any]) -> None:
        start, end, number = data.get("period_start"), data.get("period_end"), data.get("number")
        if start and start.year < EARLIEST_YEAR:
            self.add_error("period_start", _("Choose a date from 2000 on."))
            return
        if end and end > timezone.localdate() + timedelta(days=PERIOD_END_DAYS_AHEAD):
            self.add_error("period_end", _("A lap cannot end more than a year from today."))
            return
        if not (start and end and number):
            return
        if end < start:
            self.add_error("period_end", _("The lap cannot end before it starts."))
            return
        # The earlier lap that ends last and the later lap that starts first bound this one.
        before = max(
            ((lap_end, lap) for lap, _start, lap_end in self.others if lap < number),
            default=None,
        )
        after = min(
            ((lap_start, lap) for lap, lap_start, _end in self.others if lap > number),
            default=None,
        )
        if before and start <= before[0]:
            self.add_error(
                "period_start",
                _("Lap %(other)s ends %(date)s: this lap must start after that.")
                % {"other": before[1], "date": short_date(before[0])},
            )
        if after and end >= after[0]:
            self.add_error(
                "period_end",
                _("Lap %(other)s starts %(date)s: this lap must end before that.")
                % {"other": after[1], "date": short_date(after[0])},
            )


class LapDecisionCorrectionForm(FreeTextLimit, forms.Form):
    """A lap's decision for the next lap as it should read, and why it is corrected."""

    decision_next = forms.CharField(
        label=_("The decision for the next lap as it should read"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the decision as it should read.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_correction_reason(self, correcting=True)


class IterationAttachmentForm(forms.ModelForm):
    class Meta:
        model = IterationAttachment
        fields = ["title", "file"]
        help_texts = {"title": _("For example: the evaluation report, or the pilot's routine.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prepare_upload_field(self.fields["file"])

    def clean_file(self) -> Any:
        return clean_upload(self.cleaned_data.get("file"))


class IterationChoiceField(IdChoiceField):
    def label_from_instance(self, obj: PilotIteration) -> str:
        return gettext("Lap %(number)s (%(start)s–%(end)s)") % {
            "number": obj.number,
            "start": short_date(obj.period_start),
            "end": short_date(obj.period_end),
        }


def _component_formfield(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    # Links typed without a scheme are taken to be https (Django 6's default, chosen now).
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class ServiceComponentForm(FreeTextLimit, forms.ModelForm):
    """A work process, role, responsibility or routine: described (when, by whom, where the
    description is) and piloted (in which lap of this measure)."""

    piloted_in = IterationChoiceField(
        label=_("Piloted in lap"),
        queryset=PilotIteration.objects.none(),
        required=False,
        empty_label=_("Not piloted yet"),
        error_messages={
            "invalid_choice": _(
                "That lap is not one of this measure's laps. Choose one of them, or log the "
                "lap first."
            )
        },
    )

    class Meta:
        model = ServiceComponent
        formfield_callback = _component_formfield
        fields = [
            "kind",
            "name",
            "description",
            "described_on",
            "described_by",
            "description_url",
            "description_file",
            "piloted_in",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
            "described_on": NorwegianDateInput(),
        }
        help_texts = {
            "name": _("For example: the routine for following up absence."),
            "description": _(
                "The component as it is meant to work in ordinary operation, or a summary of "
                "the document that describes it."
            ),
            "described_on": _(
                "The date the description was finished. Leave empty while it is a draft."
            ),
            "description_url": _("A link to the description, for example in the quality system."),
        }

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.measure = measure
        radio_without_empty(self, "kind", ServiceComponent.Kind.choices)
        limit_choices(
            self,
            "described_by",
            staff_choices(measure.organization, self.instance.described_by_id),
        )
        limit_choices(
            self, "piloted_in", PilotIteration.objects.filter(measure=measure).order_by("number")
        )
        prepare_upload_field(self.fields["description_file"])

    def clean_description_file(self) -> Any:
        return clean_upload(self.cleaned_data.get("description_file"))

    def clean_described_on(self) -> date | None:
        day: date | None = self.cleaned_data.get("described_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if day and day.year < EARLIEST_YEAR:
            raise forms.ValidationError(_("Choose a date from 2000 on."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # noqa: S101 - ModelForm.clean returns the data
        if "described_on" in self.errors:
            return data
        described_on = data.get("described_on")
        has_description = bool(
            (data.get("description") or "").strip()
            or data.get("description_url")
            or data.get("description_file")
        )
        if described_on:
            if not data.get("described_by"):
                self.add_error("described_by", _("Say who described it."))
            if not has_description:
                self.add_error(
                    "description",
                    _("Write the description, link to it or upload the document."),
                )
        elif data.get("described_by"):
            self.add_error("described_on", _("Give the date it was described."))
        return data
