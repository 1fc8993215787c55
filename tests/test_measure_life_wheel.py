"""What a measure's plan brings to the annual wheel and the reminders appears only within the
measure's life (issue 13, finding 5): a month-only activity, a routine's recurrences and the
evaluation due dates. An occurrence on the start day and on the end day is in; the day before
and the day after are out.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from measures.life import Life
from measures.models import EvaluationCycle
from measures.views.evaluations import measure_section
from notifications import planning
from notifications.models import Reminder
from phases.models import ImplementationPlan, MaintenanceRoutine, PlannedActivity
from phases.views.continuation import routine_rows
from tests.factories import MeasureFactory, ProgramFactory
from yearwheel.occurrences import occurrences_between

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
WIDE = (dt.date(2020, 1, 1), dt.date(2035, 12, 31))


@pytest.fixture
def program(organization):
    return ProgramFactory(organization=organization)


def measure_living(program, start, end, **extra):
    return MeasureFactory(program=program, start_date=start, end_date=end, **extra)


def spans(organization, prefix):
    return [
        (o.start, o.end)
        for o in occurrences_between(organization, *WIDE)
        if o.key.startswith(prefix)
    ]


def month_activity(measure, month):
    plan = ImplementationPlan.objects.create(measure=measure)
    return PlannedActivity.objects.create(plan=plan, what="Oppstart", month=month)


def test_life_clips_a_span_to_its_days():
    life = Life(dt.date(2027, 3, 15), dt.date(2028, 3, 1))
    assert life.clip(dt.date(2027, 3, 1), dt.date(2027, 3, 31)) == (
        dt.date(2027, 3, 15),
        dt.date(2027, 3, 31),
    )
    assert life.clip(dt.date(2028, 3, 1), dt.date(2028, 3, 31)) == (
        dt.date(2028, 3, 1),
        dt.date(2028, 3, 1),
    )
    assert life.clip(dt.date(2027, 2, 1), dt.date(2027, 3, 14)) is None
    assert life.clip(dt.date(2028, 3, 2), dt.date(2028, 3, 31)) is None
    assert Life(None, None).clip(dt.date(2027, 1, 1), dt.date(2027, 1, 31)) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 31),
    )


# --- a month-only activity ---------------------------------------------------------------------


def test_a_month_only_activity_comes_back_only_within_the_life(organization, program):
    """The finding: a March activity repeated in the years before the measure starts."""
    measure = measure_living(program, dt.date(2027, 3, 1), dt.date(2029, 2, 28))
    activity = month_activity(measure, 3)
    assert spans(organization, f"activity-{activity.pk}-") == [
        (dt.date(2027, 3, 1), dt.date(2027, 3, 31)),
        (dt.date(2028, 3, 1), dt.date(2028, 3, 31)),
    ]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (dt.date(2027, 3, 31), [(dt.date(2027, 3, 31), dt.date(2027, 3, 31))]),  # the start day
        (dt.date(2027, 4, 1), []),  # starts the day after March
    ],
)
def test_a_month_only_activity_at_the_start(organization, program, start, expected):
    measure = measure_living(program, start, dt.date(2027, 12, 31))
    activity = month_activity(measure, 3)
    assert spans(organization, f"activity-{activity.pk}-") == expected


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (dt.date(2028, 3, 1), [(dt.date(2028, 3, 1), dt.date(2028, 3, 1))]),  # the end day
        (dt.date(2028, 2, 29), []),  # ends the day before March
    ],
)
def test_a_month_only_activity_at_the_end(organization, program, end, expected):
    measure = measure_living(program, dt.date(2027, 4, 1), end)
    activity = month_activity(measure, 3)
    assert spans(organization, f"activity-{activity.pk}-") == expected


def test_an_activity_of_an_undated_measure_comes_back_every_year(organization, program):
    measure = measure_living(program, None, None)
    activity = month_activity(measure, 3)
    assert len(spans(organization, f"activity-{activity.pk}-")) == 16  # 2020–2035


# --- routines ----------------------------------------------------------------------------------


def routine(measure, first_date, recurrence="yearly"):
    return MaintenanceRoutine.objects.create(
        measure=measure,
        kind="training",
        description="Kurs for nye",
        recurrence=recurrence,
        first_date=first_date,
    )


@pytest.mark.parametrize(
    ("end", "years"),
    [(dt.date(2029, 3, 1), [2027, 2028, 2029]), (dt.date(2029, 2, 28), [2027, 2028])],
)
def test_a_routine_recurs_up_to_the_end_day(organization, program, end, years):
    measure = measure_living(program, dt.date(2027, 3, 1), end)
    item = routine(measure, dt.date(2027, 3, 1))
    days = [start for start, _end in spans(organization, f"routine-{item.pk}-")]
    assert days == [dt.date(year, 3, 1) for year in years]


@pytest.mark.parametrize(
    ("start", "years"),
    [(dt.date(2026, 3, 1), [2026, 2027]), (dt.date(2026, 3, 2), [2027])],
)
def test_a_routine_recorded_before_the_start_appears_from_the_start(
    organization, program, start, years
):
    measure = measure_living(program, start, dt.date(2027, 12, 31))
    item = routine(measure, dt.date(2026, 3, 1))  # recorded before the rule existed
    days = [first for first, _last in spans(organization, f"routine-{item.pk}-")]
    assert days == [dt.date(year, 3, 1) for year in years]


@time_machine.travel(dt.datetime(2027, 1, 10, 12, 0, tzinfo=OSLO), tick=False)
def test_the_routine_list_on_the_phase_four_page_stops_at_the_end(program):
    measure = measure_living(program, dt.date(2027, 1, 1), dt.date(2028, 2, 1))
    routine(measure, dt.date(2027, 2, 1))
    [row] = routine_rows(measure, dt.date(2027, 1, 10))
    assert row.upcoming == [dt.date(2027, 2, 1), dt.date(2028, 2, 1)]
    measure.end_date = dt.date(2028, 1, 31)
    [row] = routine_rows(measure, dt.date(2027, 1, 10))
    assert row.upcoming == [dt.date(2027, 2, 1)]


# --- evaluation due dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "due"),
    [
        (dt.date(2027, 12, 20), [dt.date(2027, 6, 20), dt.date(2027, 12, 20)]),
        (dt.date(2027, 12, 19), [dt.date(2027, 6, 20)]),
    ],
)
def test_evaluation_due_dates_stop_at_the_end(organization, program, end, due):
    measure = measure_living(program, dt.date(2027, 1, 1), end)
    EvaluationCycle.objects.create(measure=measure, rhythm="term", first_due=dt.date(2027, 6, 1))
    assert [start for start, _end in spans(organization, f"evaluation-{measure.pk}-")] == due


@time_machine.travel(dt.datetime(2027, 1, 10, 12, 0, tzinfo=OSLO), tick=False)
def test_the_measure_page_lists_due_dates_up_to_the_end(rf, program, coordinator):
    from measures.services import next_evaluation_due

    measure = measure_living(program, dt.date(2027, 1, 1), dt.date(2028, 6, 20))
    EvaluationCycle.objects.create(measure=measure, rhythm="term", first_due=dt.date(2027, 6, 1))
    measure.next_evaluation_due = next_evaluation_due(measure)
    request = rf.get("/")
    request.user = coordinator
    section = measure_section(request, measure)
    assert section is not None
    assert section.context["upcoming"] == [dt.date(2027, 12, 20), dt.date(2028, 6, 20)]
    measure.end_date = dt.date(2028, 6, 19)
    section = measure_section(request, measure)
    assert section is not None
    assert section.context["upcoming"] == [dt.date(2027, 12, 20)]


@pytest.mark.parametrize(
    ("end", "due"),
    [
        (dt.date(2027, 6, 20), dt.date(2027, 6, 20)),
        (dt.date(2027, 6, 19), None),
        (None, dt.date(2027, 6, 20)),
    ],
)
def test_no_evaluation_is_due_after_the_end(program, end, due):
    from measures.services import next_evaluation_due

    measure = measure_living(program, dt.date(2027, 1, 1), end)
    EvaluationCycle.objects.create(measure=measure, rhythm="term", first_due=dt.date(2027, 6, 1))
    assert next_evaluation_due(measure) == due


# --- reminders ---------------------------------------------------------------------------------


def test_reminders_follow_the_life(organization, program, team_lead):
    """Today is 20 February 2027; the planner looks 62 days ahead, to 23 April. The measure
    starts 15 March and ends 31 March: its March activity is reminded from the start day, the
    routine's weekly dates up to the end day, and nothing before or after."""
    measure = measure_living(
        program, dt.date(2027, 3, 15), dt.date(2027, 3, 31), team_lead=team_lead
    )
    plan = ImplementationPlan.objects.create(measure=measure)
    activity = PlannedActivity.objects.create(
        plan=plan, what="Oppstart", month=3, responsible=team_lead
    )
    weekly = MaintenanceRoutine.objects.create(
        measure=measure,
        kind="supervision",
        description="Veiledning",
        owner=team_lead,
        recurrence="custom",
        rrule="FREQ=WEEKLY",
        first_date=dt.date(2027, 3, 17),
    )
    with time_machine.travel(dt.datetime(2027, 2, 20, 12, 0, tzinfo=OSLO), tick=False):
        planning.plan_organization(organization)
    subjects = set(Reminder.objects.values_list("subject_key", flat=True))
    assert {s for s in subjects if s.startswith("activity-")} == {
        f"activity-{activity.pk}-2027-03-15"
    }
    assert {s for s in subjects if s.startswith("routine-")} == {
        f"routine-{weekly.pk}-2027-03-17",
        f"routine-{weekly.pk}-2027-03-24",
        f"routine-{weekly.pk}-2027-03-31",
    }


# --- the demo ----------------------------------------------------------------------------------


def test_the_demo_keeps_every_dated_record_within_its_measures_life():
    from django.core.management import call_command

    from measures.life import dated_records
    from measures.models import Measure

    call_command("seed_demo", password="demo-passord-1")
    outside = [
        (measure.name, record.label)
        for measure in Measure.objects.all()
        for record in dated_records(measure)
        if not (Life.of(measure).contains(record.first) and Life.of(measure).contains(record.last))
    ]
    assert outside == []
