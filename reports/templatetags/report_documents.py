"""Filters for a published report's document around its measures (the measures' own words
and dates come from the ``reports`` library): when it was published, what kind it is.

Worded in the active language: the written standard inside a report (``{% language %}``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

from reports.models import Report

register = template.Library()


@register.filter
def isodatetime(value: Any) -> datetime | None:
    """ "2026-05-02T10:15:00+00:00" → an aware datetime for Django's ``date`` filter (shown in
    the site's time zone); anything else → None."""
    if isinstance(value, datetime):
        return value
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@register.filter
def report_kind(value: Any) -> str:
    """ "four_months" → "Four-month report"."""
    try:
        return str(Report.Kind(value).label)
    except ValueError:
        return ""
