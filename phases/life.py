"""The phases' dated records on a measure, for ``settings.MEASURE_DATED_RECORDS`` (see
measures/life.py): pilot laps, planned activities with dates, and maintenance routines. One
query each.

An activity given only a month has no dates of its own: it comes back in that month each
year, and the wheel shows it only within the measure's life, so it never stands in the way of
moving the measure's dates. A routine's first time is a date; its later times follow the
measure's life on the wheel in the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from measures.life import DatedRecord, short_date, span_label
from measures.models import Measure
from phases.models import MaintenanceRoutine, PilotIteration, PlannedActivity

NAME_CHARACTERS = 60


def laps(measure: Measure) -> Iterator[DatedRecord]:
    for lap in PilotIteration.objects.filter(measure=measure).order_by("number"):
        yield DatedRecord(
            _("lap %(number)s (%(period)s)")
            % {"number": lap.number, "period": span_label(lap.period_start, lap.period_end)},
            lap.period_start,
            lap.period_end,
        )


def activities(measure: Measure) -> Iterator[DatedRecord]:
    dated = PlannedActivity.objects.filter(plan__measure=measure, start_date__isnull=False)
    for activity in dated.order_by("start_date", "pk"):
        assert activity.start_date is not None  # noqa: S101 - filtered above
        last = activity.end_date or activity.start_date
        yield DatedRecord(
            _("the activity “%(what)s” (%(period)s)")
            % {
                "what": Truncator(activity.what).chars(NAME_CHARACTERS),
                "period": span_label(activity.start_date, last),
            },
            activity.start_date,
            last,
        )


def routines(measure: Measure) -> Iterator[DatedRecord]:
    for routine in MaintenanceRoutine.objects.filter(measure=measure).order_by("first_date"):
        yield DatedRecord(
            _("the routine “%(what)s” (first time %(date)s)")
            % {
                "what": Truncator(routine.description).chars(NAME_CHARACTERS),
                "date": short_date(routine.first_date),
            },
            routine.first_date,
            routine.first_date,
        )
