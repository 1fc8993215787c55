"""The owner's side of measures that travel (docs/adoption.md): where a measure came from and
who took it into use, on the measure page, and publishing a measure as a template for the
partners of its programme. The adoption itself is phases' (phases/adoption.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from measures.models import Measure
from measures.sections import Section
from measures.views.base import MeasureViewMixin


def measure_section(request: HttpRequest, measure: Any) -> Section | None:
    """Origin and adopters: one query for the adopters of a measure that has any, else none."""
    organization = request.organization  # type: ignore[attr-defined]
    if measure.organization_id != organization.pk:
        return None
    # Only the organisation and the date: the adopter's measure is theirs, not ours to show.
    adoptions = (
        list(
            Measure.objects.filter(adopted_from=measure)
            .order_by("created_at", "pk")
            .values("organization__name", "created_at")
        )
        if measure.has_been_adopted
        else []
    )
    can_publish = request.user.has_perm("measures.publish_template", measure)
    if not (adoptions or measure.adopted_from_measure_name or can_publish or measure.is_template):
        return None
    return Section(
        "measures/adoption/measure_section.html",
        {
            "organization": organization,
            "measure": measure,
            "adoptions": adoptions,
            "can_publish": can_publish,
        },
    )


class MeasureTemplateView(MeasureViewMixin, View):
    """POST only: publishes the measure as a template for the programme's partners, or
    withdraws it (``publish`` = "1" or "0")."""

    permission_required = "measures.publish_template"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        measure = self.measure
        publish = request.POST.get("publish") == "1"
        if measure.is_template != publish:
            measure.is_template = publish
            measure.save(update_fields=["is_template", "updated_at"])
        if publish:
            messages.success(
                request, _("Published as a template for the partners of the programme.")
            )
        else:
            messages.success(request, _("No longer a template for partners."))
        return redirect(f"{measure.get_absolute_url()}#adoption")
