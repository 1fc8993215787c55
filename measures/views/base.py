"""Shared by every view of one measure: the measure is loaded once, inside the organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from measures.models import Measure
from organizations.views.base import OrganizationViewMixin


def measures_of(organization: Any) -> QuerySet[Measure]:
    return Measure.objects.filter(organization=organization)


class MeasureViewMixin(OrganizationViewMixin):
    """For URLs under ``/o/<org_slug>/measures/<measure_pk>/``.

    ``self.measure`` is the measure (404 when it belongs to another organisation), and
    permissions are checked against it, so a team lead's rights on the measures they lead apply.
    """

    measure: Measure

    def get_measure_queryset(self) -> QuerySet[Measure]:
        return Measure.objects.select_related("program", "team_lead", "responsible_unit")

    def load_objects(self) -> None:
        self.measure = self.get_for_organization(
            self.get_measure_queryset(), pk=self.kwargs["measure_pk"]
        )
        # Found inside this organisation: saying so spares the permission check a query.
        self.measure.organization = self.organization

    def get_permission_object(self) -> Any:
        return self.measure

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["measure"] = self.measure
        return context

    def get_for_measure(self, queryset: QuerySet[Any], **lookup: Any) -> Any:
        """An object of this measure or 404 (never one of another measure or organisation)."""
        from django.shortcuts import get_object_or_404

        return get_object_or_404(queryset, measure=self.measure, **lookup)
