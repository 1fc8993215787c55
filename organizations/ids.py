"""Ids that come from outside (query strings, form posts) checked before they reach a query.

A primary key is a 64-bit integer (``BigAutoField``). A longer number in a query string
(``?ring=99999999999999999999``) must not reach the database: SQLite's driver raises
``OverflowError`` and PostgreSQL refuses it, and either is a server error. Django guards
single-value lookups (``pk=…``) itself, but not ``pk__in=[…]``, which is what a multiple-choice
field asks. Everything here treats such a value as "no such choice".
"""

from __future__ import annotations

from typing import Any

from django import forms

# The largest bigint (PostgreSQL's bigint, SQLite's INTEGER); ids start at 1.
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """``value`` as an id (ASCII digits only, 1 to ``MAX_ID``), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > len(str(MAX_ID)):  # no need to build a huge int to know
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def _is_key_of(field: forms.ModelChoiceField[Any], value: Any) -> bool:
    """Whether ``value`` can be looked up: a model instance, or a valid id when the field
    chooses by primary key (a field with ``to_field_name`` keeps Django's own check)."""
    if field.to_field_name or isinstance(value, field.queryset.model):  # type: ignore[union-attr]
        return True
    return parse_id(value) is not None


class IdChoiceField(forms.ModelChoiceField):
    """A model choice whose submitted id is checked before the query: anything but an id
    from 1 to ``MAX_ID`` is "not one of the choices"."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not _is_key_of(self, value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several model choices whose ids are checked before the query (``pk__in``)."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            if pk not in self.empty_values and not _is_key_of(self, pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


def id_formfield(db_field: Any, **kwargs: Any) -> Any:
    """A ``ModelForm``'s ``Meta.formfield_callback``: its relations get the checked choice
    fields above instead of Django's own (a many-to-many field asks ``pk__in``)."""
    from django.db import models

    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", IdMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", IdChoiceField)
    return db_field.formfield(**kwargs)
