"""Shared by the pages of one wheel: the wheel is loaded once, inside the organisation, and the
occurrences of its year are gathered once, narrowed by the filter in the query string."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.http import HttpRequest

from organizations.views.base import OrganizationViewMixin
from yearwheel.filters import WheelFilterForm
from yearwheel.models import Ring, Wheel
from yearwheel.occurrences import Occurrence, Scope, occurrences_between
from yearwheel.system_rings import ensure_system_rings

# The query-string parameters of the filter (yearwheel/filters.py), kept in every link.
FILTER_PARAMETERS = ("program", "measure", "unit", "ring", "kind")


@dataclass(frozen=True)
class Placed:
    """An occurrence and the ring it is drawn in."""

    occurrence: Occurrence
    ring: Ring


@dataclass
class WheelContent:
    start: date
    end: date  # inclusive
    rings: list[Ring]  # every active ring, in order
    shown_rings: list[Ring]  # the rings drawn: the visible ones, or those chosen in the filter
    filter_form: WheelFilterForm
    scope: Scope
    gather: Callable[[], list[Placed]] = field(repr=False)

    @cached_property
    def items(self) -> list[Placed]:
        """The placed occurrences, in date order: gathered when first read, so a page whose
        drawing comes from the cache (yearwheel/page_cache.py) does not place 13,000 of them."""
        return self.gather()


def wheel_content(
    request: HttpRequest,
    organization: Any,
    start: date,
    end: date,
    *,
    data: Any = None,
) -> WheelContent:
    """The rings and the placed occurrences between ``start`` and ``end`` (inclusive), narrowed
    by ``data`` (the query string unless given). A fixed number of queries."""
    data = request.GET if data is None else data
    form = WheelFilterForm(data or None, organization=organization)
    scope = form.scope()
    rings = [
        ring
        for ring in ensure_system_rings(
            organization, list(Ring.objects.filter(organization=organization))
        )
        if not ring.is_archived
    ]
    if scope.ring_ids:
        shown = [ring for ring in rings if ring.pk in scope.ring_ids]
    else:
        shown = [ring for ring in rings if ring.is_visible]
    own = {ring.pk: ring for ring in shown if not ring.source}
    system = {ring.source: ring for ring in shown if ring.source}

    def gather() -> list[Placed]:
        items = []
        for occurrence in occurrences_between(organization, start, end, scope, cached=True):
            if scope.kinds and occurrence.kind not in scope.kinds:
                continue
            ring = (
                own.get(occurrence.ring_id or 0)
                if not occurrence.source
                else system.get(occurrence.source)
            )
            if ring is not None:
                items.append(Placed(occurrence, ring))
        return items

    return WheelContent(start, end, rings, shown, form, scope, gather)


class WheelViewMixin(OrganizationViewMixin):
    """For URLs under ``/o/<org_slug>/wheel/<year>/``: ``self.wheel`` is the organisation's
    wheel of that planning year (404 when there is none)."""

    permission_required = "yearwheel.view_wheel"
    wheel: Wheel

    def load_objects(self) -> None:
        self.wheel = self.get_for_organization(Wheel.objects.all(), year=self.kwargs["year"])
        self.wheel.organization = self.organization

    def filter_pairs(self) -> list[tuple[str, str]]:
        """The filter in hand as (parameter, value) pairs, from the query string."""
        return [
            (key, value)
            for key, values in self.request.GET.lists()
            if key in FILTER_PARAMETERS
            for value in values
            if value
        ]

    def content(self, start: date | None = None, end: date | None = None) -> WheelContent:
        return wheel_content(
            self.request, self.organization, start or self.wheel.start, end or self.wheel.end
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["wheel"] = self.wheel
        return context
