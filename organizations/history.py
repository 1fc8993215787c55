"""The history of one object (the measure page, an event's page), read from
django-simple-history's table: consecutive records are compared in Python, in one query
however long the history is. The whole organisation's history is the audit trail
(organizations/audit/)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from organizations.audit.records import Change
from organizations.audit.values import display_value

IGNORED_FIELDS = {"id", "created_at", "updated_at"}


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    subject: str
    action: str
    changes: list[Change] = field(default_factory=list)


def history_entries(
    records: Iterable[Any],
    model: type[models.Model],
    subject: Callable[[Any], str],
    skip: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[HistoryEntry]:
    tracked = [
        f
        for f in model._meta.concrete_fields
        if f.name not in IGNORED_FIELDS and f.name not in skip and not f.is_relation
    ]
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    entries: list[HistoryEntry] = []
    previous: dict[int, Any] = {}
    for record in records:  # ordered by object, then time
        before = previous.get(record.id)
        changes = []
        if before is not None:
            for model_field in tracked:
                old = getattr(before, model_field.attname)
                new = getattr(record, model_field.attname)
                if old != new:
                    changes.append(
                        Change(
                            str(model_field.verbose_name),
                            display_value(model_field, old),
                            display_value(model_field, new),
                        )
                    )
        previous[record.id] = record
        if before is not None and record.history_type == "~" and not changes:
            continue  # a save that changed nothing a reader cares about
        who = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(who.full_name or who.email) if who else _("the system"),
                what=str(model._meta.verbose_name),
                subject=subject(record),
                action=actions[record.history_type],
                changes=changes,
            )
        )
    return entries
