"""An organisation's change history, read from django-simple-history's tables.

Consecutive records of the same object are compared in Python, so the page costs one query
per tracked model however long the history is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.formats import localize
from django.utils.translation import gettext as _

from organizations.models import Membership, Organization, Partnership, Unit

IGNORED_FIELDS = {"id", "created_at", "updated_at"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str
    subject: str
    action: str
    changes: list[Change] = field(default_factory=list)


def _display(model_field: models.Field[Any, Any], value: Any) -> str:
    if value is None or value == "":
        return "–"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(localize(value))


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
                            _display(model_field, old),
                            _display(model_field, new),
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


def organization_history(organization: Organization) -> list[HistoryEntry]:
    """Newest first: settings, units, memberships and partnerships of one organisation."""
    by_object = ("id", "history_date", "history_id")
    entries = history_entries(
        Organization.history.filter(id=organization.pk)
        .select_related("history_user")
        .order_by(*by_object),
        Organization,
        lambda record: record.name,
    )
    entries += history_entries(
        Unit.history.filter(organization_id=organization.pk)
        .select_related("history_user")
        .order_by(*by_object),
        Unit,
        lambda record: record.name,
    )
    entries += history_entries(
        Membership.history.filter(organization_id=organization.pk)
        .select_related("history_user", "user")
        .order_by(*by_object),
        Membership,
        lambda record: record.user.full_name or record.user.email,
    )
    entries += history_entries(
        Partnership.history.filter(
            models.Q(grantor_id=organization.pk) | models.Q(partner_id=organization.pk)
        )
        .select_related("history_user", "grantor", "partner")
        .order_by(*by_object),
        Partnership,
        lambda record: f"{record.grantor.name} → {record.partner.name}",
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
