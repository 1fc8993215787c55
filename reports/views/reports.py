"""Placeholder: being written."""

from django.views.generic import TemplateView

from organizations.views.base import OrganizationViewMixin


class ReportListView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"


class ReportCreateView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"


class ReportDetailView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"


class ReportUpdateView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"


class ReportCommentsView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"


class ReportPreviewView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"


class ReportPublishView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"
