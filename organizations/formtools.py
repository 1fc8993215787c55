"""Small helpers for forms of every app."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


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


def choice_from_query(form: forms.BaseForm, name: str, value: str) -> Any:
    """The object with pk ``value`` among a model choice field's choices (so never another
    organisation's), or None: for forms filled in from a link (``?measure=12``)."""
    if not value.isdigit():
        return None
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - a programming error
    assert field.queryset is not None  # noqa: S101 - set by the form
    return field.queryset.filter(pk=int(value)).first()


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
