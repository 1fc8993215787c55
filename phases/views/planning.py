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
from organizations.inline import FOCUS_ERROR, answer, fragment, is_htmx
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


def shared_section(measure: Measure, owner: Any) -> Section | None:
    """The implementation plan as a partner sees it (measures/sections.py): how complete it
    is, the budget and every activity, with no links (three queries)."""
    plan = (
        ImplementationPlan.objects.filter(measure=measure)
        .annotate(
            role_count=_per_plan(RoleResponsibility, Count("pk")),
            budget_count=_per_plan(BudgetLine, Count("pk")),
            budget_total=_per_plan(BudgetLine, Sum("amount")),
        )
        .first()
    )
    if plan is None:
        return None
    activities = activities_of(plan)
    counts = (getattr(plan, "role_count", None) or 0, getattr(plan, "budget_count", None) or 0)
    parts = plan_parts(plan, len(activities), *counts)
    return Section(
        template="phases/planning/shared_section.html",
        context={
            "owner": owner,
            "plan": plan,
            "parts": parts,
            "parts_done": sum(part.done for part in parts),
            "budget_total": getattr(plan, "budget_total", None),
            "activities": activities,
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


PLAN_FRAGMENT = "phases/planning/plan_fragment.html"
# The plan's row kinds edited inline: the form, and the prefix of the rows' element ids.
ROW_KINDS: dict[str, tuple[type[BaseForm], str]] = {
    "activity": (ActivityForm, "activity"),
    "role": (RoleForm, "role"),
    "budget": (BudgetLineForm, "budget-line"),
}


def new_row_form(kind: str, measure: Measure) -> BaseForm:
    form_class, _prefix = ROW_KINDS[kind]
    if kind == "activity":
        return ActivityForm(measure=measure)
    if kind == "budget":
        return BudgetLineForm(initial={"year": timezone.localdate().year})
    return form_class()


def plan_context(
    request: HttpRequest,
    measure: Measure,
    *,
    printing: bool = False,
    bound: tuple[str, BaseForm] | None = None,
    editing: tuple[str, int, BaseForm] | None = None,
) -> dict[str, Any]:
    """The plan page's content, and for those who work on it the add form under each list and
    the row being edited in place (``bound``: an add form shown again with its errors). The
    same queries whatever the number of rows."""
    user = request.user
    plan = ImplementationPlan.objects.filter(measure=measure).first()
    activities = activities_of(plan)
    roles = list(RoleResponsibility.objects.filter(plan=plan)) if plan else []
    budget = list(BudgetLine.objects.filter(plan=plan).order_by("year", "pk")) if plan else []
    can_work = user.has_perm("phases.work_on_phase", measure)
    context: dict[str, Any] = {
        "organization": request.organization,  # type: ignore[attr-defined]
        "measure": measure,
        "can_work": can_work,
        "can_decide": user.has_perm("phases.record_decision", measure),
        "can_change_measure": user.has_perm("measures.change_measure", measure),
        "plan": plan,
        "activities": activities,
        "roles": roles,
        "budget_years": budget_by_year(budget),
        "budget_total": sum((line.amount for line in budget), Decimal(0)),
        "parts": plan_parts(plan, len(activities), len(roles), len(budget)),
        "decision": next(iter(preparation_decisions(measure)), None),
        "cycle": EvaluationCycle.objects.filter(measure=measure).first(),
        "today": timezone.localdate(),
        "printing": printing,
        "plan_url": reverse(
            "implementation_plan",
            args=[request.organization.slug, measure.pk],  # type: ignore[attr-defined]
        ),
    }
    if can_work and not printing:
        for kind in ROW_KINDS:
            form = bound[1] if bound and bound[0] == kind else new_row_form(kind, measure)
            # Every form on the page needs ids of its own; the names stay as the views expect.
            form.auto_id = f"id_new_{kind}_%s"
            context[f"new_{kind}_form"] = form
        if editing is not None:
            kind, pk, form = editing
            form.auto_id = f"id_edit_{kind}_{pk}_%s"
            context.update(editing_kind=kind, editing_pk=pk, edit_form=form)
    return context


class PlanView(PlanningViewMixin, TemplateView):
    """The whole plan on one page; ``?print=1`` gives it without navigation or buttons."""

    permission_required = "phases.view_phases"

    def get_template_names(self) -> list[str]:
        if self.request.GET.get("print"):
            return ["phases/planning/plan_print.html"]
        return ["phases/planning/plan.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        printing = bool(self.request.GET.get("print"))
        context.update(plan_context(self.request, self.measure, printing=printing))
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
        self.saved = row

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            self.save(form)
        messages.success(self.request, str(self.success_message))
        return self.answer(form)

    def answer(self, form: Any) -> HttpResponse:
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
    """Views of one row of the plan (an activity, a role, a budget line). For htmx they answer
    with the plan's content (the row saved, or its form with the errors); for an ordinary post
    with a redirect, as the pages of one row did before."""

    model: type[PlannedActivity] | type[RoleResponsibility] | type[BudgetLine]
    kind = ""
    anchor = ""
    row: Any = None
    saved: Any = None  # the row the form saved

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

    def plan_answer(self, focus: str) -> HttpResponse:
        request: HttpRequest = self.request
        return answer(
            request,
            self.plan_url(self.anchor),
            PLAN_FRAGMENT,
            lambda: plan_context(request, self.measure),
            focus=focus,
        )

    def answer(self, form: Any) -> HttpResponse:
        return self.plan_answer(f"{ROW_KINDS[self.kind][1]}-{self.saved.pk}")

    def refused(self, form: Any) -> HttpResponse:
        request: HttpRequest = self.request
        if self.row is None:
            context = plan_context(request, self.measure, bound=(self.kind, form))
        else:
            context = plan_context(request, self.measure, editing=(self.kind, self.row.pk, form))
        return fragment(request, PLAN_FRAGMENT, context, focus=FOCUS_ERROR)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_htmx(request) and self.row is not None:
            # "Edit" turns the row into its form, in its place in the list.
            form = self.get_form()  # type: ignore[attr-defined]
            context = plan_context(request, self.measure, editing=(self.kind, self.row.pk, form))
            first = next(iter(form.fields))
            return fragment(
                request, PLAN_FRAGMENT, context, focus=f"id_edit_{self.kind}_{self.row.pk}_{first}"
            )
        return super().get(request, *args, **kwargs)  # type: ignore[misc]

    def form_invalid(self, form: Any) -> HttpResponse:
        if is_htmx(self.request):
            return self.refused(form)
        return super().form_invalid(form)  # type: ignore[misc]


class RowDeleteView(PlanRowMixin, View):
    """POST only; the plan page's delete buttons name the row for screen readers."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.row.delete()
        messages.success(request, _("“%(name)s” is deleted.") % {"name": self.row})
        return self.plan_answer(f"{self.anchor}-heading")


class ActivityMixin(PlanRowMixin):
    model = PlannedActivity
    kind = "activity"
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
    kind = "role"
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
    kind = "budget"
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
