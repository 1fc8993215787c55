"""Phase I (prepare: the judgement of the measure and the decision to go on) and phase II (plan:
the implementation plan with its activities, roles and budget).

Every URL hangs under a measure (``MeasureViewMixin``): rows are looked up inside it, so an id
from another measure or organisation gives 404. Members read (``phases.view_phases``); planners
and the measure's team lead write (``phases.work_on_phase``); planners record the decision to go
on (``phases.record_decision``). The measure's ``Preparation`` and ``ImplementationPlan`` rows
are created on their first save, never by a page being read.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.forms import BaseForm
from django.forms.models import construct_instance
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from measures.models import EvaluationCycle, FuturePicture, KnowledgeItem, Measure
from measures.sections import Section
from measures.views.base import MeasureViewMixin
from measures.views.knowledge import knowledge_create_url, knowledge_entries
from organizations.formtools import correction_reason
from organizations.records import CorrectionRefused, shown_versions
from organizations.views.base import user_of
from phases.forms.planning import (
    ActivityForm,
    BudgetLineForm,
    DecisionForm,
    PlanForm,
    PreparationForm,
    RoleForm,
)
from phases.models import (
    BudgetLine,
    ImplementationPlan,
    PlannedActivity,
    Preparation,
    PreparationDecision,
    RoleResponsibility,
)
from phases.planning import (
    ActivityRow,
    budget_by_year,
    next_activities,
    plan_parts,
    preparation_gaps,
)
from phases.preparation import DECISION_FIELDS as PREPARATION_DECISION_FIELDS
from phases.preparation import preparation_decide, preparation_decisions

# --- what the pages show --------------------------------------------------------------------


def activity_order() -> list[Any]:
    # Dated activities in date order, then those with a month; the same on every database.
    return [F("start_date").asc(nulls_last=True), "month", "position", "pk"]


def activities_of(plan: ImplementationPlan | None) -> list[ActivityRow]:
    if plan is None or plan.pk is None:
        return []
    activities = (
        PlannedActivity.objects.filter(plan=plan)
        .select_related("responsible")
        .order_by(*activity_order())
    )
    return [ActivityRow(activity) for activity in activities]


def _per_plan(model: type[models.Model], aggregate: Count | Sum) -> Subquery:
    rows = model._default_manager.filter(plan=OuterRef("pk")).order_by().values("plan")
    return Subquery(rows.annotate(value=aggregate).values("value")[:1])


def measure_section(request: HttpRequest, measure: Measure) -> Section | None:
    """Phase I and II on the measure page: the decision to go on, how complete the plan is and
    the next activities, in three queries (two when there is no plan yet)."""
    preparation = Preparation.objects.filter(measure=measure).first()
    decisions = preparation_decisions(measure)
    plan = (
        ImplementationPlan.objects.filter(measure=measure)
        .annotate(
            role_count=_per_plan(RoleResponsibility, Count("pk")),
            budget_count=_per_plan(BudgetLine, Count("pk")),
            budget_total=_per_plan(BudgetLine, Sum("amount")),
        )
        .first()
    )
    activities = activities_of(plan)
    parts = plan_parts(
        plan,
        len(activities),
        getattr(plan, "role_count", None) or 0,
        getattr(plan, "budget_count", None) or 0,
    )
    user = request.user
    return Section(
        template="phases/planning/section.html",
        context={
            "measure": measure,
            "org_slug": request.organization.slug,  # type: ignore[attr-defined]
            "preparation": preparation,
            "decision": decisions[0] if decisions else None,
            "decision_versions": shown_versions(decisions),
            "preparation_gaps": preparation_gaps(preparation),
            "plan": plan,
            "parts": parts,
            "parts_done": sum(part.done for part in parts),
            "budget_total": getattr(plan, "budget_total", None),
            "activity_count": len(activities),
            "next_activities": next_activities(activities, timezone.localdate()),
            "can_work": user.has_perm("phases.work_on_phase", measure),
            "can_decide": user.has_perm("phases.record_decision", measure),
        },
    )


# --- shared by the views ----------------------------------------------------------------------


class PlanningViewMixin(MeasureViewMixin):
    permission_required = "phases.work_on_phase"

    def plan_url(self, anchor: str = "") -> str:
        url = reverse("implementation_plan", args=[self.organization.slug, self.measure.pk])
        return f"{url}#{anchor}" if anchor else url

    def preparation_url(self) -> str:
        return reverse("preparation", args=[self.organization.slug, self.measure.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            can_work=user.has_perm("phases.work_on_phase", self.measure),
            can_decide=user.has_perm("phases.record_decision", self.measure),
            can_change_measure=user.has_perm("measures.change_measure", self.measure),
        )
        return context


def plan_row(measure: Measure) -> ImplementationPlan:
    """The measure's plan, created on first use (inside the caller's transaction)."""
    plan, _created = ImplementationPlan.objects.get_or_create(measure=measure)
    return plan


def save_onto(form: Any, row: models.Model) -> None:
    """Saves a one-to-one form onto the measure's row, which may have been created meanwhile
    (two people saving a new plan at once edit the same row, never two rows)."""
    construct_instance(form, row)
    row.save()


# --- phase I --------------------------------------------------------------------------------


class PreparationView(PlanningViewMixin, FormView):
    """Phase I on one page: the team's judgement (a form for those who work on the phase), the
    decision to go on, and the knowledge base and future pictures the measure builds on."""

    template_name = "phases/planning/preparation.html"
    form_class = PreparationForm
    preparation: Preparation

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Every member reads the page; saving it is for those who work on the phase.
        if request.method not in ("GET", "HEAD"):
            self.permission_required = "phases.work_on_phase"
        else:
            self.permission_required = "phases.view_phases"
        return super().dispatch(request, *args, **kwargs)

    def load_objects(self) -> None:
        super().load_objects()
        self.preparation = Preparation.objects.filter(measure=self.measure).first() or Preparation(
            measure=self.measure
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        # A copy: a refused form must not change what the page says is saved.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.preparation)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not context["can_work"]:
            del context["form"]
        organization = self.organization
        knowledge = KnowledgeItem.objects.filter(organization=organization, measure=self.measure)
        decisions = preparation_decisions(self.measure)
        context.update(
            preparation=self.preparation,
            decision=decisions[0] if decisions else None,
            decision_versions=shown_versions(decisions),
            gaps=preparation_gaps(self.preparation),
            knowledge=knowledge_entries(knowledge, organization, self.measure),
            knowledge_create_url=knowledge_create_url(organization, self.measure),
            future_pictures=list(
                FuturePicture.objects.filter(measure=self.measure).order_by("horizon_year", "pk")
            ),
        )
        return context

    def form_valid(self, form: PreparationForm) -> HttpResponse:
        with transaction.atomic():
            row, _created = Preparation.objects.select_for_update().get_or_create(
                measure=self.measure
            )
            save_onto(form, row)
        messages.success(self.request, _("The preparation is saved."))
        return redirect(self.preparation_url())


class DecisionView(PlanningViewMixin, FormView):
    """The decision to go on to planning, or to stop: with who decided and when. Once
    recorded, it is corrected by a new version with a reason, never overwritten."""

    permission_required = "phases.record_decision"
    template_name = "phases/planning/decision.html"
    form_class = DecisionForm
    preparation: Preparation | None
    decisions: list[PreparationDecision]

    def load_objects(self) -> None:
        super().load_objects()
        self.preparation = Preparation.objects.filter(measure=self.measure).first()
        self.decisions = preparation_decisions(self.measure)

    def get_initial(self) -> dict[str, Any]:
        if self.decisions:
            latest = self.decisions[0]
            return {name: getattr(latest, name) for name in PREPARATION_DECISION_FIELDS}
        # Usually recorded by the one who decided, on the day.
        return {"decided_by": self.request.user, "decided_on": timezone.localdate()}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "organization": self.organization,
            "correcting": bool(self.decisions),
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            preparation=self.preparation,
            decision=self.decisions[0] if self.decisions else None,
            decision_versions=shown_versions(self.decisions),
            gaps=preparation_gaps(self.preparation),
            cancel_url=self.preparation_url(),
        )
        return context

    def form_valid(self, form: DecisionForm) -> HttpResponse:
        try:
            decision = preparation_decide(
                measure=self.measure,
                user=user_of(self.request),
                data=form.cleaned_data,
                reason=correction_reason(form),
            )
        except CorrectionRefused as refused:
            for text in refused.messages:
                form.add_error(None, text)
            return self.form_invalid(form)
        if decision.is_correction:
            messages.success(
                self.request, _("The decision is corrected; the earlier version is kept.")
            )
        else:
            messages.success(self.request, _("The decision is saved."))
        return redirect(f"{self.preparation_url()}#decision")


# --- phase II: the plan ---------------------------------------------------------------------


class PlanView(PlanningViewMixin, TemplateView):
    """The whole plan on one page; ``?print=1`` gives it without navigation or buttons."""

    permission_required = "phases.view_phases"

    def get_template_names(self) -> list[str]:
        if self.request.GET.get("print"):
            return ["phases/planning/plan_print.html"]
        return ["phases/planning/plan.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        plan = ImplementationPlan.objects.filter(measure=self.measure).first()
        activities = activities_of(plan)
        roles = list(RoleResponsibility.objects.filter(plan=plan)) if plan else []
        budget = list(BudgetLine.objects.filter(plan=plan).order_by("year", "pk")) if plan else []
        context.update(
            plan=plan,
            activities=activities,
            roles=roles,
            budget_years=budget_by_year(budget),
            budget_total=sum((line.amount for line in budget), Decimal(0)),
            parts=plan_parts(plan, len(activities), len(roles), len(budget)),
            decision=next(iter(preparation_decisions(self.measure)), None),
            cycle=EvaluationCycle.objects.filter(measure=self.measure).first(),
            today=timezone.localdate(),
            printing=bool(self.request.GET.get("print")),
        )
        return context


class PlanFormView(PlanningViewMixin, FormView):
    """A form of the plan, saved atomically; the plan row is made on the first save."""

    template_name = "phases/planning/form.html"
    title: str | Promise = ""
    success_message: str | Promise = ""
    anchor = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, cancel_url=self.get_success_url())
        return context

    def save(self, form: Any) -> None:
        row = form.save(commit=False)
        if row.plan_id is None:
            row.plan = plan_row(self.measure)
        row.save()

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            self.save(form)
        messages.success(self.request, str(self.success_message))
        return redirect(self.get_success_url())

    def get_success_url(self) -> str:
        return self.plan_url(self.anchor)


class PlanUpdateView(PlanFormView):
    form_class = PlanForm
    title = gettext_lazy("Edit the implementation plan")
    success_message = gettext_lazy("The implementation plan is saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        plan = ImplementationPlan.objects.filter(measure=self.measure).first()
        instance = plan or ImplementationPlan(measure=self.measure)
        return {**super().get_form_kwargs(), "instance": instance}

    def save(self, form: Any) -> None:
        row, _created = ImplementationPlan.objects.select_for_update().get_or_create(
            measure=self.measure
        )
        save_onto(form, row)


class PlanRowMixin(PlanningViewMixin):
    """Views of one row of the plan (an activity, a role, a budget line)."""

    model: type[PlannedActivity] | type[RoleResponsibility] | type[BudgetLine]
    anchor = ""
    row: Any = None

    def load_objects(self) -> None:
        super().load_objects()
        if "pk" in self.kwargs:
            # Only rows of this measure's plan: another measure's id gives 404.
            self.row = get_object_or_404(
                self.model.objects.all(), plan__measure=self.measure, pk=self.kwargs["pk"]
            )

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        return {**kwargs, "instance": self.row}


class RowDeleteView(PlanRowMixin, View):
    """POST only; the plan page's delete buttons name the row for screen readers."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.row.delete()
        messages.success(request, _("“%(name)s” is deleted.") % {"name": self.row})
        return redirect(self.plan_url(self.anchor))


class ActivityMixin(PlanRowMixin):
    model = PlannedActivity
    anchor = "activities"
    form_class: type[BaseForm] | None = ActivityForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "measure": self.measure}


class ActivityCreateView(ActivityMixin, PlanFormView):
    title = gettext_lazy("New activity")
    success_message = gettext_lazy("The activity is saved.")


class ActivityUpdateView(ActivityMixin, PlanFormView):
    title = gettext_lazy("Edit activity")
    success_message = gettext_lazy("The activity is saved.")


class ActivityDeleteView(ActivityMixin, RowDeleteView):
    pass


class RoleMixin(PlanRowMixin):
    model = RoleResponsibility
    anchor = "roles"
    form_class: type[BaseForm] | None = RoleForm


class RoleCreateView(RoleMixin, PlanFormView):
    title = gettext_lazy("New role")
    success_message = gettext_lazy("The role is saved.")


class RoleUpdateView(RoleMixin, PlanFormView):
    title = gettext_lazy("Edit role")
    success_message = gettext_lazy("The role is saved.")


class RoleDeleteView(RoleMixin, RowDeleteView):
    pass


class BudgetLineMixin(PlanRowMixin):
    model = BudgetLine
    anchor = "budget"
    form_class: type[BaseForm] | None = BudgetLineForm


class BudgetLineCreateView(BudgetLineMixin, PlanFormView):
    title = gettext_lazy("New budget line")
    success_message = gettext_lazy("The budget line is saved.")

    def get_initial(self) -> dict[str, Any]:
        return {**super().get_initial(), "year": timezone.localdate().year}


class BudgetLineUpdateView(BudgetLineMixin, PlanFormView):
    title = gettext_lazy("Edit budget line")
    success_message = gettext_lazy("The budget line is saved.")


class BudgetLineDeleteView(BudgetLineMixin, RowDeleteView):
    pass
