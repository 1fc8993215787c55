"""Which historical records belong to the trail: one UNION ALL over the historical tables.

Each audited model contributes a branch with three columns (its kind, the record's id, the
time of the change), filtered to the organisation through the model's own path, and to the
person, measure and period asked for; a kind filter simply leaves the other branches out.
The database orders the union newest first and slices it, so a page reads only its own rows;
``organizations/audit/records.py`` then reads what the page shows of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache, cached_property
from typing import Any

from django.db import connection, models
from django.db.models import F, OuterRef, Q, Subquery, Value

from organizations.audit.registry import AuditedModel, audited_models, parent_of

# The columns of the union; prefixed so they never clash with a model's own fields.
KIND, RECORD, AT = "audit_kind", "audit_record", "audit_at"
NEWEST_FIRST = (f"-{AT}", KIND, f"-{RECORD}")
# Rows fetched at a time when every row is read (the CSV file).
ROWS_PER_CHUNK = 2000


@dataclass(frozen=True)
class AuditFilters:
    person: int | None = None  # the user who made the change
    kind: str = ""  # an AuditedModel.key
    measure: int | None = None
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive


def history_of(entry: AuditedModel) -> models.QuerySet[Any]:
    return entry.history._default_manager.all()


def organization_q(entry: AuditedModel, organization_id: int) -> Q:
    """The records of ``entry`` that belong to the organisation."""
    if entry.parent:
        # Through the parent's history: a deleted parent still knows its organisation.
        parent = parent_of(entry)
        parents = history_of(parent).filter(organization_q(parent, organization_id))
        return Q(**{f"{entry.parent}__in": parents.values("id")})
    found = Q()
    for path in entry.organization:
        found |= Q(**{path: organization_id})
    return found


def measure_q(entry: AuditedModel, measure_id: int) -> Q | None:
    """The records of ``entry`` about one measure; None when the model has no measure."""
    if entry.parent:
        parent = parent_of(entry)
        if parent.measure == "id":
            return Q(**{entry.parent: measure_id})
        inner = measure_q(parent, measure_id)
        if inner is None:
            return None
        return Q(**{f"{entry.parent}__in": history_of(parent).filter(inner).values("id")})
    if not entry.measure:
        return None
    return Q(**{entry.measure: measure_id})


def measure_expression(entry: AuditedModel) -> Any:
    """The id of the record's measure, as an expression on the historical record."""
    if entry.parent:
        parent = parent_of(entry)
        if parent.measure == "id":
            return F(entry.parent)
        inner = measure_expression(parent)
        if inner is None:
            return None
        latest = (
            history_of(parent)
            .filter(id=OuterRef(entry.parent))
            .order_by("-history_date", "-history_id")
        )
        return Subquery(latest.annotate(audit_measure=inner).values("audit_measure")[:1])
    if not entry.measure:
        return None
    return F(entry.measure)


def _branch(
    entry: AuditedModel, organization_id: int, filters: AuditFilters
) -> models.QuerySet[Any] | None:
    where = [organization_q(entry, organization_id)]
    if filters.measure is not None:
        about_measure = measure_q(entry, filters.measure)
        if about_measure is None:
            return None
        where.append(about_measure)
    if filters.person is not None:
        where.append(Q(history_user_id=filters.person))
    if filters.start is not None:
        where.append(Q(history_date__gte=filters.start))
    if filters.end is not None:
        where.append(Q(history_date__lt=filters.end))
    return _rows_of(entry.key).filter(*where)


@cache
def _rows_of(key: str) -> models.QuerySet[Any]:
    """Every historical record of a kind as rows of the union: built once per kind (the
    annotations are a good part of the cost of a page), then only filtered, which copies."""
    entry = audited_models()[key]
    return _rows(entry, history_of(entry))


def _rows(entry: AuditedModel, records: models.QuerySet[Any]) -> models.QuerySet[Any]:
    columns = {
        KIND: Value(entry.key, output_field=models.CharField()),
        RECORD: F("history_id"),
        AT: F("history_date"),
    }
    return records.order_by().annotate(**columns).values(*columns)


def _branches(organization_id: int, filters: AuditFilters) -> list[models.QuerySet[Any]]:
    entries = audited_models()
    chosen = [entries[filters.kind]] if filters.kind in entries else list(entries.values())
    branches = [
        branch
        for entry in chosen
        if (branch := _branch(entry, organization_id, filters)) is not None
    ]
    return branches or [_rows(chosen[0], history_of(chosen[0]).none())]


def _union(branches: list[models.QuerySet[Any]], newest: int | None = None) -> models.QuerySet[Any]:
    """The branches as one UNION ALL, newest first. With ``newest`` each branch brings only
    its newest rows, where the database allows a branch its own ORDER BY and LIMIT
    (PostgreSQL): the index on the change time then answers a page without reading the
    whole history (see docs/audit-trail.md)."""
    if len(branches) == 1:
        return branches[0].order_by(*NEWEST_FIRST)
    if newest is not None and connection.features.supports_slicing_ordering_in_compound:
        branches = [branch.order_by(f"-{AT}", f"-{RECORD}")[:newest] for branch in branches]
    first, *rest = branches
    return first.union(*rest, all=True).order_by(*NEWEST_FIRST)


class Trail:
    """The organisation's changes for a paginator: sliced in the database, counted up to
    ``COUNT_LIMIT`` (an exact count reads the whole history, and nobody pages through more
    than this: the filters and the CSV file are for that)."""

    COUNT_LIMIT = 10_000

    def __init__(self, organization_id: int, filters: AuditFilters) -> None:
        # Built once, used for the count and the page (building them is most of the cost).
        self.branches = _branches(organization_id, filters)
        self.more_than_counted = False

    @cached_property
    def _count(self) -> int:
        # Unordered: the database stops reading at the limit instead of sorting everything.
        rows = _union(self.branches).order_by()
        found = rows[: self.COUNT_LIMIT + 1].count()
        self.more_than_counted = found > self.COUNT_LIMIT
        return min(found, self.COUNT_LIMIT)

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        assert isinstance(window, slice) and window.stop is not None  # noqa: S101 - pages only
        if window.stop <= (window.start or 0):
            return []  # an empty page (a trail with no changes)
        rows = _union(self.branches, newest=window.stop)
        return list(rows[window])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Every row, newest first, read in chunks (for the CSV file)."""
        return _union(self.branches).iterator(chunk_size=ROWS_PER_CHUNK)
