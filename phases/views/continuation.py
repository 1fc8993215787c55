"""Phase IV, continue: the judgement of the measure's value next to what phase III recorded,
the stakeholders' input, the recommendation and decision, the maintenance plan and the
governing documents the measure is written into.

Members read (``phases.view_phases``); planners and the measure's team lead write the
material (``phases.work_on_phase``); only planners give the recommendation, record the
decision and mark the measure as ordinary operation (``phases.record_decision``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from measures import recurrence
from measures.models import Evaluation, Goal, Lifecycle, Measure, Phase
from measures.sections import Section
from measures.views.base import MeasureViewMixin
from measures.views.goals import GoalSummary, goals_with_indicators
from phases.continuation import (
    ContinuationRefused,
    continuation_mark_ordinary,
    continuation_record_decision,
    phase_four_factors,
)
from phases.forms.continuation import (
    ContinuationAssessmentForm,
    ContinuationDecisionForm,
    GoverningDocumentForm,
    MaintenanceRoutineForm,
    RecommendationForm,
    StakeholderInputForm,
)
from phases.models import (
    ContinuationAssessment,
    ContinuationDecision,
    GoverningDocument,
    MaintenanceRoutine,
    PilotIteration,
    StakeholderInput,
)
from phases.readiness import Readiness, readiness
from phases.views.roundabout import VIEW, WORK, PhaseFormView, user_of

DECIDE = "phases.record_decision"
UPCOMING_COUNT = 3


# --- what the pages show ------------------------------------------------------------------


@dataclass
class PhaseThreeSummary:
    """What the roundabout recorded, for judging the measure's value."""

    laps: list[PilotIteration]
    readiness: Readiness
    goals: list[GoalSummary]
    evaluations: list[Evaluation]

    @property
    def indicator_count(self) -> int:
        return sum(len(goal.indicators) for goal in self.goals)


def phase_three_summary(measure: Measure) -> PhaseThreeSummary:
    """Laps, readiness, goals with their indicators' attainment, and evaluations: seven
    queries, whatever the number of rows."""
    return PhaseThreeSummary(
        laps=list(PilotIteration.objects.filter(measure=measure).order_by("number")),
        readiness=readiness(measure),
        goals=goals_with_indicators(Goal.objects.filter(measure=measure)),
        evaluations=list(Evaluation.objects.filter(measure=measure).order_by("period_start", "pk")),
    )


@dataclass
class RoutineRow:
    routine: MaintenanceRoutine
    upcoming: list[date]


def routine_rows(measure: Measure, today: date) -> list[RoutineRow]:
    """The maintenance plan with the next dates of each routine within the measure's life
    (as the annual wheel shows them): one query."""
    start = max(today, measure.start_date) if measure.start_date else today
    rows = []
    for routine in MaintenanceRoutine.objects.filter(measure=measure).select_related("owner"):
        try:
            upcoming = recurrence.upcoming(
                rhythm=routine.recurrence,
                first_due=routine.first_date,
                rule=routine.rrule,
                start=start,
                count=UPCOMING_COUNT,
                last=measure.end_date,
            )
        except (recurrence.InvalidRule, ValueError):
            upcoming = []  # a rule stored before it was checked; the edit form says why
        rows.append(RoutineRow(routine, upcoming))
    return rows


def measure_section(request: HttpRequest, measure: Measure) -> Section | None:
    """Phase IV on the measure page: the decision and where it leaves the measure (one
    query); shown in phase IV and for measures in ordinary operation or closed."""
    if measure.phase < Phase.CONTINUE and measure.lifecycle == Lifecycle.ACTIVE:
        return None
    return Section(
        "phases/continuation/section.html",
        {
            "measure": measure,
            "decision": ContinuationDecision.objects.filter(measure=measure).first(),
        },
    )


class ContinuationView(MeasureViewMixin, TemplateView):
    """The phase-IV page, in a fixed number of queries."""

    permission_required = VIEW
    template_name = "phases/continuation/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        measure = self.measure
        user = self.request.user
        decision = (
            ContinuationDecision.objects.filter(measure=measure)
            .select_related("recorded_by")
            .first()
        )
        factors = phase_four_factors(measure)
        context.update(
            summary=phase_three_summary(measure),
            assessment=ContinuationAssessment.objects.filter(measure=measure).first(),
            stakeholder_inputs=list(
                StakeholderInput.objects.filter(measure=measure).select_related("recorded_by")
            ),
            decision=decision,
            factors=factors,
            remaining=[item for item in factors if item.blocks],
            routines=routine_rows(measure, timezone.localdate()),
            documents=list(GoverningDocument.objects.filter(measure=measure)),
            can_work=user.has_perm(WORK, measure),
            can_decide=user.has_perm(DECIDE, measure),
            in_phase_four=measure.phase == Phase.CONTINUE,
        )
        return context


class ContinuationFormView(PhaseFormView):
    parent_label = gettext_lazy("Continuation")
    parent_url_name = "continuation"
    template_name = "phases/continuation/form.html"
    form_takes_measure = False
    anchor = ""

    def get_success_url(self) -> str:
        return f"{self.parent_url()}#{self.anchor}" if self.anchor else self.parent_url()


def assessment_of(measure: Measure) -> ContinuationAssessment:
    return ContinuationAssessment.objects.filter(measure=measure).first() or ContinuationAssessment(
        measure=measure
    )


class AssessmentUpdateView(ContinuationFormView):
    """The judgement of the measure's value, written next to what phase III recorded."""

    form_class = ContinuationAssessmentForm
    template_name = "phases/continuation/assessment_form.html"
    title = gettext_lazy("The measure's value and how it is kept up")
    success_message = gettext_lazy("The assessment is saved.")
    anchor = "assessment"

    def get_instance(self) -> ContinuationAssessment:
        return assessment_of(self.measure)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["summary"] = phase_three_summary(self.measure)
        return context


class RecommendationView(ContinuationFormView):
    permission_required = DECIDE
    form_class = RecommendationForm
    template_name = "phases/continuation/recommendation_form.html"
    title = gettext_lazy("The coordinator's recommendation")
    success_message = gettext_lazy("The recommendation is saved.")
    anchor = "recommendation"

    def get_instance(self) -> ContinuationAssessment:
        return assessment_of(self.measure)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["stakeholder_inputs"] = list(StakeholderInput.objects.filter(measure=self.measure))
        return context


class StakeholderInputCreateView(ContinuationFormView):
    form_class = StakeholderInputForm
    title = gettext_lazy("Add stakeholder input")
    intro = gettext_lazy(
        "Hear interest organisations, leaders of collaborating services, user representatives "
        "and politicians before the recommendation is given."
    )
    success_message = gettext_lazy("The stakeholder input is saved.")
    anchor = "stakeholders"

    def get_instance(self) -> StakeholderInput:
        return StakeholderInput(measure=self.measure, recorded_by=user_of(self.request))


class StakeholderInputUpdateView(ContinuationFormView):
    form_class = StakeholderInputForm
    title = gettext_lazy("Edit stakeholder input")
    success_message = gettext_lazy("The stakeholder input is saved.")
    anchor = "stakeholders"

    def load_objects(self) -> None:
        super().load_objects()
        self.stakeholder_input = self.get_for_measure(
            StakeholderInput.objects.all(), pk=self.kwargs["pk"]
        )

    def get_instance(self) -> StakeholderInput:
        return self.stakeholder_input


class DecisionView(ContinuationFormView):
    """The decision on the measure's future; the service sets the life cycle from it."""

    permission_required = DECIDE
    form_class = ContinuationDecisionForm
    template_name = "phases/continuation/decision_form.html"
    title = gettext_lazy("The decision on continuing")
    anchor = "decision"

    def get_instance(self) -> ContinuationDecision | None:
        return ContinuationDecision.objects.filter(measure=self.measure).first()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            assessment=ContinuationAssessment.objects.filter(measure=self.measure).first(),
            stakeholder_count=StakeholderInput.objects.filter(measure=self.measure).count(),
            in_phase_four=self.measure.phase == Phase.CONTINUE,
        )
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            result = continuation_record_decision(
                measure=self.measure, user=user_of(self.request), data=form.cleaned_data
            )
        except ContinuationRefused as refused:
            for text in refused.messages:
                form.add_error(None, text)
            return self.form_invalid(form)
        if result.lifecycle == Lifecycle.CLOSED:
            text = _("The decision is saved. The measure is closed; everything about it is kept.")
        elif result.lifecycle == Lifecycle.ORDINARY:
            text = _("The decision is saved. The measure is part of ordinary operation.")
        else:
            text = _(
                "The decision is saved. The measure becomes part of ordinary operation when the "
                "success factors below are met."
            )
        messages.success(self.request, text)
        return redirect(self.get_success_url())


class MarkOrdinaryView(MeasureViewMixin, View):
    """POST: checks the decision and the phase-IV factors again, then marks the measure."""

    permission_required = DECIDE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            continuation_mark_ordinary(measure=self.measure, user=user_of(request))
        except ContinuationRefused as refused:
            messages.error(
                request,
                _("The measure is not part of ordinary operation yet. %(reasons)s")
                % {"reasons": " ".join(refused.messages)},
            )
        else:
            messages.success(request, _("The measure is part of ordinary operation."))
        url = reverse("continuation", args=[self.organization.slug, self.measure.pk])
        return redirect(f"{url}#decision")


class MeasureObjectFormView(ContinuationFormView):
    """Create (no ``pk`` in the URL) or edit (``pk``) one object of ``model`` in this measure."""

    model: type[MaintenanceRoutine] | type[GoverningDocument]
    form_takes_measure = True
    instance: Any = None

    def load_objects(self) -> None:
        super().load_objects()
        if "pk" in self.kwargs:
            queryset: QuerySet[Any] = self.model.objects.all()
            self.instance = self.get_for_measure(queryset, pk=self.kwargs["pk"])

    def get_instance(self) -> Any:
        return self.instance


class MaintenanceRoutineFormView(MeasureObjectFormView):
    model = MaintenanceRoutine
    form_class = MaintenanceRoutineForm
    success_message = gettext_lazy("The routine is saved.")
    anchor = "maintenance"

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit routine") if self.instance else _("New routine in the maintenance plan")


class GoverningDocumentFormView(MeasureObjectFormView):
    model = GoverningDocument
    form_class = GoverningDocumentForm
    form_takes_measure = False
    success_message = gettext_lazy("The reference is saved.")
    anchor = "anchoring"

    def get_instance(self) -> Any:
        return self.instance or GoverningDocument(measure=self.measure)

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit governing document") if self.instance else _("Add a governing document")
