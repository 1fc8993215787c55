"""Expectations for evaluation cycles, evaluations, and the export and import of data."""

from __future__ import annotations

from tests.factories import EvaluationFactory
from tests.matrix.base import (
    ALL_MEMBERS,
    MEASURE_WORKERS,
    PLANNERS,
    Case,
    measure_and,
    org,
    slug,
)

MATRIX = {
    # An empty POST re-renders the form with its errors: 200 for those allowed.
    "evaluation_cycle": Case(measure_and(), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)),
    "evaluation_create": Case(measure_and(), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)),
    "evaluation_detail": Case(
        measure_and("evaluation"), org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)
    ),
    # An empty POST shows the correction form with its errors: 200 for the measure's team.
    "evaluation_correct": Case(
        measure_and("evaluation"), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)
    ),
    "exchange": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    **{
        f"export_{dataset}_{file_format}": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405))
        for dataset in ("measures", "indicators", "measurements")
        for file_format in ("csv", "xlsx")
    },
    # An empty POST shows the upload form with "choose a file": 200 for those allowed.
    "measurement_import": Case(slug, org(PLANNERS, 200), org(PLANNERS, 200)),
}

BUILDERS = {
    "evaluation": lambda ctx: EvaluationFactory(measure=ctx["measure"]),
}
