"""Expectations for measures that travel: taking a partner's measure into use (as the
partner: ``organization`` is the adopter) and publishing one's own as a template.

A measure that is not shared with the organisation is 404 for every role: that is tested in
tests/phases/test_adoption.py, for a partner and a non-partner organisation alike."""

from __future__ import annotations

from tests.matrix.base import PLANNERS, Case, measure_and, org


def _shared_measure_kwargs(ctx):
    # The county's programme shared with ``organization`` (tests/matrix/measures_shared.py).
    from tests.factories import MeasureFactory

    if "adoptable_measure" not in ctx:
        ctx["adoptable_measure"] = MeasureFactory(program=ctx["shared_program"])
    return {"org_slug": ctx["organization"].slug, "measure_pk": ctx["adoptable_measure"].pk}


MATRIX = {
    # GET shows the confirmation; an empty POST shows it again with the programme required.
    "measure_adopt": Case(_shared_measure_kwargs, org(PLANNERS, 200), org(PLANNERS, 200)),
    # The owner's coordinators and admins publish a measure as a template (POST only).
    "measure_template": Case(measure_and(), org(PLANNERS, 405), org(PLANNERS, 302)),
}
