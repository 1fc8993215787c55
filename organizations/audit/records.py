"""What a page of the trail shows of its records, read in one query.

The page's records come from up to forty historical tables with different columns. They are
read together in one UNION ALL: each branch selects its records and the record before each
(to show before → after), with the fields packed into one JSON object per record
(``JSON_OBJECT`` on SQLite, ``JSONB_BUILD_OBJECT`` on PostgreSQL). Foreign keys carry the
name of what they point to, and many-to-many fields the set chosen at the time, inside the
same object. So a page costs the same few queries however many kinds of record it shows;
``values.decode_value`` turns the JSON back into dates, decimals and booleans.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache
from itertools import pairwise
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject, NullIf
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from organizations.audit.query import KIND, RECORD, history_of, measure_expression
from organizations.audit.registry import (
    AuditedModel,
    audited_model_for,
    audited_models,
    field_label,
)
from organizations.audit.values import EMPTY, decode_value, display_value
from organizations.models import User
from organizations.wording import Wording

# A JSON object is built from at most 100 arguments on PostgreSQL: fields go in groups.
KEYS_PER_OBJECT = 40
# A record's name is cut here (a knowledge item is named by its summary).
NAME_LENGTH = 80


# A value longer than this is folded on the page (a description rewritten).
LONG_VALUE = 200


@dataclass
class Change:
    field: str
    old: str
    new: str

    @property
    def old_is_long(self) -> bool:
        return len(self.old) > LONG_VALUE

    @property
    def new_is_long(self) -> bool:
        return len(self.new) > LONG_VALUE


@dataclass
class AuditEntry:
    kind: str  # the AuditedModel key
    kind_label: str
    record_id: int  # the historical record
    object_id: int
    when: datetime
    who: str
    who_id: int | None
    action_code: str  # "+", "~" or "-"
    action: str
    subject: str
    url: str
    measure_id: int | None
    reason: str
    changes: list[Change] = field(default_factory=list)
    measure: str = ""
    measure_url: str = ""


# --- naming what a foreign key points to ----------------------------------------------------


@dataclass(frozen=True)
class LabelPart:
    field: models.Field[Any, Any] | None  # None: the expression is already text
    expression: Any


def label_parts(
    target: type[models.Model], path: str, *, depth: int = 0, through_history: bool = False
) -> list[LabelPart]:
    """Expressions that name the ``target`` row that ``path`` (a foreign key of the queried
    model) points to: a person by name, a wording in the reader's language, an audited model
    by its entry's ``name``. ``through_history`` names it from its latest historical record
    instead of the live row: for a record's parent, which may be deleted while the record's
    history stays (the indicator of a measurement)."""
    if issubclass(target, User):
        full_name = NullIf(F(f"{path}__full_name"), Value(""))
        text = Coalesce(full_name, F(f"{path}__email"), output_field=models.CharField())
        return [LabelPart(None, text)]
    if issubclass(target, Wording):
        language = (translation.get_language() or "nb")[:2]
        texts = [NullIf(F(f"{path}__text_{code}"), Value("")) for code in (language, "nb", "nn")]
        text = Coalesce(*texts, F(f"{path}__text_en"), output_field=models.CharField())
        return [LabelPart(None, text)]
    entry = audited_model_for(target)
    if entry is not None and entry.name and depth < 2:
        if through_history:
            return _history_label_parts(entry, path, depth)
        parts = []
        for name in entry.name:
            name_field = entry.field(name)
            if name_field.related_model is not None:
                parts += label_parts(
                    name_field.related_model,  # type: ignore[arg-type]
                    f"{path}__{name}",
                    depth=depth + 1,
                )
            else:
                parts.append(LabelPart(name_field, F(f"{path}__{name}")))
        return parts
    for candidate in ("name", "title"):
        try:
            named_by = target._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
        return [LabelPart(named_by, F(f"{path}__{candidate}"))]  # type: ignore[arg-type]
    return []


def _history_label_parts(entry: AuditedModel, path: str, depth: int) -> list[LabelPart]:
    latest = history_of(entry).filter(id=OuterRef(path)).order_by("-history_date", "-history_id")
    parts = []
    for name in entry.name:
        name_field = entry.field(name)
        if name_field.related_model is not None:
            inner_parts = label_parts(name_field.related_model, name, depth=depth + 1)  # type: ignore[arg-type]
            for inner in inner_parts:
                value = latest.annotate(audit_label=inner.expression).values("audit_label")
                parts.append(LabelPart(inner.field, Subquery(value[:1])))
        else:
            parts.append(LabelPart(name_field, Subquery(latest.values(name)[:1])))
    return parts


@cache
def label_fields(target: type[models.Model]) -> tuple[models.Field[Any, Any] | None, ...]:
    """The fields behind :func:`label_parts` (to show their values), without building the
    expressions again for every value shown."""
    return tuple(part.field for part in label_parts(target, "pk"))


def _label_text(parts: list[LabelPart]) -> Any:
    """The parts as one text column (for the members of a many-to-many set)."""
    texts: list[Any] = []
    for part in parts:
        if texts:
            texts.append(Value(" – "))
        texts.append(Cast(part.expression, models.TextField()))
    if not texts:
        return Value("")
    return texts[0] if len(texts) == 1 else Concat(*texts, output_field=models.TextField())


# --- the JSON object of a record ------------------------------------------------------------


class _DecimalDecoder(json.JSONDecoder):
    """JSON numbers with a fraction back as Decimal: amounts and measured values stay exact."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["parse_float"] = Decimal
        super().__init__(*args, **kwargs)


class RecordObject(JSONObject):
    output_field = models.JSONField(decoder=_DecimalDecoder)


class JSONList(models.Aggregate):
    """The grouped values as a JSON array."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra)


def _chosen(entry: AuditedModel, m2m_index: int) -> Any:
    """The many-to-many set kept with the record: ``[{"id": …, "label": …}, …]``."""
    m2m = entry.many_to_many[m2m_index]
    target = m2m.field.related_model
    rows = m2m.history._default_manager.filter(history=OuterRef("history_id"))
    item = JSONObject(id=F(m2m.target), label=_label_text(label_parts(target, m2m.target)))  # type: ignore[arg-type]
    chosen = rows.order_by().values("history").annotate(items=JSONList(item)).values("items")
    return Cast(Subquery(chosen), models.JSONField())


def _record_object(entry: AuditedModel) -> RecordObject:
    pairs: list[tuple[str, Any]] = []
    for tracked in entry.read_fields():
        if isinstance(tracked, models.JSONField):
            # Marked as JSON, so SQLite embeds it as a value rather than as a string.
            pairs.append((tracked.attname, Cast(F(tracked.attname), models.JSONField())))
        else:
            pairs.append((tracked.attname, F(tracked.attname)))
        if tracked.related_model is not None:
            parts = label_parts(
                tracked.related_model,  # type: ignore[arg-type]
                tracked.name,
                through_history=tracked.name == entry.parent,
            )
            pairs += [(f"{tracked.name}__{n}", part.expression) for n, part in enumerate(parts)]
    for index, m2m in enumerate(entry.many_to_many):
        pairs.append((m2m.field.name, _chosen(entry, index)))
    groups = [pairs[i : i + KEYS_PER_OBJECT] for i in range(0, len(pairs), KEYS_PER_OBJECT)]
    return RecordObject(**{f"g{n}": JSONObject(**dict(group)) for n, group in enumerate(groups)})


# --- reading the records of a page ------------------------------------------------------------

COLUMNS = (
    KIND,
    RECORD,
    "audit_object",
    "audit_at",
    "audit_type",
    "audit_user",
    "audit_user_name",
    "audit_reason",
    "audit_measure",
    "audit_alive",
    "audit_values",
)


def _columns(entry: AuditedModel, links: bool) -> dict[str, Any]:
    measure = measure_expression(entry)
    user_name = NullIf(F("history_user__full_name"), Value(""))
    return {
        KIND: Value(entry.key, output_field=models.CharField()),
        RECORD: F("history_id"),
        "audit_object": F("id"),
        "audit_at": F("history_date"),
        "audit_type": F("history_type"),
        "audit_user": F("history_user_id"),
        "audit_user_name": Coalesce(
            user_name, F("history_user__email"), output_field=models.CharField()
        ),
        "audit_reason": F("history_change_reason"),
        "audit_measure": measure
        if measure is not None
        # Typed: PostgreSQL reads two untyped NULLs as text, and text meets bigint below.
        else Cast(Value(None), models.BigIntegerField()),
        # Whether the record still exists, to link to it (the CSV file has no links).
        "audit_alive": Exists(entry.model._default_manager.filter(pk=OuterRef("id")))
        if links
        else Value(False),
        "audit_values": _record_object(entry),
    }


@cache
def _columns_of(key: str, language: str, links: bool) -> models.QuerySet[Any]:
    """Every historical record of a kind with the page's columns: built once per kind and
    language (resolving the JSON object's expressions is most of the cost of a query),
    then filtered for each page."""
    entry = audited_models()[key]
    return history_of(entry).order_by().annotate(**_columns(entry, links)).values(*COLUMNS)


def _branches(
    entry: AuditedModel, record_ids: list[int], links: bool
) -> list[models.QuerySet[Any]]:
    """Two branches: the records, and the record before each. (One branch with ``IN … OR
    IN (subquery)`` makes PostgreSQL read the whole table; two use the primary key.)"""
    history = history_of(entry)
    earlier = (
        history.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    previous = history.filter(history_id__in=record_ids).annotate(p=Subquery(earlier)).values("p")
    records = _columns_of(entry.key, translation.get_language() or "nb", links)
    return [records.filter(history_id__in=chosen) for chosen in (record_ids, previous)]


@dataclass
class _Record:
    entry: AuditedModel
    row: dict[str, Any]
    values: dict[str, Any]

    @property
    def sort_key(self) -> tuple[datetime, int]:
        return (self.row["audit_at"], self.row[RECORD])


def _read(rows: Iterable[dict[str, Any]], links: bool) -> dict[tuple[str, int], _Record]:
    entries = audited_models()
    wanted: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        wanted[row[KIND]].append(row[RECORD])
    branches = [
        branch for kind, ids in wanted.items() for branch in _branches(entries[kind], ids, links)
    ]
    if not branches:
        return {}
    first, *rest = branches
    found: dict[tuple[str, int], _Record] = {}
    for row in first.union(*rest, all=True):
        values: dict[str, Any] = {}
        for group in (row["audit_values"] or {}).values():
            values.update(group)
        found[(row[KIND], row[RECORD])] = _Record(entries[row[KIND]], row, values)
    return found


# --- before → after ---------------------------------------------------------------------------


def _shown(entry: AuditedModel, model_field: models.Field[Any, Any], record: _Record) -> str:
    raw = record.values.get(model_field.attname)
    if model_field.related_model is None:
        return display_value(model_field, decode_value(model_field, raw))
    if raw is None:
        return EMPTY
    texts = []
    for n, part_field in enumerate(label_fields(model_field.related_model)):
        value = record.values.get(f"{model_field.name}__{n}")
        if part_field is not None:
            value = display_value(part_field, decode_value(part_field, value))
        if value not in (None, "", EMPTY):
            texts.append(str(value))
    return " – ".join(texts) or f"#{raw}"


def _chosen_set(record: _Record, name: str) -> dict[Any, str]:
    return {item["id"]: item["label"] or f"#{item['id']}" for item in record.values.get(name) or []}


def _set_text(chosen: dict[Any, str]) -> str:
    return ", ".join(sorted(chosen.values(), key=str.casefold)) or EMPTY


def _changes(record: _Record, previous: _Record | None, labels: dict[str, str]) -> list[Change]:
    entry = record.entry
    created = record.row["audit_type"] == "+"
    if record.row["audit_type"] == "-" or (previous is None and not created):
        return []
    changes = []
    for tracked in entry.fields:
        label = labels[tracked.attname]
        new = _shown(entry, tracked, record)
        if created:
            if new != EMPTY:
                changes.append(Change(label, EMPTY, new))
            continue
        assert previous is not None  # noqa: S101 - returned above
        raw_new = decode_value(tracked, record.values.get(tracked.attname))
        raw_old = decode_value(tracked, previous.values.get(tracked.attname))
        if raw_new != raw_old:
            changes.append(Change(label, _shown(entry, tracked, previous), new))
    for m2m in entry.many_to_many:
        label = labels[m2m.field.name]
        chosen = _chosen_set(record, m2m.field.name)
        before = _chosen_set(previous, m2m.field.name) if previous else {}
        if created and chosen:
            changes.append(Change(label, EMPTY, _set_text(chosen)))
        elif not created and set(chosen) != set(before):
            changes.append(Change(label, _set_text(before), _set_text(chosen)))
    return changes


def _labels(entry: AuditedModel, known: dict[str, dict[str, str]]) -> dict[str, str]:
    if entry.key not in known:
        labels = {f.attname: capfirst(field_label(f)) for f in entry.fields}
        labels |= {m.field.name: capfirst(str(m.field.verbose_name)) for m in entry.many_to_many}
        known[entry.key] = labels
    return known[entry.key]


def _subject(record: _Record) -> str:
    entry = record.entry
    text = " – ".join(_shown(entry, entry.field(name), record) for name in entry.name)
    return text if len(text) <= NAME_LENGTH else Truncator(text).chars(NAME_LENGTH)


def _link(record: _Record, organization_slug: str) -> str:
    entry = record.entry
    if entry.link is None or not record.row["audit_alive"]:
        return ""
    url_name, sources = entry.link
    kwargs: dict[str, Any] = {"org_slug": organization_slug}
    for kwarg, source in sources.items():
        if source == "id":
            value = record.row["audit_object"]
        elif source == "measure":
            value = record.row["audit_measure"]
        else:
            value = record.values.get(source)
        if value is None:
            return ""
        kwargs[kwarg] = value
    try:
        return reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _previous(records: dict[tuple[str, int], _Record]) -> dict[tuple[str, int], _Record]:
    """Each record's predecessor among those read (every page record's is among them)."""
    by_object: dict[tuple[str, int], list[_Record]] = defaultdict(list)
    for record in records.values():
        by_object[(record.entry.key, record.row["audit_object"])].append(record)
    previous = {}
    for history in by_object.values():
        history.sort(key=lambda record: record.sort_key)
        for before, after in pairwise(history):
            previous[(after.entry.key, after.row[RECORD])] = before
    return previous


def audit_entries(
    rows: list[dict[str, Any]], organization_slug: str, *, links: bool = True
) -> list[AuditEntry]:
    """The entries for rows of :class:`organizations.audit.query.Trail`, in their order;
    with ``links``, each with the address of its record's page while the record exists."""
    records = _read(rows, links)
    previous = _previous(records)
    labels: dict[str, dict[str, str]] = {}  # each field's label, translated once
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    entries = []
    for row in rows:
        key = (row[KIND], row[RECORD])
        record = records[key]
        entries.append(
            AuditEntry(
                kind=record.entry.key,
                kind_label=record.entry.label,
                record_id=row[RECORD],
                object_id=record.row["audit_object"],
                when=record.row["audit_at"],
                who=record.row["audit_user_name"] or _("the system"),
                who_id=record.row["audit_user"],
                action_code=record.row["audit_type"],
                action=actions[record.row["audit_type"]],
                subject=_subject(record),
                url=_link(record, organization_slug),
                measure_id=record.row["audit_measure"],
                reason=record.row["audit_reason"] or "",
                changes=_changes(record, previous.get(key), _labels(record.entry, labels)),
            )
        )
    return entries
