"""Placeholder: being written."""

from django.views.generic import TemplateView

from organizations.views.base import OrganizationViewMixin


class DashboardView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"


class MeasureSummaryView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"
