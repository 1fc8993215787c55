"""Transitions between services: the hand-overs a measure improves, named on a small form
page and listed in a section of the measure page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from measures.forms.transitions import ServiceTransitionForm
from measures.models import ServiceTransition
from measures.sections import Section
from measures.transitions import unit_label
from measures.views.base import MeasureViewMixin


def transitions_url(measure: Any) -> str:
    return f"{measure.get_absolute_url()}#transitions"


class TransitionAddView(MeasureViewMixin, FormView):
    permission_required = "measures.change_measure"
    template_name = "measures/transitions/form.html"
    form_class = ServiceTransitionForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "measure": self.measure}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = transitions_url(self.measure)
        return context

    def form_valid(self, form: ServiceTransitionForm) -> HttpResponse:
        form.instance.measure = self.measure
        form.save()
        messages.success(self.request, _("The transition is added."))
        return redirect(transitions_url(self.measure))


class TransitionRemoveView(MeasureViewMixin, View):
    permission_required = "measures.change_measure"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        transition = self.get_for_measure(ServiceTransition.objects.all(), pk=kwargs["pk"])
        transition.delete()
        messages.success(request, _("The transition is removed."))
        return redirect(transitions_url(self.measure))


def measure_section(request: HttpRequest, measure: Any) -> Section | None:
    """The hand-overs the measure improves: one query."""
    organization = request.organization  # type: ignore[attr-defined]
    if measure.organization_id != organization.pk:
        return None  # a page showing another organisation's measure: its links would not work
    transitions = [
        {
            "pk": transition.pk,
            "from": unit_label(transition.from_unit, organization.pk),
            "to": unit_label(transition.to_unit, organization.pk),
            "note": transition.note,
        }
        for transition in ServiceTransition.objects.filter(measure=measure).select_related(
            "from_unit__organization", "to_unit__organization"
        )
    ]
    return Section(
        "measures/transitions/section.html",
        {
            "organization": organization,
            "measure": measure,
            "transitions": transitions,
            "can_change": request.user.has_perm("measures.change_measure", measure),
            "add_url": reverse("measure_transition_add", args=[organization.slug, measure.pk]),
        },
    )
