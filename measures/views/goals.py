"""Goals, indicators, measurements, judgements of goal attainment and future pictures.

Every URL hangs under a measure (``MeasureViewMixin``): objects are looked up inside that
measure, so an id from another measure or organisation gives 404. Planners and the measure's
team lead change things (``measures.change_measure``) and enter measurements
(``measures.enter_measurements``); every member reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from measures.attainment import IndicatorSummary, summarise
from measures.forms.goals import (
    FuturePictureForm,
    GoalForm,
    IndicatorForm,
    JudgementForm,
    MeasurementForm,
)
from measures.models import (
    FuturePicture,
    Goal,
    GoalJudgement,
    Indicator,
    LogicElement,
    Measure,
    Measurement,
)
from measures.sections import Section
from measures.services import goal_judge
from measures.views.base import MeasureViewMixin
from organizations.formtools import correction_reason
from organizations.records import CorrectionRefused, ShownVersion, shown_versions
from organizations.views.base import user_of

# --- what the pages show ------------------------------------------------------------------


@dataclass
class GoalSummary:
    goal: Goal
    indicators: list[IndicatorSummary]
    # Every version of the goal's judgement, newest first; the first is the judgement.
    judgements: list[ShownVersion] = field(default_factory=list)

    @property
    def judgement(self) -> GoalJudgement | None:
        return self.judgements[0].record if self.judgements else None


def goals_with_indicators(goals: QuerySet[Goal]) -> list[GoalSummary]:
    """Goals with their judgements, logic elements, indicators and measurements in five
    queries."""
    measurements = Measurement.objects.order_by("date", "pk")
    indicators = Indicator.objects.order_by("pk").prefetch_related(
        Prefetch("measurements", queryset=measurements)
    )
    goals = goals.prefetch_related(
        Prefetch("judgements", queryset=GoalJudgement.objects.select_related("recorded_by")),
        Prefetch("logic_elements", queryset=LogicElement.objects.order_by("column", "position")),
        Prefetch("indicators", queryset=indicators),
    )
    return [
        GoalSummary(
            goal=goal,
            indicators=[
                summarise(indicator, list(indicator.measurements.all()))
                for indicator in goal.indicators.all()
            ],
            judgements=shown_versions(goal.judgements.all()),
        )
        for goal in goals
    ]


def measure_section(request: HttpRequest, measure: Measure) -> Section | None:
    """Goals, indicators and future pictures on the measure page, in six queries."""
    goals = goals_with_indicators(Goal.objects.filter(measure=measure))
    pictures = FuturePicture.objects.filter(measure=measure).prefetch_related(
        Prefetch("goals", queryset=Goal.objects.order_by("position", "pk").only("pk", "title"))
    )
    user = request.user
    return Section(
        template="measures/goals/section.html",
        context={
            "measure": measure,
            "org_slug": request.organization.slug,  # type: ignore[attr-defined]
            "goals": goals,
            "future_pictures": list(pictures.order_by("horizon_year", "pk")),
            "can_change": user.has_perm("measures.change_measure", measure),
            "can_enter": user.has_perm("measures.enter_measurements", measure),
        },
    )


# --- shared by the views -------------------------------------------------------------------


class GoalsViewMixin(MeasureViewMixin):
    permission_required = "measures.change_measure"

    def measure_url(self, anchor: str = "goals") -> str:
        url = reverse("measure_detail", args=[self.organization.slug, self.measure.pk])
        return f"{url}#{anchor}"

    def indicator_url(self, indicator: Indicator) -> str:
        return reverse(
            "indicator_detail", args=[self.organization.slug, self.measure.pk, indicator.pk]
        )


class MeasureFormView(GoalsViewMixin, FormView):
    """A model form for one object of the measure, saved atomically (nothing half-saved)."""

    template_name = "measures/goals/form.html"
    title: str | Promise = ""
    success_message: str | Promise = ""
    object: models.Model | None = None

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        return {**kwargs, "instance": self.object, "measure": self.measure}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, cancel_url=self.get_success_url())
        return context

    def save(self, form: Any) -> None:
        self.object = form.save()

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            self.save(form)
        messages.success(self.request, str(self.success_message))
        return redirect(self.get_success_url())

    def get_success_url(self) -> str:
        return self.measure_url()


class ConfirmDeleteView(GoalsViewMixin, TemplateView):
    """GET asks for confirmation (saying what goes with it); POST deletes."""

    template_name = "measures/goals/confirm_delete.html"
    object: Any

    def consequences(self) -> str:
        return ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            consequences=self.consequences(),
            cancel_url=self.get_success_url(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object.delete()
        messages.success(request, _("“%(name)s” is deleted.") % {"name": self.object})
        return redirect(self.get_success_url())

    def get_success_url(self) -> str:
        return self.measure_url()


# --- goals ---------------------------------------------------------------------------------


class GoalCreateView(MeasureFormView):
    form_class = GoalForm
    title = gettext_lazy("New goal")
    success_message = gettext_lazy("The goal is saved.")

    def save(self, form: Any) -> None:
        # New goals go last; Move up and Move down change the order.
        last = Goal.objects.filter(measure=self.measure).aggregate(last=Max("position"))["last"]
        form.instance.position = 0 if last is None else last + 1
        self.object = form.save()


class GoalMixin(GoalsViewMixin):
    goal: Goal

    def load_objects(self) -> None:
        super().load_objects()
        self.goal = self.get_for_measure(Goal.objects.all(), pk=self.kwargs["pk"])


class GoalUpdateView(GoalMixin, MeasureFormView):
    form_class = GoalForm
    title = gettext_lazy("Edit goal")
    success_message = gettext_lazy("The goal is saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.goal}


class GoalJudgeView(GoalMixin, FormView):
    """The written judgement of a goal, next to what its indicators show. Once recorded, it is
    corrected by a new version with a reason, never overwritten."""

    form_class = JudgementForm
    template_name = "measures/goals/goal_judge.html"

    def load_objects(self) -> None:
        super().load_objects()
        [self.summary] = goals_with_indicators(Goal.objects.filter(pk=self.goal.pk))

    def get_initial(self) -> dict[str, Any]:
        latest = self.summary.judgement
        if latest is None:
            return {}
        return {"judgement": latest.judgement, "narrative": latest.narrative}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "correcting": self.summary.judgement is not None}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            goal=self.goal,
            summary=self.summary,
            org_slug=self.organization.slug,
            cancel_url=self.measure_url(),
        )
        return context

    def form_valid(self, form: JudgementForm) -> HttpResponse:
        try:
            judgement = goal_judge(
                goal=self.goal,
                user=user_of(self.request),
                judgement=form.cleaned_data["judgement"],
                narrative=form.cleaned_data["narrative"],
                reason=correction_reason(form),
            )
        except CorrectionRefused as refused:
            for text in refused.messages:
                form.add_error(None, text)
            return self.form_invalid(form)
        if judgement.is_correction:
            text = _("The judgement is corrected; the earlier version is kept.")
        else:
            text = _("The judgement is saved.")
        messages.success(self.request, text)
        return redirect(self.measure_url())


class GoalMoveView(GoalMixin, View):
    """POST ``direction=up`` or ``down``: swaps the goal with its neighbour."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
        if step:
            with transaction.atomic():
                goals = list(
                    Goal.objects.select_for_update()
                    .filter(measure=self.measure)
                    .order_by("position", "pk")
                )
                index = next(i for i, goal in enumerate(goals) if goal.pk == self.goal.pk)
                other = index + step
                if 0 <= other < len(goals):
                    goals[index], goals[other] = goals[other], goals[index]
                    # Renumbered from 0, so goals created with equal positions get distinct ones.
                    for position, goal in enumerate(goals):
                        if goal.position != position:
                            goal.position = position
                            goal.save(update_fields=["position", "updated_at"])
        return redirect(self.measure_url(f"goal-{self.goal.pk}"))


class GoalDeleteView(GoalMixin, ConfirmDeleteView):
    def load_objects(self) -> None:
        super().load_objects()
        self.object = self.goal

    def consequences(self) -> str:
        indicators = self.goal.indicators.count()
        if not indicators:
            return ""
        return ngettext(
            "Its indicator and all its measurements are deleted with it.",
            "Its %(count)s indicators and all their measurements are deleted with it.",
            indicators,
        ) % {"count": indicators}


# --- indicators ------------------------------------------------------------------------------


class IndicatorCreateView(MeasureFormView):
    form_class = IndicatorForm
    title = gettext_lazy("New indicator")
    success_message = gettext_lazy("The indicator is saved.")

    def load_objects(self) -> None:
        super().load_objects()
        self.goal = self.get_for_measure(Goal.objects.all(), pk=self.kwargs["goal_pk"])

    def get_initial(self) -> dict[str, Any]:
        return {**super().get_initial(), "goal": self.goal}

    def get_success_url(self) -> str:
        if self.object is not None:
            assert isinstance(self.object, Indicator)  # noqa: S101 - set by save()
            return self.indicator_url(self.object)
        return self.measure_url(f"goal-{self.goal.pk}")


class IndicatorMixin(GoalsViewMixin):
    indicator: Indicator
    indicator_kwarg = "pk"

    def load_objects(self) -> None:
        super().load_objects()
        self.indicator = self.get_for_measure(
            Indicator.objects.select_related("goal"), pk=self.kwargs[self.indicator_kwarg]
        )


class IndicatorUpdateView(IndicatorMixin, MeasureFormView):
    form_class = IndicatorForm
    title = gettext_lazy("Edit indicator")
    success_message = gettext_lazy("The indicator is saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.indicator}

    def get_success_url(self) -> str:
        return self.indicator_url(self.indicator)


class IndicatorDeleteView(IndicatorMixin, ConfirmDeleteView):
    def load_objects(self) -> None:
        super().load_objects()
        self.object = self.indicator

    def consequences(self) -> str:
        count = self.indicator.measurements.count()
        if not count:
            return ""
        return ngettext(
            "Its measurement is deleted with it.",
            "Its %(count)s measurements are deleted with it.",
            count,
        ) % {"count": count}


def measurements_of(indicator: Indicator) -> list[Measurement]:
    return list(
        Measurement.objects.filter(indicator=indicator)
        .select_related("entered_by")
        .order_by("date", "pk")
    )


class IndicatorDetailView(IndicatorMixin, TemplateView):
    """The indicator with every measurement: attainment, trend, a chart and its data table."""

    permission_required = "measures.view_measures"
    template_name = "measures/goals/indicator_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        summary = summarise(self.indicator, measurements_of(self.indicator))
        user = self.request.user
        can_enter = user.has_perm("measures.enter_measurements", self.measure)
        context.update(
            indicator=self.indicator,
            summary=summary,
            chart=summary.chart(),
            can_change=user.has_perm("measures.change_measure", self.measure),
            can_enter=can_enter,
            form=MeasurementForm(indicator=self.indicator) if can_enter else None,
        )
        return context


# --- measurements ----------------------------------------------------------------------------


class MeasurementFormView(IndicatorMixin, MeasureFormView):
    permission_required = "measures.enter_measurements"
    form_class = MeasurementForm
    template_name = "measures/goals/measurement_form.html"
    indicator_kwarg = "indicator_pk"
    success_message = gettext_lazy("The measurement is saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        del kwargs["measure"]
        return {**kwargs, "indicator": self.indicator}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            indicator=self.indicator,
            summary=summarise(self.indicator, measurements_of(self.indicator)),
        )
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            # A savepoint, so the form can be shown again inside a surrounding transaction
            # (a POST with a one-time form token runs in one: formonce).
            with transaction.atomic():
                return super().form_valid(form)
        except IntegrityError:
            # Someone saved a measurement on the same date between our check and our save.
            form.add_error("date", _("There is already a measurement on this date."))
            return self.form_invalid(form)

    def get_success_url(self) -> str:
        return f"{self.indicator_url(self.indicator)}#measurements"


class MeasurementCreateView(MeasurementFormView):
    title = gettext_lazy("New measurement")

    def save(self, form: Any) -> None:
        form.instance.entered_by = self.request.user
        self.object = form.save()


class MeasurementMixin(IndicatorMixin):
    indicator_kwarg = "indicator_pk"
    measurement: Measurement

    def load_objects(self) -> None:
        super().load_objects()
        self.measurement = self.get_for_indicator(pk=self.kwargs["pk"])

    def get_for_indicator(self, **lookup: Any) -> Measurement:
        """A measurement of this indicator or 404 (never one of another indicator)."""
        return get_object_or_404(Measurement, indicator=self.indicator, **lookup)


class MeasurementUpdateView(MeasurementMixin, MeasurementFormView):
    title = gettext_lazy("Change measurement")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.measurement}


class MeasurementDeleteView(MeasurementMixin, View):
    permission_required = "measures.enter_measurements"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.measurement.delete()
        messages.success(request, _("The measurement is deleted."))
        return redirect(f"{self.indicator_url(self.indicator)}#measurements")


# --- future pictures -------------------------------------------------------------------------


class FuturePictureCreateView(MeasureFormView):
    form_class = FuturePictureForm
    title = gettext_lazy("New future picture")
    success_message = gettext_lazy("The future picture is saved.")

    def get_success_url(self) -> str:
        return self.measure_url("future-pictures")


class FuturePictureMixin(GoalsViewMixin):
    picture: FuturePicture

    def load_objects(self) -> None:
        super().load_objects()
        self.picture = self.get_for_measure(FuturePicture.objects.all(), pk=self.kwargs["pk"])

    def get_success_url(self) -> str:
        return self.measure_url("future-pictures")


class FuturePictureUpdateView(FuturePictureMixin, MeasureFormView):
    form_class = FuturePictureForm
    title = gettext_lazy("Edit future picture")
    success_message = gettext_lazy("The future picture is saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.picture}


class FuturePictureDeleteView(FuturePictureMixin, ConfirmDeleteView):
    def load_objects(self) -> None:
        super().load_objects()
        self.object = self.picture
