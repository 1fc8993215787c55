"""Forms of the annual wheel: wheels, rings and events. They validate; the views and
yearwheel/services.py save. Every choice is limited to the organisation's own rows."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from dateutil.rrule import rrulestr
from django import forms
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from measures.forms.choices import people
from measures.models import Goal, Measure, Program
from measures.recurrence import InvalidRule, normalize_rule, parse_rule
from organizations.formtools import (
    FreeTextLimit,
    ReminderDaysField,
    limit_choices,
    plain_rule_choices,
)
from organizations.ids import IdChoiceField, id_formfield
from organizations.models import Organization
from organizations.widgets import NorwegianDateInput
from yearwheel.models import Event, Recurrence, Ring, Wheel


def planning_year_of(organization: Organization, day: date) -> int:
    """The planning year (the calendar year it starts in) that contains ``day``."""
    start = organization.planning_year_start_month
    return day.year if day.month >= start else day.year - 1


# --- wheels --------------------------------------------------------------------------------


class WheelCreateForm(FreeTextLimit, forms.ModelForm):
    apply_template = forms.BooleanField(
        label=_("Add the municipal planning cycle"),
        required=False,
        initial=True,
        help_text=_(
            "Budget and economic plan, annual accounts and report, the status report to the "
            "council, school start and term evaluations, as ordinary events you can change. "
            "Dates on a weekend move to the nearest working day."
        ),
    )

    class Meta:
        model = Wheel
        fields = ["year", "start_month", "title", "introduction"]
        widgets = {
            "year": forms.NumberInput(attrs={"min": 2000, "max": 2100}),
            "start_month": forms.Select(choices=list(MONTHS.items())),
            "introduction": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "start_month": _("January for the calendar year, August for a school year."),
            "title": _(
                "Optional. Without a title the wheel is called “Annual wheel” and its year."
            ),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance.organization = organization
        self.fields["year"].initial = planning_year_of(organization, timezone.localdate())
        self.fields["start_month"].initial = organization.planning_year_start_month

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if Wheel.objects.filter(organization=self.organization, year=year).exists():
            raise forms.ValidationError(
                _(
                    "There is already an annual wheel for the planning year %(year)s. Open it "
                    "from the list of annual wheels, or choose another year."
                )
                % {"year": year}
            )
        return year


class WheelUpdateForm(FreeTextLimit, forms.ModelForm):
    class Meta:
        model = Wheel
        fields = ["title", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}


# --- rings ---------------------------------------------------------------------------------


class RingForm(forms.ModelForm):
    class Meta:
        model = Ring
        fields = ["name", "description", "colour", "default_kind", "is_visible"]
        widgets = {
            "colour": forms.TextInput(attrs={"type": "color", "class": "form-control-color"}),
        }
        help_texts = {
            "colour": _(
                "Choose a colour dark enough to read as text on white: the ring's name, its "
                "marks on the wheel and its rows in the agenda are drawn in it."
            ),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance.organization = organization
        kind = self.fields["default_kind"]
        assert isinstance(kind, forms.ChoiceField)  # noqa: S101 - a programming error
        kind.choices = Event.Kind.choices  # no empty choice

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        taken = (
            Ring.objects.filter(organization=self.organization, name__iexact=name)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if taken is not None:
            raise forms.ValidationError(
                _("There is already a ring called “%(name)s”%(archived)s. Choose another name.")
                % {"name": taken.name, "archived": _(" (archived)") if taken.is_archived else ""}
            )
        return name

    def clean_colour(self) -> str:
        return str(self.cleaned_data["colour"]).strip().lower()


# --- events --------------------------------------------------------------------------------


class GoalChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Goal) -> str:
        return f"{obj.title} ({obj.measure.name})"


class ExceptionDatesField(forms.CharField):
    """Dates typed as ``24.12.2026, 31.12.2026``; cleaned to a sorted list of ISO dates (as
    the model stores them)."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        reader = forms.DateField()
        days: set[date] = set()
        for part in (piece.strip() for piece in text.replace(";", ",").split(",")):
            if not part:
                continue
            try:
                day = reader.to_python(part)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("“%(text)s” is not a date. Write dates like 24.12.2026.") % {"text": part},
                    code="invalid",
                ) from error
            if day is not None:
                days.add(day)
        return [day.isoformat() for day in sorted(days)]


def short(day: date) -> str:
    return str(formats.date_format(day, "SHORT_DATE_FORMAT"))


TIME_WIDGET_ATTRS = {"placeholder": _("hh:mm"), "inputmode": "numeric", "autocomplete": "off"}


class EventForm(FreeTextLimit, forms.ModelForm):
    exceptions = ExceptionDatesField(
        label=_("Except on"),
        required=False,
        help_text=_("Dates, separated by commas, e.g. 24.12.2026, 31.12.2026."),
    )
    # Instead of each person's own reminder days (the profile), the same for everyone.
    reminder_days = ReminderDaysField(
        label=_("Reminders for this event (days before)"),
        empty_value=None,
        help_text=_(
            "Optional. Whole numbers from 0 to 60, separated by commas, for example 14, 2: "
            "the responsible person and the participants are reminded then instead of when "
            "they chose themselves. Leave empty to follow each person's own setting."
        ),
    )

    class Meta:
        formfield_callback = id_formfield
        model = Event
        fields = [
            "title",
            "kind",
            "ring",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "place",
            "description",
            "responsible",
            "participants",
            "measure",
            "goal",
            "program",
            "recurrence",
            "rrule",
            "repeat_until",
            "exceptions",
            "reminder_days",
        ]
        field_classes = {"goal": GoalChoiceField}
        widgets = {
            "start_date": NorwegianDateInput(),
            "end_date": NorwegianDateInput(),
            "repeat_until": NorwegianDateInput(),
            "start_time": forms.TimeInput(format="%H:%M", attrs=TIME_WIDGET_ATTRS),
            "end_time": forms.TimeInput(format="%H:%M", attrs=TIME_WIDGET_ATTRS),
            "description": forms.Textarea(attrs={"rows": 4}),
            "participants": forms.CheckboxSelectMultiple,
            "recurrence": forms.RadioSelect,
        }
        help_texts = {
            "ring": _("Only your own rings hold events; the system rings fill themselves."),
            "measure": _("Optional: the measure the event belongs to."),
            "goal": _("Optional: a goal of the chosen measure."),
            "program": _("Filled in from the measure when a measure is chosen."),
            "rrule": _(
                "Only for “A rhythm of its own”: an iCalendar rule counted from the date, for "
                "example FREQ=WEEKLY;INTERVAL=2;BYDAY=TU (every second Tuesday) or "
                "FREQ=MONTHLY;BYMONTHDAY=-1 (the last day of each month)."
            ),
            "repeat_until": _("Optional: the last date the event may repeat on."),
        }

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.instance.organization = organization
        instance = self.instance
        # What the event already points at stays a valid choice, even if it was archived
        # since: saving the form must not force a change nobody asked for.
        rings = Q(is_archived=False) | Q(pk=instance.ring_id)
        limit_choices(
            self,
            "ring",
            Ring.objects.filter(rings, organization=organization, source=Ring.Source.OWN),
        )
        limit_choices(self, "responsible", people(organization))
        limit_choices(self, "participants", people(organization))
        measures = Q(is_archived=False) | Q(pk=instance.measure_id)
        limit_choices(
            self,
            "measure",
            Measure.objects.filter(measures, organization=organization).order_by("name"),
        )
        limit_choices(
            self,
            "goal",
            Goal.objects.filter(measure__organization=organization)
            .filter(Q(measure__is_archived=False) | Q(measure_id=instance.measure_id))
            .select_related("measure")
            .order_by("measure__name", "position", "pk"),
        )
        current_programs = Q(is_archived=False) | Q(pk=instance.program_id)
        limit_choices(
            self,
            "program",
            Program.objects.filter(current_programs, organization=organization),
        )
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)  # noqa: S101 - a programming error
        kind.required = False
        kind.choices = [("", _("The ring's usual kind")), *Event.Kind.choices]
        recurrence = self.fields["recurrence"]
        assert isinstance(recurrence, forms.ChoiceField)  # noqa: S101 - a programming error
        # "Does not repeat" is the empty value, labelled: no "---------" beside it.
        recurrence.choices = plain_rule_choices(Recurrence.choices)
        if instance.pk:
            self.initial["exceptions"] = ", ".join(
                short(day) for day in sorted(instance.exception_dates())
            )

    # --- checks ----------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("ring") is not None and not cleaned.get("kind"):
            cleaned["kind"] = cleaned["ring"].default_kind
        if "start_date" not in cleaned:
            # Without a valid date there is nothing to check the other dates against (and
            # the model's own checks need one): they are checked once the date is given. A
            # custom rule is checked all the same (against today), so it is pointed out now.
            for name in ("end_date", "repeat_until", "exceptions"):
                cleaned.pop(name, None)
            if cleaned.get("recurrence") == Recurrence.CUSTOM:
                self._clean_rule(cleaned, timezone.localdate())
            return cleaned
        self._clean_links(cleaned)
        self._clean_recurrence(cleaned)
        return cleaned

    def _clean_links(self, cleaned: dict[str, Any]) -> None:
        measure = cleaned.get("measure")
        goal = cleaned.get("goal")
        if goal is not None:
            if measure is None:
                cleaned["measure"] = measure = goal.measure
            elif goal.measure_id != measure.pk:
                self.add_error(
                    "goal",
                    _(
                        "This goal belongs to the measure “%(measure)s”. Choose a goal of "
                        "“%(chosen)s”, or no goal."
                    )
                    % {"measure": goal.measure.name, "chosen": measure.name},
                )
        if measure is not None:
            program = cleaned.get("program")
            if program is not None and program.pk != measure.program_id:
                self.add_error(
                    "program",
                    _(
                        "The measure belongs to the programme “%(program)s”. Choose that "
                        "programme, or leave the field empty."
                    )
                    % {"program": measure.program.name},
                )
            else:
                cleaned["program"] = measure.program

    def _clean_recurrence(self, cleaned: dict[str, Any]) -> None:
        start: date = cleaned["start_date"]
        recurrence = cleaned.get("recurrence") or Recurrence.NONE
        if recurrence != Recurrence.CUSTOM:
            cleaned["rrule"] = ""
        elif not self._clean_rule(cleaned, start):
            return
        if recurrence in (Recurrence.MONTHLY, Recurrence.TERM) and start.day > 28:
            suggestion = (
                "FREQ=MONTHLY;BYMONTHDAY=-1"
                if recurrence == Recurrence.MONTHLY
                else "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=-1"
            )
            self.add_error(
                "recurrence",
                _(
                    "Repeating from the %(day)s. would skip the months that have no such day. "
                    "Choose a date from the 1st to the 28th, or choose “A rhythm of its own” "
                    "with a rule such as %(rule)s (the last day of the month)."
                )
                % {"day": start.day, "rule": suggestion},
            )
            return
        if recurrence == Recurrence.NONE:
            cleaned["repeat_until"] = None
        elif cleaned.get("repeat_until") and (
            "COUNT=" in cleaned["rrule"] or "UNTIL=" in cleaned["rrule"]
        ):
            self.add_error(
                "repeat_until",
                _(
                    "The rule already says when the repetition ends (COUNT or UNTIL). Leave "
                    "“repeats until” empty, or take COUNT or UNTIL out of the rule."
                ),
            )
            return
        until = cleaned.get("repeat_until")
        if until is not None and until < start:
            return  # the model says so (Event.clean)
        self._clean_exceptions(cleaned, start, recurrence)

    def _clean_rule(self, cleaned: dict[str, Any], start: date) -> bool:
        """Checks a custom rule counted from ``start`` and keeps it in normal form; False
        (with an error on the field) when it cannot be used."""
        if "rrule" in self.errors:
            return False  # too long: the field says so
        text = normalize_rule(cleaned.get("rrule") or "")
        if not text:
            self.add_error(
                "rrule",
                _(
                    "Write a recurrence rule for “A rhythm of its own”, or choose another way "
                    "of repeating."
                ),
            )
            return False
        try:
            parse_rule(text, start)
        except InvalidRule as error:
            self.add_error("rrule", str(error))
            return False
        cleaned["rrule"] = text
        return True

    def _clean_exceptions(self, cleaned: dict[str, Any], start: date, recurrence: str) -> None:
        days = [date.fromisoformat(value) for value in cleaned.get("exceptions") or []]
        if not days:
            return
        if recurrence == Recurrence.NONE:
            self.add_error("exceptions", _("Only a repeating event can skip dates."))
            return
        series = Event(
            start_date=start,
            recurrence=recurrence,
            rrule=cleaned.get("rrule", ""),
            repeat_until=cleaned.get("repeat_until"),
        )
        rule = rrulestr(series.rule_text(), dtstart=datetime.combine(start, time.min))
        wrong = [day for day in days if datetime.combine(day, time.min) not in rule]
        if wrong:
            self.add_error(
                "exceptions",
                _("Not a date of the series: %(dates)s.")
                % {"dates": ", ".join(short(day) for day in wrong)},
            )
