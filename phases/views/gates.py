"""Success factors, their assessment per measure, the gates between phases and the measure's
timeline of phase moves.

The measure's pages hang under the measure (``MeasureViewMixin``): factors are looked up in the
measure's organisation and assessments in the measure, so an id of another organisation gives
404. Members read (``phases.view_phases``); the measure's team works on the assessments
(``phases.work_on_phase``); coordinators and admins move phases (``phases.move_phase``);
admins keep the organisation's set of factors (``phases.manage_factors``).

``measure_section`` adds the phase, its factors and the timeline to the measure page.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from measures.models import Measure, Phase
from measures.sections import Section
from measures.uploads import file_response
from measures.views.base import MeasureViewMixin
from organizations.formtools import correction_reason
from organizations.records import CorrectionRefused
from organizations.views.base import OrganizationViewMixin, user_of
from phases.forms.gates import (
    BACK,
    FORWARD,
    FactorAssessmentForm,
    GateReviewRequestForm,
    PhaseMoveForm,
    PhaseRegistrationForm,
    SuccessFactorForm,
    TransitionCorrectionForm,
)
from phases.models import (
    FactorAssessment,
    PhaseTransition,
    SuccessFactor,
    TransitionCorrection,
)
from phases.readiness import Readiness, readiness
from phases.reviews import GateReviewRefused, gate_review_request, pending_gate_review
from phases.services import (
    GateFactor,
    PhaseMoveRefused,
    ensure_default_factors,
    factor_assessment_save,
    factor_create,
    factor_reword,
    gate_for,
    gate_refusals,
    measure_move_phase,
    measure_register_phase,
    phase_factors,
    transition_correct,
)
from phases.timeline import timeline, transition_versions

VIEW = "phases.view_phases"
WORK = "phases.work_on_phase"
MOVE = "phases.move_phase"
MANAGE = "phases.manage_factors"


def _phase_label(value: int) -> str:
    return str(Phase(value).label)


# --- the section on the measure page ---------------------------------------------------------


@dataclass
class PhaseSummary:
    factors: list[GateFactor]
    readiness: Readiness | None

    @property
    def met(self) -> int:
        return sum(1 for item in self.factors if item.is_met)

    @property
    def blocking(self) -> int:
        return sum(1 for item in self.factors if item.blocks)


def measure_section(request: HttpRequest, measure: Measure) -> Section | None:
    """The phase, the current phase's factors with their states, the way to the gate and the
    timeline of moves and formal records: a fixed number of queries, however many rows."""
    organization = request.organization  # type: ignore[attr-defined]
    if measure.organization_id != organization.pk:
        return None  # a page showing another organisation's measure
    measure.organization = organization
    user = request.user
    return Section(
        "phases/gates/section.html",
        {
            "measure": measure,
            "organization": organization,
            "summary": PhaseSummary(
                factors=phase_factors(measure, measure.phase),
                readiness=readiness(measure) if measure.phase == Phase.IMPLEMENT else None,
            ),
            "next_phase": _phase_label(measure.phase + 1) if measure.phase < Phase.CONTINUE else "",
            "timeline": timeline(measure),
            "can_assess": user.has_perm(WORK, measure),
            "can_move": user.has_perm(MOVE, measure),
            "can_register": (
                measure.phase == Phase.PREPARE
                and user.has_perm(MOVE, measure)
                and may_register(measure)
            ),
        },
    )


# --- the gate --------------------------------------------------------------------------------


class PhaseGateView(MeasureViewMixin, TemplateView):
    """The gate out of the current phase: its factors and their states, the readiness of the
    service when leaving phase III, why the gate is closed, and the forms to move forwards
    (overriding with a justification if need be) or back (with a reason).

    Every member may look; only coordinators and admins may post (``MOVE``)."""

    permission_required = VIEW
    template_name = "phases/gates/gate.html"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        measure = self.measure
        user = self.request.user
        gate = gate_for(measure, measure.phase + 1) if measure.phase < Phase.CONTINUE else None
        can_move = user.has_perm(MOVE, measure)
        if can_move:
            if gate is not None:
                context.setdefault(
                    "forward_form", PhaseMoveForm(measure=measure, direction=FORWARD)
                )
            if measure.phase > Phase.PREPARE:
                context.setdefault("back_form", PhaseMoveForm(measure=measure, direction=BACK))
        forward_form = context.get("forward_form")
        if forward_form is not None and gate is not None and gate.passes:
            forward_form.show_open_gate()
        can_assess = user.has_perm(WORK, measure)
        if gate is not None:
            # The pending request shows to everyone; the team may send one when none is.
            context["pending_review"] = pending_gate_review(measure)
            if can_assess and context["pending_review"] is None:
                context.setdefault("review_form", GateReviewRequestForm())
        context.update(
            gate=gate,
            factors=gate.factors if gate else phase_factors(measure, measure.phase),
            refusals=gate_refusals(gate) if gate else [],
            phase_label=_phase_label(measure.phase),
            next_phase_label=_phase_label(measure.phase + 1) if gate else "",
            can_move=can_move,
            can_assess=can_assess,
            can_manage_factors=user.has_perm(MANAGE, self.organization),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(MOVE, self.measure):
            raise PermissionDenied
        measure = self.measure
        from_phase = measure.phase
        direction = PhaseMoveForm.direction_of(request.POST, measure)
        form = PhaseMoveForm(request.POST, measure=measure, direction=direction)
        if form.is_valid():
            data = form.cleaned_data
            try:
                transition = measure_move_phase(
                    measure=measure,
                    to_phase=data["to_phase"],
                    user=user_of(request),
                    reason=data["reason"],
                    override=data["override"],
                )
            except PhaseMoveRefused as refused:
                for message in refused.messages:
                    form.add_error(None, message)
            else:
                text = _("%(measure)s moved from %(from)s to %(to)s.") % {
                    "measure": measure.name,
                    "from": _phase_label(from_phase),
                    "to": _phase_label(transition.to_phase),
                }
                if transition.overridden:
                    text += " " + _("The gate was overridden; the justification is kept.")
                messages.success(request, text)
                return redirect(f"{measure.get_absolute_url()}#phase")
        context_key = "back_form" if direction == BACK else "forward_form"
        return self.render_to_response(self.get_context_data(**{context_key: form}))


class GateReviewRequestView(PhaseGateView):
    """POST only: the measure's team asks the coordinators to review the gate (team leads
    may not pass it themselves). An invalid message shows the gate page with its error."""

    permission_required = WORK
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = GateReviewRequestForm(request.POST)
        gate_url = reverse("phase_gate", args=[self.organization.slug, self.measure.pk])
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(review_form=form))
        try:
            gate_review_request(
                measure=self.measure,
                user=user_of(request),
                message=form.cleaned_data["message"],
            )
        except GateReviewRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("The coordinators are asked to review the gate. They get a notification."),
            )
        return redirect(f"{gate_url}#gate-review")


class PhaseRegisterView(MeasureViewMixin, FormView):
    """A measure already under way when the organisation started using the product is
    registered in the phase it has reached: once, by a coordinator, with a justification that
    is kept with the move like any gate's."""

    permission_required = MOVE
    template_name = "phases/gates/register.html"
    form_class = PhaseRegistrationForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            can_register=may_register(self.measure),
            cancel_url=reverse("phase_gate", args=[self.organization.slug, self.measure.pk]),
        )
        return context

    def form_valid(self, form: PhaseRegistrationForm) -> HttpResponse:
        try:
            transition = measure_register_phase(
                measure=self.measure,
                to_phase=form.cleaned_data["to_phase"],
                user=user_of(self.request),
                reason=form.cleaned_data["reason"],
            )
        except PhaseMoveRefused as refused:
            for text in refused.messages:
                form.add_error(None, text)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(measure)s is registered in %(phase)s; the justification is kept with the move.")
            % {"measure": self.measure.name, "phase": _phase_label(transition.to_phase)},
        )
        return redirect(f"{self.measure.get_absolute_url()}#phase")


def may_register(measure: Measure) -> bool:
    """A measure in phase I that has never moved (one query)."""
    return (
        measure.phase == Phase.PREPARE
        and not PhaseTransition.objects.filter(measure=measure).exists()
    )


class TransitionCorrectView(MeasureViewMixin, FormView):
    """Corrects a phase move's justification: a new version with its reason; the move and the
    justification given at the time stay, and both show on the timeline."""

    permission_required = MOVE
    template_name = "phases/gates/transition_correct.html"
    form_class = TransitionCorrectionForm

    def load_objects(self) -> None:
        super().load_objects()
        self.transition = self.get_for_measure(
            PhaseTransition.objects.select_related("decided_by").prefetch_related(
                Prefetch(
                    "corrections",
                    queryset=TransitionCorrection.objects.select_related("recorded_by"),
                )
            ),
            pk=self.kwargs["pk"],
        )

    def get_initial(self) -> dict[str, Any]:
        return {"justification": self.transition.current_reason()}

    def get_success_url(self) -> str:
        return f"{self.measure.get_absolute_url()}#transition-{self.transition.pk}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        transition = self.transition
        context.update(
            transition=transition,
            versions=transition_versions(transition),
            cancel_url=self.get_success_url(),
        )
        return context

    def form_valid(self, form: TransitionCorrectionForm) -> HttpResponse:
        try:
            transition_correct(
                transition=self.transition,
                user=user_of(self.request),
                text=form.cleaned_data["justification"],
                reason=correction_reason(form),
            )
        except CorrectionRefused as refused:
            for text in refused.messages:
                form.add_error(None, text)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The justification is corrected; the earlier wording is kept.")
        )
        return redirect(self.get_success_url())


# --- assessing a factor ----------------------------------------------------------------------


class FactorMixin(MeasureViewMixin):
    """A factor of the measure's organisation, and the measure's assessment of it if any."""

    factor: SuccessFactor
    assessment: FactorAssessment | None

    def load_objects(self) -> None:
        super().load_objects()
        self.factor = self.get_factor()
        self.assessment = (
            FactorAssessment.objects.filter(measure=self.measure, factor=self.factor)
            .select_related("version", "assessed_by")
            .first()
        )

    def get_factor(self) -> SuccessFactor:
        return self.get_for_organization(
            SuccessFactor.objects.select_related("current_version"), pk=self.kwargs["factor_pk"]
        )


class FactorAssessView(FactorMixin, FormView):
    """The measure's team states where it stands on one factor, with its evidence. Saving
    records who, when, and the wording assessed against (the current one)."""

    permission_required = WORK
    template_name = "phases/gates/assess_form.html"
    form_class = FactorAssessmentForm

    def get_factor(self) -> SuccessFactor:
        # A retired factor is out of every gate: there is nothing to assess any more.
        return self.get_for_organization(
            SuccessFactor.objects.select_related("current_version"),
            pk=self.kwargs["factor_pk"],
            is_retired=False,
        )

    def load_objects(self) -> None:
        super().load_objects()
        # As saved, for the page: a bound form changes its instance while it validates.
        self.last_assessment = GateFactor(self.factor, copy.deepcopy(self.assessment))

    def get_form_kwargs(self) -> dict[str, Any]:
        instance = self.assessment or FactorAssessment(measure=self.measure, factor=self.factor)
        download_url = reverse(
            "factor_evidence", args=[self.organization.slug, self.measure.pk, self.factor.pk]
        )
        return {**super().get_form_kwargs(), "instance": instance, "download_url": download_url}

    def get_success_url(self) -> str:
        url = reverse("phase_gate", args=[self.organization.slug, self.measure.pk])
        return f"{url}#factor-{self.factor.pk}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            factor=self.factor,
            item=self.last_assessment,
            phase_label=_phase_label(self.factor.phase),
            cancel_url=self.get_success_url(),
        )
        return context

    def form_valid(self, form: FactorAssessmentForm) -> HttpResponse:
        if self.factor.current_version is None:
            raise Http404
        try:
            factor_assessment_save(form=form, factor=self.factor, user=user_of(self.request))
        except IntegrityError:
            # Someone else assessed the factor for the first time a moment ago.
            messages.error(
                self.request,
                _("Someone else assessed this factor just now. Look at their assessment first."),
            )
            return redirect(self.request.get_full_path())
        messages.success(
            self.request,
            _("The assessment of “%(factor)s” is saved.") % {"factor": self.factor},
        )
        return redirect(self.get_success_url())


class FactorEvidenceView(FactorMixin, View):
    """The evidence file, to the organisation's members: always through this view (uploads are
    never served from a public URL), as an attachment and never cached."""

    permission_required = VIEW
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        if self.assessment is None:
            raise Http404
        return file_response(self.assessment.evidence_file)


# --- the organisation's factors --------------------------------------------------------------


@dataclass
class PhaseFactors:
    phase: int
    label: str
    active: list[SuccessFactor]
    retired: list[SuccessFactor]


class FactorListView(OrganizationViewMixin, TemplateView):
    """The organisation's success factors per phase, retired ones apart. Two queries."""

    permission_required = VIEW
    template_name = "phases/gates/factor_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        ensure_default_factors(self.organization)
        groups = {value: PhaseFactors(value, str(label), [], []) for value, label in Phase.choices}
        for factor in SuccessFactor.objects.filter(organization=self.organization).select_related(
            "current_version"
        ):
            group = groups[factor.phase]
            (group.retired if factor.is_retired else group.active).append(factor)
        context["phases"] = list(groups.values())
        context["can_manage"] = self.request.user.has_perm(MANAGE, self.organization)
        return context


def _list_url(organization_slug: str, phase: int) -> str:
    return f"{reverse('factor_list', args=[organization_slug])}#phase-{phase}"


class FactorCreateView(OrganizationViewMixin, FormView):
    permission_required = MANAGE
    template_name = "phases/gates/factor_form.html"
    form_class = SuccessFactorForm

    def get_initial(self) -> dict[str, Any]:
        phase = self.request.GET.get("phase", "")
        return {"phase": int(phase)} if phase.isdigit() and int(phase) in Phase.values else {}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "organization": self.organization}

    def form_valid(self, form: SuccessFactorForm) -> HttpResponse:
        factor = factor_create(
            organization=self.organization,
            phase=form.cleaned_data["phase"],
            required=form.cleaned_data["required"],
            texts=form.texts(),
            user=user_of(self.request),
        )
        messages.success(
            self.request, _("The success factor “%(factor)s” is added.") % {"factor": factor}
        )
        return redirect(_list_url(self.organization.slug, factor.phase))


class FactorUpdateView(OrganizationViewMixin, FormView):
    """Rewording a factor makes a new version; assessments and transitions made against an
    earlier wording keep it."""

    permission_required = MANAGE
    template_name = "phases/gates/factor_form.html"
    form_class = SuccessFactorForm

    def load_objects(self) -> None:
        self.factor = self.get_for_organization(
            SuccessFactor.objects.select_related("current_version"), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "organization": self.organization,
            "factor": self.factor,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            factor=self.factor,
            phase_label=_phase_label(self.factor.phase),
            earlier_versions=[
                version
                for version in self.factor.versions.select_related("created_by").order_by("-number")
                if version.pk != self.factor.current_version_id
            ],
            cancel_url=_list_url(self.organization.slug, self.factor.phase),
        )
        return context

    def form_valid(self, form: SuccessFactorForm) -> HttpResponse:
        version = factor_reword(
            factor=self.factor,
            texts=form.texts(),
            required=form.cleaned_data["required"],
            user=user_of(self.request),
        )
        if version is not None:
            text = _(
                "The new wording is saved as version %(number)s. Assessments made against "
                "earlier wordings keep them."
            ) % {"number": version.number}
        else:
            text = _("The success factor is saved; its wording is unchanged.")
        messages.success(self.request, text)
        return redirect(_list_url(self.organization.slug, self.factor.phase))


class FactorRetireView(OrganizationViewMixin, View):
    """POST only: retires a factor (out of every gate from now on; old assessments and
    transitions keep it) or restores it."""

    permission_required = MANAGE
    http_method_names = ["post"]
    retire = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        factor = self.get_for_organization(
            SuccessFactor.objects.select_related("current_version"), pk=self.kwargs["pk"]
        )
        factor.is_retired = self.retire
        factor.save(update_fields=["is_retired", "updated_at"])
        if self.retire:
            text = _("“%(factor)s” is retired: it is no longer part of the gates.")
        else:
            text = _("“%(factor)s” is restored to the gates.")
        messages.success(request, text % {"factor": factor})
        return redirect(_list_url(self.organization.slug, factor.phase))
