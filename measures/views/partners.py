"""What partner organisations see: the programmes another organisation has shared with them.

Sharing is explicit: a programme is visible to a partner only through an active (accepted)
partnership that the programme's own organisation granted and attached to the programme. Each
partnership shares all the programme's measures or the chosen ones, and chosen parts of them
(``Partnership.share_*``, docs/partnerships.md); the measure page shows exactly those parts,
drawn by the same card as the owner's status dashboard (reports/cards.py). ``read`` shows;
``contribute`` also lets the partner's staff comment.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from measures.forms.core import CommentForm
from measures.models import Comment, GoalJudgement, Measure, Program
from measures.sections import shared_sections
from organizations.content_language import lang_attribute
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


def _measure_grants(partner: Organization, program: Program | None = None) -> QuerySet[Partnership]:
    """The active partnerships through which ``partner`` sees the outer measure: those sharing
    all its programme's measures, or the chosen ones among which it is. With ``program`` the
    programme is fixed (cheaper where one programme's measures are listed)."""
    grants = Partnership.objects.filter(
        Q(share_all_measures=True) | Q(chosen_measures=OuterRef("pk")),
        partner=partner,
        is_active=True,
        grantor__is_active=True,
    )
    if program is not None:
        return grants.filter(grantor=program.organization_id, programs=program)
    return grants.filter(grantor=OuterRef("program__organization"), programs=OuterRef("program"))


def measures_shared_with(
    partner: Organization, program: Program | None = None
) -> QuerySet[Measure]:
    """The measures ``partner`` sees (in ``program``, or in every programme shared with it):
    the one rule for visibility, used by the shared pages and by adoption
    (phases/adoption.py), so a change to what is shared changes both."""
    measures = Measure.objects.filter(Exists(_measure_grants(partner, program)), is_archived=False)
    return measures.filter(program=program) if program is not None else measures


def shared_parts(partner: Organization, measure: Measure) -> dict[str, bool]:
    """Which parts of ``measure`` the partner sees: a part shared by any of the active
    partnerships that reach it (one query)."""
    grants = Partnership.objects.filter(
        Q(share_all_measures=True) | Q(chosen_measures=measure),
        partner=partner,
        is_active=True,
        grantor=measure.program.organization_id,
        grantor__is_active=True,
        programs=measure.program_id,
    ).values_list(*Partnership.SHARED_PARTS)
    parts = dict.fromkeys(Partnership.SHARED_PARTS, False)
    for row in grants:
        for name, shared in zip(Partnership.SHARED_PARTS, row, strict=True):
            parts[name] = parts[name] or shared
    return parts


def programs_shared_with(partner: Organization) -> QuerySet[Program]:
    """Programmes shared with ``partner``, each annotated with ``can_contribute``."""
    return (
        Program.objects.filter(Exists(_grants(partner)), is_archived=False)
        .annotate(can_contribute=Exists(_grants(partner, Partnership.Access.CONTRIBUTE)))
        .select_related("organization", "coordinator")
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
            measures_shared_with(self.organization, program)
            .annotate(
                status_shared=Exists(
                    _measure_grants(self.organization, program).filter(share_status=True)
                )
            )
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


def shared_card(measure: Measure, program: Program, parts: dict[str, bool]) -> SafeString:
    """The measure's card from the owner's status dashboard (reports/cards.py), built from the
    same content (reports/content.py), with the parts not shared removed before drawing."""
    # Imported here: reports builds on measures, not the other way round; this page is the
    # one place measures shows the dashboard's card.
    from reports.cards import render_card
    from reports.content import measures_content

    today = timezone.localdate()
    # The decisions of the whole life of the measure, when they are shared.
    period = (measure.created_at.date(), today) if parts["share_decisions"] else None
    content = measures_content(program.organization, program=program, today=today, period=period)
    found = next((item for item in content if item["id"] == measure.pk), None)
    if found is None:  # pragma: no cover - the measure is active and in the programme
        raise Http404
    card: dict[str, Any] = dict(found)
    if not parts["share_status"]:
        card.update(
            status_explanation="", summary="", comment="", readiness=None, next_checkpoints=[]
        )
    if not parts["share_indicators"]:
        card["indicators"] = []
    if not parts["share_decisions"]:
        card.update(decisions=[], continuation=None)
    return render_card(
        card,
        today=today,
        heading_level=2,
        link_measures=False,  # the owner's pages are not the partner's
        hide_status=not parts["share_status"],
        hide_indicators=not parts["share_indicators"],
        hide_decisions=not parts["share_decisions"],
        hide_continuation=not parts["share_decisions"],
        content_lang=lang_attribute(program.organization),
    )


class SharedMeasureDetailView(SharedViewMixin, TemplateView):
    template_name = "measures/shared/measure_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        measure, program = self.shared_measure(self.kwargs["measure_pk"])
        parts = shared_parts(self.organization, measure)
        context.update(
            measure=measure,
            program=program,
            parts=parts,
            card=shared_card(measure, program, parts),
            sections=[
                section
                for name, function in shared_sections()
                if parts.get(name) and (section := function(measure, program.organization))
            ],
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
