"""The whole (filtered) audit trail as CSV, in the language of the person who asked."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filejobs.kinds import Built, JobKind
from filejobs.models import FileJob
from organizations.audit.export import csv_header, trail_csv_rows
from organizations.audit.forms import AuditFilterForm, measure_names
from organizations.audit.query import AuditFilters
from organizations.csvfiles import Cell, csv_lines
from organizations.models import Organization


def audit_filter_form(organization: Organization, query: QueryDict) -> AuditFilterForm:
    return AuditFilterForm(
        query or None, organization=organization, measures=measure_names(organization)
    )


def build_audit_trail(job: FileJob) -> Built:
    organization = job.organization
    measures = measure_names(organization)
    query = QueryDict(job.parameters)
    filters = AuditFilters()
    if query:
        form = AuditFilterForm(query, organization=organization, measures=measures)
        if not form.is_valid():  # checked when asked for: only a deleted person or measure
            raise ValueError(f"invalid filters: {form.errors.as_json()}")
        filters = form.filters()
    counted = {"rows": 0}

    def counting() -> Iterator[list[Cell]]:
        for row in trail_csv_rows(organization.pk, organization.slug, filters, measures):
            counted["rows"] += 1
            yield row

    filename = f"{organization.slug}-audit-{timezone.localdate():%Y-%m-%d}.csv"
    lines = csv_lines(csv_header(), counting())
    return Built(filename, (line.encode("utf-8") for line in lines), lambda: counted["rows"])


def _back_url(job: FileJob) -> str:
    url = reverse("audit_trail", args=[job.organization.slug])
    return url + (f"?{job.parameters}" if job.parameters else "")


AUDIT_TRAIL = JobKind(
    permission="organizations.view_audit_trail",
    build=build_audit_trail,
    content_type="text/csv; charset=utf-8",
    back_url=_back_url,
    ask_url=lambda job: reverse("audit_trail_export", args=[job.organization.slug]),
    ask_fields=lambda job: [
        (name, value) for name, values in QueryDict(job.parameters).lists() for value in values
    ],
    source_label=_("Audit trail"),
    back_label=_("Back to the audit trail"),
    download_label=_("Download as CSV"),
    waiting_text=_(
        "The file with the audit trail is being made. A large organisation's whole trail "
        "takes a minute or two."
    ),
)
