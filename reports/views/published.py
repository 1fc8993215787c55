"""Placeholder: being written."""

from django.views.generic import TemplateView

from organizations.views.base import OrganizationViewMixin


class PublishedReportView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"


class PublishedReportPdfView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"


class PublishedReportCompareView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"
