"""Composing reports: the list of reports, a report's scope and introduction, its comments per
measure, the preview, and publishing a frozen version.

Every member sees the list of published versions; planners (admins and coordinators) also see
the compositions and compose, preview and publish them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, QuerySet
from django.db.models.fields.json import KT
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, FormView, ListView, TemplateView, UpdateView

from organizations.views.base import OrganizationViewMixin, query_without_page, user_of
from reports.content import report_content
from reports.forms import ReportCommentsForm, ReportForm
from reports.models import PublishedReport, Report
from reports.publishing import measures_in_scope, publish, save_comments

VIEW = "reports.view_reports"
MANAGE = "reports.manage_reports"
PER_PAGE = 25


def published_versions(organization_id: int) -> QuerySet[PublishedReport]:
    """The organisation's published versions for lists, newest first, without their content
    (only the scope's name is read out of it)."""
    return (
        PublishedReport.objects.filter(organization_id=organization_id)
        .defer("content", "body_html")
        .annotate(scope_name=KT("content__program__name"))
        .select_related("published_by")
        .order_by("-published_at", "-pk")
    )


class ReportListView(OrganizationViewMixin, ListView):
    permission_required = VIEW
    template_name = "reports/report_list.html"
    context_object_name = "versions"
    paginate_by = PER_PAGE

    def get_queryset(self) -> QuerySet[PublishedReport]:
        return published_versions(self.organization.pk)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        can_manage = self.request.user.has_perm(MANAGE, self.organization)
        compositions: list[Report] = []
        if can_manage:
            compositions = list(
                Report.objects.filter(organization=self.organization)
                .select_related("program")
                .annotate(
                    version_count=Count("versions"), last_published=Max("versions__published_at")
                )
            )
            for report in compositions:
                report.organization = self.organization  # for their URLs, without a query each
        context.update(
            can_manage=can_manage,
            compositions=compositions,
            query_without_page=query_without_page(self.request),
        )
        return context


class ReportMixin(OrganizationViewMixin):
    """For URLs under ``/o/<org_slug>/reports/<pk>/``: ``self.report`` of this organisation
    (404 otherwise)."""

    permission_required = MANAGE
    report: Report

    def load_objects(self) -> None:
        self.report = self.get_for_organization(
            Report.objects.select_related("program"), pk=self.kwargs["pk"]
        )
        self.report.organization = self.organization

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["report"] = self.report
        return context


class ReportFormMixin(OrganizationViewMixin):
    template_name: str | None = "reports/report_form.html"
    form_class: type[BaseForm] | None = ReportForm
    request: HttpRequest

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        return {**kwargs, "organization": self.organization}

    def form_valid(self, form: ReportForm) -> HttpResponse:
        if form.instance.pk is None:
            form.instance.created_by = user_of(self.request)
        report = form.save()
        messages.success(self.request, _("The report “%(title)s” is saved.") % {"title": report})
        return redirect(report.get_absolute_url())


class ReportCreateView(ReportFormMixin, CreateView):
    permission_required = MANAGE

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("New report"),
            cancel_url=reverse("report_list", kwargs={"org_slug": self.organization.slug}),
        )
        return context


class ReportUpdateView(ReportMixin, ReportFormMixin, UpdateView):
    def get_object(self, queryset: Any = None) -> Report:
        return self.report

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(title=_("Edit report"), cancel_url=self.report.get_absolute_url())
        return context


class ReportDetailView(ReportMixin, TemplateView):
    template_name = "reports/report_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            versions=list(published_versions(self.organization.pk).filter(report=self.report)),
            measure_count=measures_in_scope(self.report).count(),
            comment_count=self.report.comments.count(),
        )
        return context


class ReportCommentsView(ReportMixin, FormView):
    template_name = "reports/report_comments.html"
    form_class = ReportCommentsForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        comments = dict(self.report.comments.values_list("measure_id", "text"))
        return {**kwargs, "measures": measures_in_scope(self.report), "comments": comments}

    def form_valid(self, form: ReportCommentsForm) -> HttpResponse:
        save_comments(self.report, form.texts())
        messages.success(self.request, _("The comments are saved."))
        return redirect(self.report.get_absolute_url())


class ReportPreviewView(ReportMixin, TemplateView):
    """The report as it would be published now, through the published report's template."""

    template_name = "reports/report_preview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            content=report_content(self.report),
            preview_day=timezone.localdate().isoformat(),
        )
        return context


class ReportPublishView(ReportMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            published = publish(self.report, user_of(request))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self.report.get_absolute_url())
        messages.success(
            request,
            _("Version %(version)s of “%(title)s” is published.")
            % {"version": published.version, "title": published.title},
        )
        return redirect(published.get_absolute_url())
