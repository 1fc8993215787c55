"""Expectations for the transitions between services a measure improves."""

from __future__ import annotations

from organizations.models import Unit
from tests.matrix.base import MEASURE_WORKERS, Case, measure_and, org


def _transition(ctx):
    organization = ctx["measure"].organization
    start = Unit.objects.create(organization=organization, name="Barnehagen", kind="kindergarten")
    end = Unit.objects.create(organization=organization, name="Skolen", kind="school")
    return ctx["measure"].service_transitions.create(from_unit=start, to_unit=end)


MATRIX = {
    # An empty POST is a form with errors, shown again (200).
    "measure_transition_add": Case(
        measure_and(), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)
    ),
    "measure_transition_remove": Case(
        measure_and("service_transition"),
        org(MEASURE_WORKERS, 405),
        org(MEASURE_WORKERS, 302),
    ),
}

BUILDERS = {"service_transition": _transition}
