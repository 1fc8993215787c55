"""Phase III, the roundabout: the laps (develop → pilot → evaluate), their attachments, the
register of the service's components and how ready the service is.

Every URL hangs under a measure (``MeasureViewMixin``): laps, attachments and components are
looked up inside that measure, so an id of another measure or organisation gives 404. Members
read (``phases.view_phases``); planners and the measure's team lead write
(``phases.work_on_phase``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Prefetch
from django.forms import BaseModelForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from measures.models import Measure, Phase
from measures.sections import Section
from measures.uploads import file_response, save_with_upload
from measures.views.base import MeasureViewMixin
from organizations.formtools import correction_reason
from organizations.models import Unit
from organizations.records import CorrectionRefused, ShownVersion, shown_versions
from organizations.views.base import user_of
from phases.forms.roundabout import (
    IterationAttachmentForm,
    LapDecisionCorrectionForm,
    PilotIterationForm,
    ServiceComponentForm,
)
from phases.models import (
    IterationAttachment,
    LapDecisionCorrection,
    PilotIteration,
    ServiceComponent,
)
from phases.readiness import readiness
from phases.services import lap_decision_correct

VIEW = "phases.view_phases"
WORK = "phases.work_on_phase"


# --- shared by the pages of phases III and IV -------------------------------------------------


class PhaseFormView(MeasureViewMixin, FormView):
    """A model form for one object of the measure (``get_instance``), saved atomically."""

    permission_required = WORK
    template_name = "phases/roundabout/form.html"
    title: str | Promise = ""
    intro: str | Promise = ""
    success_message: str | Promise = ""
    parent_label: str | Promise = gettext_lazy("Roundabout")
    parent_url_name = "roundabout"
    form_takes_measure = True

    def get_instance(self) -> models.Model | None:
        return None

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        kwargs["instance"] = self.get_instance()
        if self.form_takes_measure:
            kwargs["measure"] = self.measure
        return kwargs

    def parent_url(self) -> str:
        return reverse(self.parent_url_name, args=[self.organization.slug, self.measure.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            intro=self.intro,
            parent_label=self.parent_label,
            parent_url=self.parent_url(),
            cancel_url=self.get_success_url(),
        )
        return context

    def save(self, form: Any) -> Any:
        return form.save()

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            self.object = self.save(form)
        messages.success(self.request, str(self.success_message))
        return redirect(self.get_success_url())

    def get_success_url(self) -> str:
        return self.parent_url()


# --- what the pages show ------------------------------------------------------------------


@dataclass
class ComponentGroup:
    kind: str
    label: str
    components: list[ServiceComponent]


def laps_of(measure: Measure) -> list[PilotIteration]:
    """The laps with who logged them, their units, attachments, corrections of their decision
    and the number of components piloted in each: four queries."""
    return list(
        PilotIteration.objects.filter(measure=measure)
        .select_related("logged_by")
        .annotate(component_count=Count("piloted_components"))
        .prefetch_related(
            Prefetch("piloted_where", queryset=Unit.objects.order_by("name")),
            Prefetch("attachments", queryset=IterationAttachment.objects.order_by("pk")),
            "decision_corrections",
        )
        .order_by("number")
    )


def component_groups(measure: Measure) -> list[ComponentGroup]:
    """The register grouped by kind, in the kinds' order: one query."""
    groups = {
        kind: ComponentGroup(kind, str(label), []) for kind, label in ServiceComponent.Kind.choices
    }
    for component in (
        ServiceComponent.objects.filter(measure=measure)
        .select_related("described_by", "piloted_in")
        .order_by("name", "pk")
    ):
        groups[component.kind].components.append(component)
    return list(groups.values())


def measure_section(request: HttpRequest, measure: Measure) -> Section | None:
    """Phase III on the measure page: the latest lap with its decision as it stands and the
    readiness (three queries); shown from phase III on."""
    if measure.phase < Phase.IMPLEMENT:
        return None
    laps = (
        PilotIteration.objects.filter(measure=measure)
        .prefetch_related("decision_corrections")
        .order_by("-number")
    )
    return Section(
        "phases/roundabout/section.html",
        {
            "measure": measure,
            "latest_lap": laps.first(),
            "readiness": readiness(measure),
            "can_work": request.user.has_perm(WORK, measure),
        },
    )


class RoundaboutView(MeasureViewMixin, TemplateView):
    """The laps, the component register and the readiness, in a fixed number of queries."""

    permission_required = VIEW
    template_name = "phases/roundabout/overview.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            laps=laps_of(self.measure),
            groups=component_groups(self.measure),
            readiness=readiness(self.measure),
            can_work=self.request.user.has_perm(WORK, self.measure),
        )
        return context


# --- laps ----------------------------------------------------------------------------------


class IterationFormView(PhaseFormView):
    form_class = PilotIterationForm
    template_name = "phases/roundabout/iteration_form.html"
    success_message = gettext_lazy("The lap is saved.")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The measure's row is locked while the laps are checked and saved, so two people
        # logging a lap at once cannot both take the same number or overlapping periods.
        with transaction.atomic():
            Measure.objects.select_for_update().filter(pk=self.measure.pk).first()
            response: HttpResponse = super().post(request, *args, **kwargs)
        return response

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            with transaction.atomic():
                self.object = self.save(form)
        except IntegrityError:
            form.add_error("number", _("Another lap with this number was saved just now."))
            return self.form_invalid(form)
        messages.success(self.request, str(self.success_message))
        return redirect(self.get_success_url())

    def get_success_url(self) -> str:
        lap = getattr(self, "object", None) or self.get_instance()
        if lap is None:
            return self.parent_url()
        return reverse("iteration_detail", args=[self.organization.slug, self.measure.pk, lap.pk])


class IterationCreateView(IterationFormView):
    title = gettext_lazy("Log a lap")

    def save(self, form: Any) -> PilotIteration:
        lap: PilotIteration = form.save(commit=False)
        lap.logged_by = user_of(self.request)
        lap.save()
        form.save_m2m()
        return lap


class IterationMixin(MeasureViewMixin):
    iteration: PilotIteration

    def load_objects(self) -> None:
        super().load_objects()
        self.iteration = self.get_for_measure(
            PilotIteration.objects.select_related("logged_by"), pk=self.kwargs["pk"]
        )
        self.iteration.measure = self.measure  # spares a query (the upload path needs it)


class IterationUpdateView(IterationMixin, IterationFormView):
    def get_instance(self) -> PilotIteration:
        return self.iteration

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit lap %(number)s") % {"number": self.iteration.number}


class IterationDetailView(IterationMixin, TemplateView):
    permission_required = VIEW
    template_name = "phases/roundabout/iteration_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        lap = self.iteration
        context.update(
            lap=lap,
            units=list(lap.piloted_where.order_by("name")),
            attachments=list(lap.attachments.order_by("pk")),
            components=list(lap.piloted_components.order_by("kind", "name", "pk")),
            decision_versions=lap_decision_versions(lap),
            can_work=self.request.user.has_perm(WORK, self.measure),
        )
        return context


class LapDecisionCorrectView(IterationMixin, FormView):
    """Corrects a lap's recorded decision for the next lap: a new version with its reason; the
    decision as first recorded stays and shows on the lap's page."""

    permission_required = WORK
    template_name = "phases/roundabout/decision_correct.html"
    form_class = LapDecisionCorrectionForm

    def load_objects(self) -> None:
        super().load_objects()
        if not self.iteration.decision_next:
            # Nothing recorded to correct: the decision is written on the lap's form.
            raise Http404

    def get_initial(self) -> dict[str, Any]:
        return {"decision_next": self.iteration.current_decision_next()}

    def get_success_url(self) -> str:
        url = reverse(
            "iteration_detail", args=[self.organization.slug, self.measure.pk, self.iteration.pk]
        )
        return f"{url}#decision"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            lap=self.iteration,
            versions=lap_decision_versions(self.iteration),
            cancel_url=self.get_success_url(),
        )
        return context

    def form_valid(self, form: LapDecisionCorrectionForm) -> HttpResponse:
        try:
            lap_decision_correct(
                iteration=self.iteration,
                user=user_of(self.request),
                text=form.cleaned_data["decision_next"],
                reason=correction_reason(form),
            )
        except CorrectionRefused as refused:
            for text in refused.messages:
                form.add_error(None, text)
            return self.form_invalid(form)
        messages.success(self.request, _("The decision is corrected; the earlier wording is kept."))
        return redirect(self.get_success_url())


def lap_decision_versions(lap: PilotIteration) -> list[ShownVersion]:
    """The lap's decision for the next lap, newest version first (two queries)."""
    corrections = LapDecisionCorrection.objects.filter(iteration=lap).select_related("recorded_by")
    first = ShownVersion(1, lap.created_at, lap.logged_by, "", lap)
    return [*shown_versions(corrections), first] if lap.decision_next else []


class IterationAttachmentCreateView(IterationMixin, PhaseFormView):
    form_class = IterationAttachmentForm
    form_takes_measure = False
    success_message = gettext_lazy("The attachment is saved.")

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Attach a file to lap %(number)s") % {"number": self.iteration.number}

    def get_instance(self) -> IterationAttachment:
        return IterationAttachment(iteration=self.iteration)

    def save(self, form: BaseModelForm) -> Any:
        return save_with_upload(form, "file", "iterations")

    def get_success_url(self) -> str:
        return reverse(
            "iteration_detail",
            args=[self.organization.slug, self.measure.pk, self.iteration.pk],
        )


class IterationAttachmentFileView(IterationMixin, View):
    permission_required = VIEW
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        attachment = self.iteration.attachments.filter(pk=self.kwargs["attachment_pk"]).first()
        if attachment is None:
            raise Http404
        return file_response(attachment.file)


# --- the component register ------------------------------------------------------------------


class ComponentFormView(PhaseFormView):
    form_class = ServiceComponentForm
    template_name = "phases/roundabout/component_form.html"
    success_message = gettext_lazy("The component is saved.")

    def save(self, form: BaseModelForm) -> Any:
        return save_with_upload(form, "description_file", "components")

    def get_success_url(self) -> str:
        return f"{self.parent_url()}#components"


class ComponentCreateView(ComponentFormView):
    title = gettext_lazy("New service component")


class ComponentMixin(MeasureViewMixin):
    component: ServiceComponent

    def load_objects(self) -> None:
        super().load_objects()
        self.component = self.get_for_measure(ServiceComponent.objects.all(), pk=self.kwargs["pk"])


class ComponentUpdateView(ComponentMixin, ComponentFormView):
    def get_instance(self) -> ServiceComponent:
        return self.component

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Edit “%(name)s”") % {"name": self.component.name}


class ComponentFileView(ComponentMixin, View):
    permission_required = VIEW
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        return file_response(self.component.description_file)
