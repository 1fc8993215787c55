"""Programmes: the frame around a set of measures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from measures.forms.core import ProgramForm
from measures.models import Measure, Program
from measures.sections import program_sections, render_sections
from organizations.views.base import ArchiveView, OrganizationViewMixin


class ProgramListView(OrganizationViewMixin, ListView):
    permission_required = "measures.view_programs"
    template_name = "measures/program_list.html"
    context_object_name = "programs"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[Program]:
        archived = self.request.GET.get("archived") == "1"
        return (
            Program.objects.filter(organization=self.organization, is_archived=archived)
            .select_related("coordinator")
            .annotate(
                measure_count=Count("measures", filter=Q(measures__is_archived=False)),
                red_count=Count(
                    "measures", filter=Q(measures__is_archived=False, measures__status="red")
                ),
            )
            .order_by("name")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.has_perm(
            "measures.manage_programs", self.organization
        )
        context["show_archived"] = self.request.GET.get("archived") == "1"
        return context


class ProgramDetailView(OrganizationViewMixin, DetailView):
    permission_required = "measures.view_programs"
    template_name = "measures/program_detail.html"
    context_object_name = "program"

    def get_object(self, queryset: Any = None) -> Program:
        return self.get_for_organization(
            Program.objects.select_related("coordinator"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        program = self.object
        context["units"] = list(program.units.all())
        # Only the accepted: an invitation not yet answered, declined or ended shares nothing.
        context["partnerships"] = list(
            program.partnerships.filter(is_active=True).select_related("partner")
        )
        context["measures"] = list(
            Measure.objects.filter(program=program, is_archived=False)
            .select_related("team_lead", "responsible_unit")
            .prefetch_related("tags")
        )
        context["can_manage"] = self.request.user.has_perm(
            "measures.manage_programs", self.organization
        )
        context["today"] = timezone.localdate()
        context["sections"] = render_sections(program_sections(), self.request, program)
        return context


class ProgramFormMixin(OrganizationViewMixin):
    permission_required = "measures.manage_programs"
    template_name: str | None = "measures/program_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        return {**kwargs, "organization": self.organization}

    def form_valid(self, form: ProgramForm) -> HttpResponse:
        messages.success(self.request, _("The programme is saved."))
        response: HttpResponse = super().form_valid(form)  # type: ignore[misc]
        return response


class ProgramCreateView(ProgramFormMixin, CreateView):
    form_class = ProgramForm


class ProgramUpdateView(ProgramFormMixin, UpdateView):
    form_class = ProgramForm

    def get_object(self, queryset: Any = None) -> Program:
        return self.get_for_organization(Program.objects.all(), pk=self.kwargs["pk"])


class ProgramArchiveView(ArchiveView):
    """Archiving a programme leaves its measures as they are."""

    permission_required = "measures.manage_programs"

    def get_archivable(self) -> Program:
        return self.get_for_organization(Program.objects.all(), pk=self.kwargs["pk"])
