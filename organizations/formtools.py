"""Small helpers for forms of every app."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.ids import parse_id
from organizations.limits import whole_number


def limit_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Sets the choices of a model choice field, typically to one organisation's rows."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - a programming error
    field.queryset = queryset


def radio_without_empty(
    form: forms.BaseForm, name: str, choices: list[tuple[Any, Any]] | None = None
) -> None:
    """Makes a choice field a required radio list without Django's empty "---------" choice
    (a model field without a default offers one): ``choices`` if given, else the field's own
    choices less the empty one. A radio list that may stay unanswered labels its empty choice
    itself instead ("Not clear yet")."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - a programming error
    field.required = True
    offered: Any = choices if choices is not None else field.choices
    field.choices = [(value, label) for value, label in offered if value not in ("", None)]


# A rhythm people write as a rule themselves: the models' label for it names the file format
# ("Custom (iCalendar RRULE)"), which says nothing to the people who choose it. Forms and pages
# show this label instead (changing the models' label would need migrations in two apps).
CUSTOM_RULE = "custom"
CUSTOM_RULE_LABEL = _("A rhythm of its own")


def plain_rule_choices(choices: Any) -> list[tuple[Any, Any]]:
    """Rhythm or recurrence choices with the rule written by hand in plain words."""
    return [
        (value, CUSTOM_RULE_LABEL if value == CUSTOM_RULE else label) for value, label in choices
    ]


# The most a free-text field (a textarea) takes: some eight pages, far more than any field of
# the method needs, and small enough that a form with many such fields stays well below what
# one request may hold (organizations/limits.py).
FREE_TEXT_MAX_LENGTH = 20_000


class FreeTextLength:
    """Refuses a text longer than ``FREE_TEXT_MAX_LENGTH``, unless it is the text already saved
    (``stored``): a longer text saved before the limit existed can be saved again unchanged."""

    def __init__(self, stored: object) -> None:
        self.stored = stored

    def __call__(self, value: str) -> None:
        if len(value) > FREE_TEXT_MAX_LENGTH and value != self.stored:
            raise forms.ValidationError(
                gettext(
                    "This text is %(length)s characters long, and the field takes at most "
                    "%(max)s. Shorten it, or put the long material in a document and upload "
                    "it or link to it."
                )
                % {"length": whole_number(len(value)), "max": whole_number(FREE_TEXT_MAX_LENGTH)},
                code="too_long",
            )


class FreeTextLimit(forms.BaseForm):
    """For a form with textareas: each takes at most ``FREE_TEXT_MAX_LENGTH`` characters, with
    a message beside the field, so one text cannot fill a whole request. Put it before the
    form's base class: ``class LapForm(FreeTextLimit, forms.ModelForm)``. No ``maxlength`` is
    set in the page: a browser would cut a pasted text short without a word."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if (
                isinstance(field, forms.CharField)
                and isinstance(field.widget, forms.Textarea)
                and field.max_length is None
            ):
                field.validators.append(FreeTextLength(self.get_initial_for_field(field, name)))


def choice_from_query(form: forms.BaseForm, name: str, value: str) -> Any:
    """The object with pk ``value`` among a model choice field's choices (so never another
    organisation's), or None: for forms filled in from a link (``?measure=12``)."""
    pk = parse_id(value)
    if pk is None:
        return None
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - a programming error
    assert field.queryset is not None  # noqa: S101 - set by the form
    return field.queryset.filter(pk=pk).first()


# Reminder days: the same bounds as the calendar alarms (yearwheel/ical.py) and the planner.
MAX_REMINDER_DAYS = 60
MAX_REMINDERS = 5


def parse_reminder_days(text: str) -> list[int]:
    """Days before as typed ("7, 1", "14;2 0"): whole numbers 0–60, at most five, each once,
    largest first. Raises ``ValidationError`` with a message that says what to write."""
    parts = [part for part in re.split(r"[,;\s]+", text.strip()) if part]
    days: list[int] = []
    for part in parts:
        if not part.isascii() or not part.isdigit():
            raise forms.ValidationError(
                _("“%(value)s” is not a whole number from 0 to 60. Write the days like 7, 1."),
                code="not_a_number",
                params={"value": part},
            )
        day = int(part)
        if day > MAX_REMINDER_DAYS:
            raise forms.ValidationError(
                _("A reminder can be at most %(max)s days before, not %(value)s."),
                code="too_early",
                params={"max": MAX_REMINDER_DAYS, "value": day},
            )
        if day not in days:
            days.append(day)
    if len(days) > MAX_REMINDERS:
        raise forms.ValidationError(
            _("Choose at most %(max)s reminders."),
            code="too_many",
            params={"max": MAX_REMINDERS},
        )
    return sorted(days, reverse=True)


def format_reminder_days(value: object) -> str:
    """A stored list of days as the text the field shows ("7, 1")."""
    if isinstance(value, list | tuple):
        return ", ".join(str(day) for day in value)
    return "" if value is None else str(value)


class ReminderDaysField(forms.Field):
    """Reminder days edited as text and cleaned to a list of whole numbers (largest first).

    An empty field cleans to ``empty_value``: ``[]`` (no reminders) on the profile, ``None``
    (follow each person's own setting) on an event."""

    widget = forms.TextInput

    def __init__(self, *, empty_value: list[int] | None = None, **kwargs: Any) -> None:
        self.empty_value = empty_value
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = super().widget_attrs(widget)
        attrs.update({"maxlength": "100", "autocomplete": "off"})
        return attrs

    def prepare_value(self, value: Any) -> Any:
        # The stored list as text; a bound form shows what was typed (a string) as it is.
        return format_reminder_days(value) if isinstance(value, list | tuple) else value

    def to_python(self, value: Any) -> list[int] | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return None if self.empty_value is None else list(self.empty_value)
        return parse_reminder_days(text)


CORRECTION_REASON = "correction_reason"


def add_correction_reason(form: forms.BaseForm, *, correcting: bool) -> None:
    """Adds the required "why is it corrected?" field to the form of a formal record that
    already has a version (organizations/records.py); a first recording needs none."""
    if not correcting:
        return
    form.fields[CORRECTION_REASON] = forms.CharField(
        label=_("Why is it corrected?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[FreeTextLength(None)],
        help_text=_(
            "Required. The correction becomes a new version with this reason; the earlier "
            "versions stay visible with who recorded them and when."
        ),
        error_messages={
            "required": _("Say why the record is corrected. The reason is kept with it.")
        },
    )


def correction_reason(form: forms.BaseForm) -> str:
    """The reason typed in a form made by ``add_correction_reason`` ("" for a first one)."""
    return str(form.cleaned_data.get(CORRECTION_REASON) or "")
