"""Finding one organisation's rows, model by model, along the owner keys (registry.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import models

from organizations.models import Organization
from orgarchive.registry import ModelPlan, export_plans

# Rows are read by owner keys in chunks, so no query carries more parameters than SQLite allows.
CHUNK = 2000


def field_names(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def organisation_rows(
    organization: Organization,
) -> Iterator[tuple[ModelPlan, list[str], list[tuple[Any, ...]]]]:
    """(plan, column names, rows) for every exported model, owners first.

    A history table keeps the rows of deleted records too; their ids join the record model's
    ids here, so the history of a deleted measure's indicators is found through it.
    """
    ids: dict[type[models.Model], set[Any]] = {}
    for plan in export_plans():
        model = plan.model
        names = field_names(model)
        pk_name = model._meta.pk.attname
        manager = model._base_manager
        if plan.owner is None:
            rows = list(manager.filter(pk=organization.pk).values_list(*names))
        else:
            owners = sorted(ids.get(plan.owner_model, set()), key=str)  # type: ignore[arg-type]
            rows = []
            for chunk in _chunks(owners):
                query = manager.filter(**{f"{plan.owner}__in": chunk}).order_by(pk_name)
                rows.extend(query.values_list(*names))
        pk_index = names.index(pk_name)
        ids.setdefault(model, set()).update(row[pk_index] for row in rows)
        if plan.record_model is not None:
            id_index = names.index("id")
            ids.setdefault(plan.record_model, set()).update(row[id_index] for row in rows)
        yield plan, names, rows
