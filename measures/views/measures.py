"""Measures (tiltak): the list, the measure page, forms, archiving and comments."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, ListView, TemplateView, UpdateView

from measures.forms.core import CommentForm, MeasureFilterForm, MeasureForm
from measures.lookups import matching
from measures.models import Comment, ExternalContributor, Measure, Tag
from measures.page_cache import cached_content
from measures.sections import measure_sections, render_sections
from measures.services import evaluation_due_refresh
from measures.views.base import MeasureViewMixin
from organizations.history import history_entries
from organizations.ids import parse_id
from organizations.models import User
from organizations.views.base import ArchiveView, OrganizationViewMixin, user_of


def filter_measures(
    queryset: QuerySet[Measure], data: dict[str, Any], today: date
) -> QuerySet[Measure]:
    """Applies the list's validated filters (see MeasureFilterForm)."""
    if not data.get("archived"):
        queryset = queryset.filter(is_archived=False)
    if data.get("q"):
        words = data["q"].split()
        for word in words:
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(target_group_note__icontains=word)
                | Q(tags__name__iexact=word)
            )
        queryset = queryset.distinct()
    for field in ("program", "phase", "status", "team_lead"):
        if data.get(field) not in (None, ""):
            queryset = queryset.filter(**{field: data[field]})
    if data.get("lead"):
        queryset = matching(queryset, data["lead"], ("team_lead__full_name", "team_lead__email"))
    if data.get("unit"):
        queryset = queryset.filter(responsible_unit=data["unit"])
    if data.get("tag"):
        queryset = queryset.filter(tags=data["tag"])
    if data.get("overdue"):
        queryset = queryset.filter(next_evaluation_due__lt=today)
    sort = MeasureFilterForm.SORTS.get(data.get("sort") or "name", ("name",))
    return queryset.order_by(*sort, "pk")


class MeasureListView(OrganizationViewMixin, ListView):
    permission_required = "measures.view_measures"
    template_name = "measures/measure_list.html"
    context_object_name = "measures"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[Measure]:
        self.filter_form = MeasureFilterForm(
            self.request.GET or None, organization=self.organization
        )
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        queryset = (
            Measure.objects.filter(organization=self.organization)
            .select_related("program", "team_lead", "responsible_unit")
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        )
        return filter_measures(queryset, data, timezone.localdate())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["today"] = timezone.localdate()
        context["can_add"] = self.request.user.has_perm("measures.add_measure", self.organization)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        return context


class MeasureDetailView(MeasureViewMixin, TemplateView):
    """Everything about one measure on one page, with its history of changes."""

    permission_required = "measures.view_measures"
    template_name = "measures/measure_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        measure = self.measure
        user = self.request.user
        context.update(
            cached_content(self.request, measure, self.build_content),
            can_change=user.has_perm("measures.change_measure", measure),
            can_archive=user.has_perm("measures.archive_measure", measure),
            can_comment=user.has_perm("measures.comment_measure", measure),
            can_see_audit_trail=user.has_perm("organizations.view_audit_trail", self.organization),
            comment_form=CommentForm(),
            today=timezone.localdate(),
        )
        return context

    def build_content(self) -> dict[str, Any]:
        """What the page shows from the database; kept in the cache (measures/page_cache.py)."""
        measure = self.measure
        return {
            "tags": list(measure.tags.order_by("name")),
            "contributors": list(measure.contributors.order_by("full_name")),
            "external_contributors": list(measure.external_contributors.all()),
            "comments": list(measure.comments.select_related("author")),
            "history": history_entries(
                Measure.history.filter(id=measure.pk)
                .select_related("history_user")
                .order_by("history_date", "history_id"),
                Measure,
                lambda record: record.name,
            )[::-1],
            "sections": render_sections(measure_sections(), self.request, measure),
        }


class MeasureFormMixin:
    template_name: str | None = "measures/measure_form.html"
    form_class: type[BaseForm] | None = MeasureForm
    request: HttpRequest
    organization: Any

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        planner = self.request.user.has_perm("measures.add_measure", self.organization)
        return {**kwargs, "organization": self.organization, "planner": planner}

    def form_valid(self, form: MeasureForm) -> HttpResponse:
        with transaction.atomic():
            measure = form.save()
            form.save_tags(measure)
            if "end_date" in form.changed_data:
                # No evaluation is due after the measure's end.
                evaluation_due_refresh(measure=measure, user=user_of(self.request))
        messages.success(self.request, _("The measure is saved."))
        return redirect(measure.get_absolute_url())


class MeasureCreateView(MeasureFormMixin, OrganizationViewMixin, CreateView):
    permission_required = "measures.add_measure"

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        program = parse_id(self.request.GET.get("program"))
        if program is not None:
            initial["program"] = program
        return initial


class MeasureUpdateView(MeasureFormMixin, MeasureViewMixin, UpdateView):
    permission_required = "measures.change_measure"

    def get_object(self, queryset: Any = None) -> Measure:
        return self.measure


class MeasureArchiveView(MeasureViewMixin, ArchiveView):
    permission_required = "measures.archive_measure"

    def get_archivable(self) -> Measure:
        return self.measure


class CommentCreateView(MeasureViewMixin, View):
    permission_required = "measures.comment_measure"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CommentForm(request.POST)
        if form.is_valid():
            assert isinstance(request.user, User)  # noqa: S101 - login is required
            Comment.objects.create(
                measure=self.measure, author=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, _("Your comment is added."))
        else:
            messages.error(request, _("Write a comment before you send it."))
        return redirect(f"{self.measure.get_absolute_url()}#comments")


class ExternalContributorAddView(MeasureViewMixin, View):
    permission_required = "measures.change_measure"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from measures.forms.core import ExternalContributorForm

        form = ExternalContributorForm(request.POST)
        if form.is_valid():
            form.instance.measure = self.measure
            form.save()
            messages.success(request, _("The contributor is added."))
        else:
            messages.error(request, _("Give both the role and the organisation or service."))
        return redirect(f"{self.measure.get_absolute_url()}#contributors")


class ExternalContributorRemoveView(MeasureViewMixin, View):
    permission_required = "measures.change_measure"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contributor = self.get_for_measure(ExternalContributor.objects.all(), pk=kwargs["pk"])
        contributor.delete()
        messages.success(request, _("The contributor is removed."))
        return redirect(f"{self.measure.get_absolute_url()}#contributors")
