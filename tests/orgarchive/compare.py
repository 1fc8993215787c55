"""A deep comparison of one organisation before export and after restore.

Keys are compared through a mapping derived from the two snapshots alone (new keys keep the
order of the old ones; people are matched by email), so the comparison does not trust the
importer's own bookkeeping. Files are compared by content, since a storage may rename them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import models

from measures.models import Indicator, Measure
from organizations.models import Organization
from orgarchive.collect import organisation_rows
from orgarchive.exporter import file_columns, storage_of
from orgarchive.importer import remap_report_content
from orgarchive.registry import ModelPlan, relation_fields, user_model

Snapshot = dict[str, tuple[ModelPlan, list[dict[str, Any]]]]


def snapshot(organization: Organization) -> Snapshot:
    return {
        plan.label: (plan, [dict(zip(names, row, strict=True)) for row in rows])
        for plan, names, rows in organisation_rows(organization)
    }


def _file(plan: ModelPlan, attname: str, name: str) -> bytes | None:
    storage = storage_of(plan, attname)
    if not name or not storage.exists(name):
        return None
    with storage.open(name, "rb") as handle:
        return handle.read()


def _key_maps(before: Snapshot, after: Snapshot) -> dict[type[models.Model], dict[Any, Any]]:
    maps: dict[type[models.Model], dict[Any, Any]] = defaultdict(dict)
    for label, (plan, rows) in before.items():
        pk = plan.model._meta.pk.attname
        old = sorted(row[pk] for row in rows)
        new = sorted(row[pk] for row in after[label][1])
        assert len(old) == len(new), f"{label}: {len(old)} rows before, {len(new)} after"
        maps[plan.model].update(zip(old, new, strict=True))
    # History of deleted records: their old ids map, in order, to the new ones.
    for label, (plan, rows) in before.items():
        if plan.record_model is None or plan.record_model is Organization:
            continue
        live = maps[plan.record_model]
        old = sorted({row["id"] for row in rows} - set(live))
        new = sorted({row["id"] for row in after[label][1]} - set(live.values()))
        assert len(old) == len(new), f"{label}: deleted records' history differs"
        live.update(zip(old, new, strict=True))
    return maps


def assert_same_organisation(
    before: Snapshot, after: Snapshot, users_before: dict[Any, str]
) -> int:
    """Every row of `before` comes back once in `after`, equal field by field. Returns the
    number of rows compared."""
    assert set(before) == set(after)
    maps = _key_maps(before, after)
    User = user_model()
    user_map = {old: _pk_of(email) for old, email in users_before.items()}
    compared = 0
    for label, (plan, rows) in before.items():
        model = plan.model
        pk = model._meta.pk.attname
        fks = {fk.attname: fk.related_model for fk in relation_fields(model)}
        files = file_columns(plan)
        restored = {row[pk]: row for row in after[label][1]}
        for row in rows:
            new = restored[maps[model][row[pk]]]
            for name, value in row.items():
                if name == pk:
                    continue
                if name in fks:
                    target = fks[name]
                    if target is User:
                        expected = user_map.get(value)
                    elif value in maps[target]:  # type: ignore[index]
                        expected = maps[target][value]  # type: ignore[index]
                    elif _exists(target, value):
                        expected = value  # another organisation's row, kept
                    else:
                        expected = None  # a history row naming a record long gone: cleared
                elif plan.record_model is not None and name == "id":
                    expected = maps[plan.record_model][value]
                elif label == "reports.PublishedReport" and name == "content":
                    measures, indicators = maps[Measure], maps[Indicator]
                    expected = remap_report_content(value, measures, indicators)
                elif label == "reports.PublishedReport" and name == "body_html":
                    expected = ""  # made again from the remapped content on first view
                elif name in files:
                    assert _file(plan, name, new[name]) == _file(plan, name, value), (label, name)
                    continue
                elif label == "notifications.Reminder" and name == "key":
                    # Restored reminders get keys of their own (orgarchive/importer.py).
                    assert new[name].endswith(value) and new[name].startswith("restored-")
                    continue
                else:
                    expected = value
                assert new[name] == expected, (
                    f"{label} {row[pk]}.{name}: {new[name]!r} != {expected!r}"
                )
            compared += 1
    return compared


def _pk_of(email: str) -> Any:
    return user_model().objects.filter(email=email).values_list("pk", flat=True).first()


def _exists(model: Any, pk: Any) -> bool:
    return pk is not None and model._base_manager.filter(pk=pk).exists()
