"""Field values as people read them: choices by their label, yes/no, Norwegian dates and
numbers. Used by the audit trail and by the history sections of the measure and event pages."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.formats import number_format
from django.utils.translation import gettext as _

EMPTY = "–"


def display_value(model_field: models.Field[Any, Any], value: Any) -> str:
    """``value`` of ``model_field`` as text for a reader (foreign keys are named elsewhere)."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(model_field, models.FileField):
        name = getattr(value, "name", value) or ""
        return str(name).rsplit("/", 1)[-1] or EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    # Dates are Norwegian in every language (config/formats), so written directly: Django's
    # date_format is a large part of the cost of a long CSV file.
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, Decimal):
        # 12.5000 as 12,5 and 100.0000 as 100 (never 1E+2).
        return number_format(Decimal(f"{value.normalize():f}"), use_l10n=True, force_grouping=True)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or EMPTY
    # Integers here are years, days, laps and positions: never grouped (2026, not 2 026).
    return str(value)


def decode_value(model_field: models.Field[Any, Any], raw: Any) -> Any:
    """A value read through JSON (see organizations/audit/records.py) back as the Python
    value the field holds. JSON has no dates, decimals or booleans of its own, and the two
    databases write them differently (SQLite: ``1`` and ``'2026-01-01 10:00:00'``;
    PostgreSQL: ``true`` and ``'2026-01-01T10:00:00+00:00'``)."""
    if raw is None:
        return None
    if isinstance(model_field, models.BooleanField):
        return bool(raw)
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(raw) if isinstance(raw, str) else raw
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment, UTC)  # SQLite stores UTC
        return moment
    if isinstance(model_field, models.DateField):
        return parse_date(raw[:10]) if isinstance(raw, str) else raw
    if isinstance(model_field, models.TimeField):
        return parse_time(raw) if isinstance(raw, str) else raw
    if isinstance(model_field, models.DecimalField):
        return Decimal(str(raw))
    if isinstance(model_field, models.JSONField):
        return json.loads(raw) if isinstance(raw, str) else raw
    if isinstance(model_field, models.FileField):
        return raw or ""
    return raw
