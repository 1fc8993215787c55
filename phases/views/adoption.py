"""Taking a partner's measure into use: the confirmation page and the adoption itself.

Mounted under the adopting organisation (``/o/<adopter>/shared/measures/<pk>/adopt/``). The
measure is looked up among those shared with the adopter (``measures_adoptable_by``), so any
other id is 404 for everyone; inside the adopter, coordinators and admins adopt
(``phases.adopt_measure``), the other roles get 403.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from measures.models import Measure, Program
from measures.views.partners import measures_adoptable_by
from organizations.models import Organization
from organizations.views.base import OrganizationViewMixin, user_of
from phases.adoption import adoption_summary, measure_adopt


class AdoptForm(forms.Form):
    program = forms.ModelChoiceField(
        label=gettext_lazy("Your programme for the new measure"),
        queryset=Program.objects.none(),
        empty_label=None,
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the adopter's own programmes: a crafted id of another organisation is invalid.
        field: forms.ModelChoiceField = self.fields["program"]  # type: ignore[assignment]
        field.queryset = Program.objects.filter(
            organization=organization, is_archived=False
        ).order_by("name")


class MeasureAdoptView(OrganizationViewMixin, FormView):
    permission_required = "phases.adopt_measure"
    template_name = "phases/adoption/confirm.html"
    form_class = AdoptForm
    source: Measure

    def load_objects(self) -> None:
        self.source = get_object_or_404(
            measures_adoptable_by(self.organization).select_related("organization", "program"),
            pk=self.kwargs["measure_pk"],
        )

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["organization"] = self.organization
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            source=self.source,
            owner=self.source.organization,
            summary=adoption_summary(self.source),
            has_programs=context["form"].fields["program"].queryset.exists(),
        )
        return context

    def form_valid(self, form: AdoptForm) -> HttpResponse:
        copy = measure_adopt(
            source=self.source, program=form.cleaned_data["program"], user=user_of(self.request)
        )
        messages.success(
            self.request,
            _("%(measure)s is taken into use in phase I. Make it your own.")
            % {"measure": copy.name},
        )
        return redirect(copy.get_absolute_url())
