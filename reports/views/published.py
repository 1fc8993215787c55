"""Reading published reports: the page, the comparison with the previous version, the PDF.

Everything shown comes from the version's frozen ``content``, never from the live measures, so
a published report reads the same whatever happens afterwards. The document is rendered in the
organisation's written standard; the page around it stays in the reader's language.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View
from django.views.generic import TemplateView

from organizations.views.base import OrganizationViewMixin
from reports.compare import compare
from reports.models import PublishedReport
from reports.pdf import pdf_response, stored_pdf
from reports.publishing import previous_published
from yearwheel.pdf import PdfUnavailable

logger = logging.getLogger(__name__)

VIEW = "reports.view_reports"
MANAGE = "reports.manage_reports"


class PublishedMixin(OrganizationViewMixin):
    """For URLs under ``/o/<org_slug>/published/<pk>/``: ``self.published`` of this
    organisation (404 otherwise)."""

    permission_required = VIEW
    published: PublishedReport

    def load_objects(self) -> None:
        self.published = self.get_for_organization(
            PublishedReport.objects.select_related("published_by"), pk=self.kwargs["pk"]
        )
        self.published.organization = self.organization

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.update(
            published=self.published,
            content=self.published.content,
            can_manage=self.request.user.has_perm(MANAGE, self.organization),
        )
        return context


class PublishedReportView(PublishedMixin, TemplateView):
    template_name = "reports/published.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["previous"] = previous_published(self.published)
        return context


class PublishedReportCompareView(PublishedMixin, TemplateView):
    template_name = "reports/compare.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        previous = previous_published(self.published)
        context.update(
            previous=previous,
            comparison=compare(previous.content, self.published.content) if previous else None,
        )
        return context


class PublishedReportPdfView(PublishedMixin, View):
    """The report as an A4 PDF, made on first download and stored (reports/pdf.py)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            pdf = stored_pdf(self.published, base_url=request.build_absolute_uri("/"))
        except PdfUnavailable:
            logger.exception("WeasyPrint cannot be loaded: the PDF of a report is unavailable")
            return render(
                request,
                "reports/published_pdf_unavailable.html",
                {"organization": self.organization, "published": self.published},
                status=503,
            )
        return pdf_response(self.published, pdf)
