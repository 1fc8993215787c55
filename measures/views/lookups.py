"""The lookups behind the search-and-choose fields (measures/lookups.py): JSON with at most
``MOST_RESULTS`` matches, from this organisation only, for members who may see the list the
field filters."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.views import View

from measures.forms import choices
from measures.lookups import MOST_RESULTS, matching
from measures.models import Measure
from organizations.views.base import OrganizationViewMixin


class LookupView(OrganizationViewMixin, View):
    permission_required = "measures.view_measures"
    http_method_names = ["get"]
    fields: tuple[str, ...] = ()

    def rows(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        text = request.GET.get("q", "")[:200]
        rows = matching(self.rows(), text, self.fields)[:MOST_RESULTS]
        return JsonResponse({"results": [{"id": row.pk, "label": str(row)} for row in rows]})


class LeadLookupView(LookupView):
    """The people a measure list may be filtered on as team lead."""

    fields = ("full_name", "email")

    def rows(self) -> QuerySet[Any]:
        return choices.leaders(self.organization).only("pk", "full_name", "email")


class MeasureLookupView(LookupView):
    """The organisation's measures, archived ones too (the lessons log keeps their lessons)."""

    fields = ("name",)

    def rows(self) -> QuerySet[Any]:
        return (
            Measure.objects.filter(organization=self.organization)
            .only("pk", "name")
            .order_by("name", "pk")
        )
