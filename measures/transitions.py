"""Transitions between services: which units a measure may name, and the filter "measures
that improve a hand-over involving this unit" (the status dashboard uses it; a regional view
can use it on its own queryset).

A unit of another organisation may be named only while that organisation is a partner in
the measure's programme: an active partnership the measure's organisation granted, with the
programme attached. Ending the partnership takes its units out of the choices at once; the
transitions already recorded stay, as part of the measure's history.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from measures.models import Measure, Program, ServiceTransition
from organizations.models import Organization, Partnership, Unit

# Any queryset of measures (a MeasureQuerySet stays one).
Measures = TypeVar("Measures", bound=QuerySet[Measure])


def _partner_grants(organization: Organization, program: Program | None) -> Exists:
    grants = Partnership.objects.filter(
        grantor=organization,
        partner=OuterRef("organization"),
        is_active=True,
        partner__is_active=True,
    )
    if program is not None:
        grants = grants.filter(programs=program)
    else:
        grants = grants.filter(programs__organization=organization, programs__is_archived=False)
    return Exists(grants)


def transition_units(organization: Organization, program: Program | None = None) -> QuerySet[Unit]:
    """The organisation's own units and those of its partners in ``program`` (in any of its
    programmes when None), own units first. One query."""
    return (
        Unit.objects.filter(
            Q(organization=organization) | _partner_grants(organization, program),
            is_archived=False,
        )
        .select_related("organization")
        .annotate(
            foreign=Case(
                When(organization=organization, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("foreign", "organization__name", "name", "pk")
    )


def unit_label(unit: Unit, organization_id: int) -> str:
    """A partner's unit carries its organisation's name: two municipalities both have a
    "Sentrum skole"."""
    if unit.organization_id == organization_id:
        return unit.name
    return f"{unit.name} ({unit.organization.name})"


def measures_improving_transition(queryset: Measures, unit: Unit) -> Measures:
    """The measures of ``queryset`` that improve a hand-over from or to ``unit``. A
    subquery, not a join: a measure with two such transitions is listed once."""
    transitions = ServiceTransition.objects.filter(measure=OuterRef("pk")).filter(
        Q(from_unit=unit) | Q(to_unit=unit)
    )
    return queryset.filter(Exists(transitions))
