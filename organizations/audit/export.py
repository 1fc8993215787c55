"""The audit trail as rows of a CSV file: one row per changed field, newest first.

Built by a worker (filejobs/), never in a request: for a large organisation the whole trail
takes most of a minute."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.audit.query import AuditFilters, Trail
from organizations.audit.records import AuditEntry, audit_entries
from organizations.audit.registry import audited_models
from organizations.csvfiles import Cell

# Rows read together for the CSV file: one query for their records per batch.
CSV_BATCH = 2000


def measure_url(organization_slug: str, measure_id: int) -> str:
    """The measure's page, from the audited measure model's link (no import of measures)."""
    for entry in audited_models().values():
        if entry.measure == "id" and entry.link:
            url_name, sources = entry.link
            kwargs = dict.fromkeys(sources, measure_id)
            try:
                return reverse(url_name, kwargs={"org_slug": organization_slug, **kwargs})
            except NoReverseMatch:
                return ""
    return ""


def describe(
    entries: list[AuditEntry],
    measures: dict[int, str],
    organization_slug: str,
    *,
    links: bool = True,
) -> list[AuditEntry]:
    """Names each entry's measure (and links it, for the page)."""
    for entry in entries:
        if entry.measure_id is not None:
            entry.measure = measures.get(entry.measure_id, "")
            if links:
                entry.measure_url = measure_url(organization_slug, entry.measure_id)
    return entries


def csv_header() -> list[str]:
    return [
        _("When"),
        _("Who"),
        _("Kind of record"),
        _("Record"),
        _("Record id"),
        _("Measure"),
        _("Action"),
        _("Field"),
        _("Before"),
        _("After"),
        _("Reason"),
    ]


def csv_rows(entries: list[AuditEntry]) -> Iterator[list[Cell]]:
    """One row per changed field (one row for an entry without field changes)."""
    for entry in entries:
        when = timezone.localtime(entry.when).strftime("%Y-%m-%d %H:%M:%S")
        common: list[Cell] = [
            when,
            entry.who,
            entry.kind_label,
            entry.subject,
            entry.object_id,
            entry.measure,
            entry.action,
        ]
        if not entry.changes:
            yield [*common, "", "", "", entry.reason]
        for change in entry.changes:
            yield [*common, change.field, change.old, change.new, entry.reason]


def trail_csv_rows(
    organization_id: int, organization_slug: str, filters: AuditFilters, measures: dict[int, str]
) -> Iterator[list[Cell]]:
    """Every row of the filtered trail, read in batches."""
    rows = iter(Trail(organization_id, filters))
    while batch := list(islice(rows, CSV_BATCH)):
        entries = audit_entries(batch, organization_slug, links=False)
        yield from csv_rows(describe(entries, measures, organization_slug, links=False))
