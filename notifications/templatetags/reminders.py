"""Template filters for the words about a reminder (``notifications.labels``)."""

from __future__ import annotations

from datetime import date

from django import template

from notifications import labels
from notifications.models import Reminder
from yearwheel.occurrences import Occurrence

register = template.Library()


@register.filter
def describe(reminder: Reminder) -> str:
    """What the reminder is and when, with short dates (lists)."""
    return labels.describe(reminder)


@register.filter
def when(reminder: Reminder) -> str:
    """When, with long dates (emails): "torsdag 4. mars 2027, kl. 09:00–11:00"."""
    return labels.reminder_when(reminder)


@register.filter
def long_date(day: object) -> str:
    """ "torsdag 4. mars 2027" / "Thursday 4 March 2027"."""
    return labels.long_date(day) if isinstance(day, date) else ""


@register.filter
def occurrence_when(occurrence: Occurrence) -> str:
    """When an occurrence of the wheel takes place (the digest's list)."""
    return labels.when(occurrence.start, occurrence.end, occurrence.start_time, occurrence.end_time)
