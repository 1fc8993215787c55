"""The audited models, read from ``settings.AUDIT_TRAIL`` (see config/audit_trail.py).

Each entry becomes an :class:`AuditedModel`: the model, its historical model, the way its
records reach their organisation and measure, what names a record, and its page. The
entries are checked when first read, so a misspelt field fails at once, not on a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.utils.text import capfirst

# Never shown as a change: the row's identity, its timestamps and its organisation (which a
# record never leaves).
IGNORED_FIELDS = frozenset({"id", "created_at", "updated_at", "organization"})


@dataclass(frozen=True)
class ManyToMany:
    """A many-to-many field whose sets are kept with each historical record."""

    field: models.ManyToManyField[Any, Any]
    history: type[models.Model]  # simple-history's model of the through rows
    target: str  # the through row's foreign key to what is chosen ("tag")


@dataclass(frozen=True)
class AuditedModel:
    key: str  # "measures.measure": stable, used in URLs and in the trail's query
    model: type[models.Model]
    history: type[models.Model]
    organization: tuple[str, ...] = ()
    measure: str = ""
    parent: str = ""
    name: tuple[str, ...] = ()
    link: tuple[str, dict[str, str]] | None = None
    fields: tuple[models.Field[Any, Any], ...] = field(default=(), compare=False)  # shown
    many_to_many: tuple[ManyToMany, ...] = field(default=(), compare=False)

    @property
    def label(self) -> str:
        return capfirst(str(self.model._meta.verbose_name))

    def read_fields(self) -> list[models.Field[Any, Any]]:
        """The fields read for each record: those shown, and those naming and linking it."""
        needed = [self.field(name) for name in self.name]
        if self.link:
            needed += [
                self.model._meta.get_field(source.removesuffix("_id"))  # type: ignore[misc]
                for source in self.link[1].values()
                if source not in ("id", "measure")
            ]
        return [*self.fields, *(f for f in needed if f not in self.fields)]

    def field(self, name: str) -> models.Field[Any, Any]:
        found = self.model._meta.get_field(name)
        assert isinstance(found, models.Field)  # noqa: S101 - checked when registered
        return found


def _as_tuple(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(value)


def _has_own_name(model_field: models.Field[Any, Any]) -> bool:
    return getattr(model_field, "_verbose_name", None) is not None


def field_label(model_field: models.Field[Any, Any]) -> str:
    """A field's name for readers: its verbose name, or what a foreign key points to."""
    related = model_field.related_model
    if not _has_own_name(model_field) and related is not None and not isinstance(related, str):
        return str(related._meta.verbose_name)
    return str(model_field.verbose_name)


def _shown_fields(
    model: type[models.Model], hidden: set[str]
) -> tuple[models.Field[Any, Any], ...]:
    """The fields whose changes the trail shows. Left out besides ``hidden``: fields nobody
    edits, and unnamed bookkeeping (an order, a key, who created the row: the trail says who
    made every change anyway)."""
    user_model = get_user_model()
    shown = []
    for model_field in model._meta.concrete_fields:
        if model_field.name in IGNORED_FIELDS or model_field.name in hidden:
            continue
        if not model_field.editable:
            continue
        if not _has_own_name(model_field) and model_field.related_model in (None, user_model):
            continue
        shown.append(model_field)
    return tuple(shown)


def _many_to_many(history: type[models.Model]) -> tuple[ManyToMany, ...]:
    found = []
    for m2m in getattr(history, "_history_m2m_fields", ()):
        # simple-history hangs a manager of the through rows' history on the historical model.
        through_history = getattr(history, m2m.name).model
        found.append(ManyToMany(m2m, through_history, m2m.m2m_reverse_field_name()))
    return tuple(found)


def _check_path(model: type[models.Model], path: str, key: str) -> None:
    current = model
    for part in path.split("__"):
        if part == "id" and current is model:
            continue
        try:
            step = current._meta.get_field(part)
        except FieldDoesNotExist as error:
            raise ImproperlyConfigured(f"AUDIT_TRAIL {key}: no field {path!r}") from error
        if step.related_model is not None:
            current = step.related_model  # type: ignore[assignment]


def _entry(raw: dict[str, Any]) -> AuditedModel:
    model = apps.get_model(raw["model"])
    key = model._meta.label_lower
    manager = getattr(model, "history", None)
    if manager is None:
        raise ImproperlyConfigured(f"AUDIT_TRAIL {key}: the model keeps no history")
    history = manager.model
    organization = _as_tuple(raw.get("organization", ""))
    parent = raw.get("parent", "")
    # What ties a record to its organisation or parent never changes: not shown as a field.
    hidden = {path.split("__")[0] for path in organization} | {parent}
    entry = AuditedModel(
        key=key,
        model=model,
        history=history,
        organization=organization,
        measure=raw.get("measure", ""),
        parent=parent,
        name=_as_tuple(raw.get("name", "")),
        link=raw.get("link"),
        fields=_shown_fields(model, hidden),
        many_to_many=_many_to_many(history),
    )
    if bool(entry.parent) == bool(entry.organization):
        raise ImproperlyConfigured(f"AUDIT_TRAIL {key}: give either organization or parent")
    for path in (*entry.organization, entry.measure, entry.parent, *entry.name):
        if path:
            _check_path(model, path, key)
    return entry


@cache
def audited_models() -> dict[str, AuditedModel]:
    """Every audited model by key, in the order of the setting."""
    entries = [_entry(raw) for raw in settings.AUDIT_TRAIL]
    by_key = {entry.key: entry for entry in entries}
    if len(by_key) != len(entries):
        raise ImproperlyConfigured("AUDIT_TRAIL names a model twice")
    by_model = {entry.model: entry for entry in entries}
    for entry in entries:
        if entry.parent:
            parent = entry.model._meta.get_field(entry.parent).related_model
            if parent not in by_model:
                raise ImproperlyConfigured(
                    f"AUDIT_TRAIL {entry.key}: the parent {entry.parent!r} is not audited"
                )
    return by_key


def audited_model_for(model: type[models.Model]) -> AuditedModel | None:
    for entry in audited_models().values():
        if entry.model is model:
            return entry
    return None


def parent_of(entry: AuditedModel) -> AuditedModel:
    parent_model = entry.model._meta.get_field(entry.parent).related_model
    found = audited_model_for(parent_model)  # type: ignore[arg-type]
    assert found is not None  # noqa: S101 - checked by audited_models()
    return found
