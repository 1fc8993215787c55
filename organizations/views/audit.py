"""The organisation's audit trail: who changed what, when and why. The whole trail as CSV is
built by a worker for the person who asks (filejobs/, organizations/audit/export.py)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from organizations.audit.export import describe
from organizations.audit.forms import AuditFilterForm, measure_names
from organizations.audit.query import AuditFilters, Trail
from organizations.audit.records import AuditEntry, audit_entries
from organizations.views.base import OrganizationViewMixin, query_without_page

PERMISSION = "organizations.view_audit_trail"


class AuditTrailMixin(OrganizationViewMixin):
    permission_required = PERMISSION

    def filter_form(self) -> tuple[AuditFilterForm, AuditFilters, dict[int, str]]:
        measures = measure_names(self.organization)
        form = AuditFilterForm(
            self.request.GET or None, organization=self.organization, measures=measures
        )
        filters = form.filters() if form.is_valid() else AuditFilters()
        return form, filters, measures

    def describe(self, entries: list[AuditEntry], measures: dict[int, str]) -> list[AuditEntry]:
        return describe(entries, measures, self.organization.slug)


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
            # The filters again, for the form that asks for the whole trail as a file.
            export_fields=[
                (name, value)
                for name, values in self.request.GET.lists()
                if name != "page"
                for value in values
            ],
        )
        return context
