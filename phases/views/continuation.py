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
from organizations.formtools import correction_reason
from organizations.inline import FOCUS_ERROR, answer, fragment, is_htmx
from organizations.records import CorrectionRefused, shown_versions
from phases.continuation import (
    DECISION_FIELDS,
    RECOMMENDATION_FIELDS,
    ContinuationRefused,
    continuation_mark_ordinary,
    continuation_recommend,
    continuation_record_decision,
    decision_versions,
    phase_four_factors,
    recommendation_versions,
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
    """Phase IV on the measure page: the decision with every version of it and where it
    leaves the measure (one query); shown in phase IV and for measures in ordinary operation
    or closed."""
    if measure.phase < Phase.CONTINUE and measure.lifecycle == Lifecycle.ACTIVE:
        return None
    versions = shown_versions(decision_versions(measure))
    return Section(
        "phases/continuation/section.html",
        {
            "measure": measure,
            "decision": versions[0].record if versions else None,
            "decision_versions": versions,
        },
    )


MAINTENANCE_FRAGMENT = "phases/continuation/maintenance_fragment.html"


def maintenance_context(
    request: HttpRequest,
    measure: Measure,
    *,
    bound: MaintenanceRoutineForm | None = None,
    editing: MaintenanceRoutineForm | None = None,
) -> dict[str, Any]:
    """The maintenance plan's list, with the add form under it and the routine being edited
    in place for those who work on the phase (``bound``: the add form with its errors)."""
    can_work = request.user.has_perm(WORK, measure)
    context: dict[str, Any] = {
        "organization": request.organization,  # type: ignore[attr-defined]
        "measure": measure,
        "can_work": can_work,
        "routines": routine_rows(measure, timezone.localdate()),
        "continuation_url": reverse(
            "continuation",
            args=[request.organization.slug, measure.pk],  # type: ignore[attr-defined]
        ),
    }
    if can_work:
        form = bound or MaintenanceRoutineForm(measure=measure)
        form.auto_id = "id_new_routine_%s"
        context["new_routine_form"] = form
        if editing is not None:
            editing.auto_id = f"id_edit_routine_{editing.instance.pk}_%s"
            context.update(edit_form=editing, editing_pk=editing.instance.pk)
    return context


class ContinuationView(MeasureViewMixin, TemplateView):
    """The phase-IV page, in a fixed number of queries."""

    permission_required = VIEW
    template_name = "phases/continuation/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        measure = self.measure
        user = self.request.user
        decisions = shown_versions(decision_versions(measure))
        recommendations = shown_versions(recommendation_versions(measure))
        factors = phase_four_factors(measure)
        context.update(
            summary=phase_three_summary(measure),
            assessment=ContinuationAssessment.objects.filter(measure=measure).first(),
            recommendation=recommendations[0].record if recommendations else None,
            recommendation_versions=recommendations,
            decision_versions=decisions,
            stakeholder_inputs=list(
                StakeholderInput.objects.filter(measure=measure).select_related("recorded_by")
            ),
            decision=decisions[0].record if decisions else None,
            factors=factors,
            remaining=[item for item in factors if item.blocks],
            documents=list(GoverningDocument.objects.filter(measure=measure)),
            can_work=user.has_perm(WORK, measure),
            can_decide=user.has_perm(DECIDE, measure),
            in_phase_four=measure.phase == Phase.CONTINUE,
        )
        context.update(maintenance_context(self.request, measure))
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


class RecordVersionFormView(ContinuationFormView):
    """The form of a versioned record of the measure: the first recording, or a correction
    (a new version with its reason) filled in from the latest version."""

    permission_required = DECIDE
    content_fields: tuple[str, ...] = ()
    versions: list[Any]

    def load_objects(self) -> None:
        super().load_objects()
        self.versions = self.get_versions()

    def get_versions(self) -> list[Any]:
        raise NotImplementedError

    def get_initial(self) -> dict[str, Any]:
        if not self.versions:
            return super().get_initial()
        latest = self.versions[0]
        return {name: getattr(latest, name) for name in self.content_fields}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "correcting": bool(self.versions)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["versions"] = shown_versions(self.versions)
        return context

    def record(self, form: Any) -> None:
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            self.record(form)
        except (CorrectionRefused, ContinuationRefused) as refused:
            for text in refused.messages:
                form.add_error(None, text)
            return self.form_invalid(form)
        return redirect(self.get_success_url())


class RecommendationView(RecordVersionFormView):
    form_class = RecommendationForm
    template_name = "phases/continuation/recommendation_form.html"
    content_fields = RECOMMENDATION_FIELDS
    anchor = "recommendation"

    @property
    def title(self) -> str:  # type: ignore[override]
        if self.versions:
            return _("Correct the recommendation")
        return _("The coordinator's recommendation")

    def get_versions(self) -> list[Any]:
        return recommendation_versions(self.measure)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["stakeholder_inputs"] = list(StakeholderInput.objects.filter(measure=self.measure))
        return context

    def record(self, form: Any) -> None:
        version = continuation_recommend(
            measure=self.measure,
            user=user_of(self.request),
            recommendation=form.cleaned_data["recommendation"],
            why=form.cleaned_data["reason"],
            reason=correction_reason(form),
        )
        if version.is_correction:
            text = _("The recommendation is corrected. The earlier version is kept.")
        else:
            text = _("The recommendation is saved.")
        messages.success(self.request, text)


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


class DecisionView(RecordVersionFormView):
    """The decision on the measure's future; the service sets the life cycle from it. Once
    recorded, it is corrected by a new version with a reason, never overwritten."""

    form_class = ContinuationDecisionForm
    template_name = "phases/continuation/decision_form.html"
    content_fields = DECISION_FIELDS
    anchor = "decision"

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Correct the decision") if self.versions else _("The decision on continuing")

    def get_versions(self) -> list[Any]:
        return decision_versions(self.measure)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        recommendations = recommendation_versions(self.measure)
        context.update(
            recommendation=recommendations[0] if recommendations else None,
            stakeholder_count=StakeholderInput.objects.filter(measure=self.measure).count(),
            in_phase_four=self.measure.phase == Phase.CONTINUE,
        )
        return context

    def record(self, form: Any) -> None:
        result = continuation_record_decision(
            measure=self.measure,
            user=user_of(self.request),
            data=form.cleaned_data,
            reason=correction_reason(form),
        )
        saved = (
            _("The decision is corrected; the earlier version is kept.")
            if result.decision.is_correction
            else _("The decision is saved.")
        )
        if result.lifecycle == Lifecycle.CLOSED:
            text = _("The measure is closed; everything about it is kept.")
        elif result.lifecycle == Lifecycle.ORDINARY:
            text = _("The measure is part of ordinary operation.")
        else:
            text = _(
                "The measure becomes part of ordinary operation when the success factors "
                "below are met."
            )
        messages.success(self.request, f"{saved} {text}")


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
    """A routine's page, and inline on the phase-IV page: for htmx the answer is the
    maintenance plan's list (the routine saved, or its form with the errors)."""

    model = MaintenanceRoutine
    form_class = MaintenanceRoutineForm
    success_message = gettext_lazy("The routine is saved.")
    anchor = "maintenance"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_htmx(request) and self.instance is not None:
            # "Edit" turns the row into its form, in its place in the list.
            context = maintenance_context(request, self.measure, editing=self.get_form())
            focus = f"id_edit_routine_{self.instance.pk}_kind_0"
            return fragment(request, MAINTENANCE_FRAGMENT, context, focus=focus)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        super().form_valid(form)  # the save path of the routine's page, message included
        request = self.request
        return answer(
            request,
            self.get_success_url(),
            MAINTENANCE_FRAGMENT,
            lambda: maintenance_context(request, self.measure),
            focus=f"routine-{self.object.pk}",
        )

    def form_invalid(self, form: Any) -> HttpResponse:
        if not is_htmx(self.request):
            return super().form_invalid(form)
        if self.instance is None:
            context = maintenance_context(self.request, self.measure, bound=form)
        else:
            context = maintenance_context(self.request, self.measure, editing=form)
        return fragment(self.request, MAINTENANCE_FRAGMENT, context, focus=FOCUS_ERROR)

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit routine") if self.instance else _("New routine in the maintenance plan")


class MaintenanceRoutineDeleteView(MeasureViewMixin, View):
    """POST only, like the plan's rows: the routine leaves the maintenance plan (and the annual
    wheel); its history keeps it."""

    permission_required = WORK
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        routine = self.get_for_measure(MaintenanceRoutine.objects.all(), pk=kwargs["pk"])
        name = routine.get_kind_display()
        routine.delete()
        messages.success(request, _("“%(name)s” is deleted.") % {"name": name})
        url = reverse("continuation", args=[self.organization.slug, self.measure.pk])
        return answer(
            request,
            f"{url}#maintenance",
            MAINTENANCE_FRAGMENT,
            lambda: maintenance_context(request, self.measure),
            focus="maintenance-heading",
        )


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
