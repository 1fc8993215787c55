"""Expectations for goals, indicators, measurements, judgements and future pictures.

Matrix measures are led by the team_lead user, so MEASURE_WORKERS includes the team lead; a team
lead who does not lead the measure is tested in tests/measures/test_goals.py. Empty POSTs to the
forms re-render them with errors (200); deletes and moves redirect (302).
"""

from __future__ import annotations

from tests.factories import FuturePictureFactory, GoalFactory, IndicatorFactory, MeasurementFactory
from tests.matrix.base import ALL_MEMBERS, MEASURE_WORKERS, Case, org


def under_measure(**objects):
    """URL kwargs under the matrix measure: ``kwarg=builder key`` for each object."""

    def kwargs(ctx):
        values = {"org_slug": ctx["organization"].slug, "measure_pk": ctx["measure"].pk}
        values.update({kwarg: ctx[key].pk for kwarg, key in objects.items()})
        return values

    return kwargs


GOAL = under_measure(pk="goals.goal")
INDICATOR = under_measure(pk="goals.indicator")
MEASUREMENT = under_measure(indicator_pk="goals.indicator", pk="goals.measurement")
PICTURE = under_measure(pk="goals.future_picture")

MATRIX = {
    "goal_create": Case(under_measure(), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)),
    "goal_update": Case(GOAL, org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)),
    "goal_judge": Case(GOAL, org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)),
    "goal_move": Case(GOAL, org(MEASURE_WORKERS, 405), org(MEASURE_WORKERS, 302)),
    "goal_delete": Case(GOAL, org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 302)),
    "indicator_create": Case(
        under_measure(goal_pk="goals.goal"),
        org(MEASURE_WORKERS, 200),
        org(MEASURE_WORKERS, 200),
    ),
    "indicator_detail": Case(INDICATOR, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "indicator_update": Case(INDICATOR, org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)),
    "indicator_delete": Case(INDICATOR, org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 302)),
    "measurement_create": Case(
        under_measure(indicator_pk="goals.indicator"),
        org(MEASURE_WORKERS, 200),
        org(MEASURE_WORKERS, 200),
    ),
    "measurement_update": Case(MEASUREMENT, org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)),
    "measurement_delete": Case(MEASUREMENT, org(MEASURE_WORKERS, 405), org(MEASURE_WORKERS, 302)),
    "future_picture_create": Case(
        under_measure(), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)
    ),
    "future_picture_update": Case(PICTURE, org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)),
    "future_picture_delete": Case(PICTURE, org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 302)),
}

# Keys are prefixed so they can never collide with another area's builders.
BUILDERS = {
    "goals.goal": lambda ctx: GoalFactory(measure=ctx["measure"]),
    "goals.indicator": lambda ctx: IndicatorFactory(goal=ctx["goals.goal"]),
    "goals.measurement": lambda ctx: MeasurementFactory(indicator=ctx["goals.indicator"]),
    "goals.future_picture": lambda ctx: FuturePictureFactory(measure=ctx["measure"]),
}
