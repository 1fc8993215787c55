"""The organisation's audit trail: who changed what, when and why, on a page and as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from organizations.audit.forms import AuditFilterForm, measure_names
from organizations.audit.query import AuditFilters, Trail
from organizations.audit.records import AuditEntry, audit_entries
from organizations.audit.registry import audited_models
from organizations.csvfiles import Cell, csv_lines
from organizations.views.base import OrganizationViewMixin, query_without_page

PERMISSION = "organizations.view_audit_trail"
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


class AuditTrailMixin(OrganizationViewMixin):
    permission_required = PERMISSION

    def filter_form(self) -> tuple[AuditFilterForm, AuditFilters, dict[int, str]]:
        measures = measure_names(self.organization)
        form = AuditFilterForm(
            self.request.GET or None, organization=self.organization, measures=measures
        )
        filters = form.filters() if form.is_valid() else AuditFilters()
        return form, filters, measures

    def describe(
        self, entries: list[AuditEntry], measures: dict[int, str], *, links: bool = True
    ) -> list[AuditEntry]:
        for entry in entries:
            if entry.measure_id is not None:
                entry.measure = measures.get(entry.measure_id, "")
                if links:
                    entry.measure_url = measure_url(self.organization.slug, entry.measure_id)
        return entries


class AuditTrailView(AuditTrailMixin, TemplateView):
    template_name = "organizations/audit_trail.html"
    paginate_by = 50

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, filters, measures = self.filter_form()
        trail = Trail(self.organization.pk, filters)
        paginator: Paginator[dict[str, Any]] = Paginator(trail, self.paginate_by)  # type: ignore[arg-type]
        page = paginator.get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        context.update(
            filter_form=form,
            page_obj=page,
            more_than_counted=trail.more_than_counted,
            count_limit=Trail.COUNT_LIMIT,
            entries=self.describe(audit_entries(rows, self.organization.slug), measures),
            query_without_page=query_without_page(self.request),
        )
        return context


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


class AuditTrailCsvView(AuditTrailMixin, View):
    """The trail with the page's filters, as a CSV file, newest first."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        _form, filters, measures = self.filter_form()
        response = StreamingHttpResponse(
            csv_lines(csv_header(), self.rows(filters, measures)),
            content_type="text/csv; charset=utf-8",
        )
        filename = f"{self.organization.slug}-audit-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        # Who changed what in the organisation: never kept by a shared cache or the browser.
        patch_cache_control(response, private=True, no_store=True)
        return response

    def rows(self, filters: AuditFilters, measures: dict[int, str]) -> Iterator[list[Cell]]:
        rows = iter(Trail(self.organization.pk, filters))
        while batch := list(islice(rows, CSV_BATCH)):
            entries = audit_entries(batch, self.organization.slug, links=False)
            yield from csv_rows(self.describe(entries, measures, links=False))
