"""Deleting one organisation with everything that belongs to it (`manage.py delete_org`).

Used before restoring an organisation in place (docs/backup.md). Rows are deleted in bulk,
without signals, inside one transaction; constraints are checked at the end. Rows of other
organisations that point at a deleted row are cleared when the key may be empty, otherwise
deleted too (a partnership granted *to* this organisation by another one goes with it).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.apps import apps
from django.db import connections, models, transaction

from organizations.models import Organization
from orgarchive.collect import CHUNK, organisation_rows
from orgarchive.registry import has_constraint, relation_fields


def delete_organization(organization: Organization, using: str = "default") -> dict[str, int]:
    doomed: dict[type[models.Model], set[Any]] = defaultdict(set)
    for plan, names, rows in organisation_rows(organization):
        index = names.index(plan.model._meta.pk.attname)
        doomed[plan.model].update(row[index] for row in rows)
    everything = list(apps.get_models(include_auto_created=True))
    with transaction.atomic(using=using):
        changed = True
        while changed:
            changed = False
            for model in everything:
                for fk in relation_fields(model):
                    targets = doomed.get(fk.related_model)  # type: ignore[arg-type]
                    if not targets or not has_constraint(fk):
                        continue
                    keys = sorted(targets, key=str)
                    for start in range(0, len(keys), CHUNK):
                        query = (
                            model._base_manager.using(using)
                            .filter(**{f"{fk.attname}__in": keys[start : start + CHUNK]})
                            .exclude(pk__in=doomed.get(model, set()))
                        )
                        if fk.null:
                            query.update(**{fk.attname: None})
                            continue
                        found = set(query.values_list("pk", flat=True))
                        if found:
                            doomed[model].update(found)
                            changed = True
        counts = {}
        for model, pks in doomed.items():
            keys = sorted(pks, key=str)
            for start in range(0, len(keys), CHUNK):
                model._base_manager.using(using).filter(
                    pk__in=keys[start : start + CHUNK]
                )._raw_delete(using)
            counts[model._meta.label] = len(keys)
        connections[using].check_constraints()
    return counts
