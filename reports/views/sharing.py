"""Placeholder: being written."""

from django.views.generic import TemplateView

from organizations.views.base import OrganizationViewMixin


class ShareLinkListView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"


class ShareLinkRevokeView(OrganizationViewMixin, TemplateView):
    permission_required = "reports.view_reports"
    template_name = "base.html"


class SharedReportView(TemplateView):
    template_name = "base.html"


class SharedReportPdfView(TemplateView):
    template_name = "base.html"
