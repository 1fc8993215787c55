"""Small helpers for forms of every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet


def limit_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Sets the choices of a model choice field, typically to one organisation's rows."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - a programming error
    field.queryset = queryset
