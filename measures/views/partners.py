"""What partner organisations see: the programmes another organisation has shared with them.

Sharing is explicit: a programme is visible to a partner only through an active partnership
that the programme's own organisation granted and attached to the programme. ``read`` shows
the programme and its measures; ``contribute`` also lets the partner's staff comment.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from measures.forms.core import CommentForm
from measures.models import Comment, GoalJudgement, Measure, Program
from organizations.models import Organization, Partnership, Role, User
from organizations.views.base import OrganizationViewMixin


def _grants(partner: Organization, access: str | None = None) -> QuerySet[Partnership]:
    grants = Partnership.objects.filter(
        partner=partner,
        is_active=True,
        grantor=OuterRef("organization"),
        programs=OuterRef("pk"),
        grantor__is_active=True,
    )
    return grants.filter(access=access) if access else grants


def programs_shared_with(partner: Organization) -> QuerySet[Program]:
    """Programmes shared with ``partner``, each annotated with ``can_contribute``."""
    return (
        Program.objects.filter(Exists(_grants(partner)), is_archived=False)
        .annotate(can_contribute=Exists(_grants(partner, Partnership.Access.CONTRIBUTE)))
        .select_related("organization", "coordinator")
    )


def measures_shared_with(partner: Organization) -> QuerySet[Measure]:
    """The measures ``partner`` sees: the one rule for visibility, used by the shared pages and
    by adoption (phases/adoption.py), so a change to what is shared changes both."""
    return Measure.objects.filter(
        program__in=programs_shared_with(partner).values("pk"), is_archived=False
    )


def measures_adoptable_by(partner: Organization) -> QuerySet[Measure]:
    """What ``partner`` may take into use: a measure shared with it, or one its owner
    published as a template in a programme ``partner`` takes part in."""
    templates = Measure.objects.filter(
        program__in=programs_shared_with(partner).values("pk"), is_archived=False, is_template=True
    )
    return measures_shared_with(partner) | templates


class SharedViewMixin(OrganizationViewMixin):
    permission_required = "measures.view_shared"

    def shared_program(self, pk: int) -> Program:
        return get_object_or_404(programs_shared_with(self.organization), pk=pk)

    def shared_measure(self, pk: int) -> tuple[Measure, Program]:
        measure = get_object_or_404(
            measures_shared_with(self.organization).select_related("team_lead", "responsible_unit"),
            pk=pk,
        )
        program = self.shared_program(measure.program_id)
        return measure, program


class SharedProgramListView(SharedViewMixin, TemplateView):
    template_name = "measures/shared/program_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["programs"] = list(
            programs_shared_with(self.organization).order_by("organization__name", "name")
        )
        # Templates the programmes' owners published: each can be taken into use.
        context["templates"] = list(
            measures_adoptable_by(self.organization)
            .filter(is_template=True)
            .select_related("organization", "program")
            .order_by("organization__name", "name")
        )
        context["can_adopt"] = self.request.user.has_perm("phases.adopt_measure", self.organization)
        return context


class SharedProgramDetailView(SharedViewMixin, TemplateView):
    template_name = "measures/shared/program_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        program = self.shared_program(self.kwargs["pk"])
        context["program"] = program
        context["measures"] = list(
            measures_shared_with(self.organization)
            .filter(program=program)
            .select_related("team_lead", "responsible_unit")
        )
        context["today"] = timezone.localdate()
        return context


def may_contribute(request: HttpRequest, program: Program) -> bool:
    membership = getattr(request, "membership", None)
    return bool(
        getattr(program, "can_contribute", False)
        and membership is not None
        and membership.role != Role.VIEWER
    )


class SharedMeasureDetailView(SharedViewMixin, TemplateView):
    template_name = "measures/shared/measure_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        measure, program = self.shared_measure(self.kwargs["measure_pk"])
        context.update(
            measure=measure,
            program=program,
            tags=list(measure.tags.order_by("name")),
            comments=list(measure.comments.select_related("author")),
            goals=list(
                measure.goals.prefetch_related(
                    "indicators",
                    # Newest first: the first is the judgement as it stands.
                    Prefetch("judgements", queryset=GoalJudgement.objects.order_by("-number")),
                )
            ),
            can_comment=may_contribute(self.request, program),
            can_adopt=self.request.user.has_perm("phases.adopt_measure", self.organization),
            comment_form=CommentForm(),
        )
        return context


class SharedMeasureCommentView(SharedViewMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        measure, program = self.shared_measure(kwargs["measure_pk"])
        if not getattr(program, "can_contribute", False):
            raise Http404("This partnership does not allow comments")
        if not may_contribute(request, program):
            raise PermissionDenied  # a viewer: reads, never writes

        form = CommentForm(request.POST)
        if form.is_valid():
            assert isinstance(request.user, User)  # noqa: S101 - login is required
            Comment.objects.create(
                measure=measure, author=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, _("Your comment is added."))
        else:
            messages.error(request, _("Write a comment before you send it."))
        url = reverse("shared_measure_detail", args=[self.organization.slug, measure.pk])
        return redirect(f"{url}#comments")
