"""Reading published reports: the page, the comparison with the previous version, the PDF.

Everything shown comes from the version's frozen ``content``, never from the live measures, so
a published report reads the same whatever happens afterwards. The document is rendered in the
organisation's written standard; the page around it stays in the reader's language.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views import View
from django.views.generic import TemplateView

from filejobs.progress import State, progress_response, stale_after, wants_progress
from organizations.views.base import OrganizationViewMixin
from reports.body import stored_body
from reports.compare import compare
from reports.models import PublishedReport
from reports.pdf import pdf_response
from reports.pdfjobs import ask_for_pdf
from reports.publishing import previous_published

VIEW = "reports.view_reports"
MANAGE = "reports.manage_reports"


class PublishedMixin(OrganizationViewMixin):
    """For URLs under ``/o/<org_slug>/published/<pk>/``: ``self.published`` of this
    organisation (404 otherwise)."""

    permission_required = VIEW
    published: PublishedReport
    # The frozen content and the stored body run to megabytes for a large report: read only
    # by the views that show them (a deferred field is read on first use).
    deferred: tuple[str, ...] = ("content", "body_html")

    def load_objects(self) -> None:
        self.published = self.get_for_organization(
            PublishedReport.objects.select_related("published_by").defer(*self.deferred),
            pk=self.kwargs["pk"],
        )
        self.published.organization = self.organization

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context.update(
            published=self.published,
            can_manage=self.request.user.has_perm(MANAGE, self.organization),
        )
        return context


class PublishedReportView(PublishedMixin, TemplateView):
    template_name = "reports/published.html"
    deferred = ("content",)  # read only to render the body the first time

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["previous"] = previous_published(self.published)
        context["body"] = stored_body(self.published)
        return context


class PublishedReportCompareView(PublishedMixin, TemplateView):
    template_name = "reports/compare.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        previous = previous_published(self.published)
        context.update(
            previous=previous,
            content=self.published.content,
            comparison=compare(previous.content, self.published.content) if previous else None,
        )
        return context


def pdf_status_page(
    request: HttpRequest, template: str, published: PublishedReport, context: dict[str, Any]
) -> HttpResponse:
    """The "being prepared" page (202) or the failure (503) of a PDF not stored yet; the
    page's script asks ``?progress`` for the state alone."""
    if wants_progress(request):
        return progress_response(published.pdf_state)
    failed = published.pdf_state == State.FAILED
    response = render(
        request,
        template,
        {
            **context,
            "published": published,
            "failed": failed,
            "stale_minutes": int(stale_after().total_seconds() // 60),
        },
        status=503 if failed else 202,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


class PublishedReportPdfView(PublishedMixin, View):
    """The report as an A4 PDF: the stored file, or a page saying it is being prepared (the
    render is queued once, under the row's lock: reports/pdfjobs.py)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        published = self.published
        if not published.pdf_ready:
            published = ask_for_pdf(published.pk)
            published.organization = self.organization
        if published.pdf_ready and not wants_progress(request):
            return pdf_response(published)
        return pdf_status_page(
            request,
            "reports/pdf_status.html",
            published,
            {
                "organization": self.organization,
                "can_retry": request.user.has_perm(MANAGE, self.organization),
            },
        )


class PublishedReportPdfRetryView(PublishedMixin, View):
    """POST: tries a failed PDF again (a fresh series of attempts). For planners: readers
    (politicians among them) change nothing, and a failure is the planners' to look at."""

    permission_required = MANAGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ask_for_pdf(self.published.pk, again=True)
        return redirect("published_report_pdf", self.organization.slug, self.published.pk)
