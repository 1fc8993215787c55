"""Occurrences: own events expanded by their rule, and what other apps know, on the fly."""

from __future__ import annotations

from datetime import date, time

import pytest

from phases.models import ImplementationPlan, MaintenanceRoutine, PlannedActivity
from tests.factories import (
    EvaluationCycleFactory,
    EventFactory,
    MeasureFactory,
    ProgramFactory,
    RingFactory,
    UnitFactory,
)
from yearwheel.models import Event, Recurrence, Ring
from yearwheel.occurrences import Scope, occurrences_between

pytestmark = pytest.mark.django_db

AUTUMN = (date(2026, 8, 1), date(2026, 12, 31))


def keys(organization, start, end, scope=None):
    return [o.key for o in occurrences_between(organization, start, end, scope)]


def test_it_expands_a_weekly_event_without_its_exceptions(organization):
    event = EventFactory(
        organization=organization,
        start_date=date(2026, 9, 1),
        recurrence=Recurrence.WEEKLY,
        repeat_until=date(2026, 9, 29),
        exceptions=["2026-09-15"],
    )
    found = keys(organization, *AUTUMN)
    assert found == [
        f"event-{event.pk}-2026-09-01",
        f"event-{event.pk}-2026-09-08",
        f"event-{event.pk}-2026-09-22",
        f"event-{event.pk}-2026-09-29",
    ]


def test_it_keeps_a_range_that_began_before_the_period(organization):
    event = EventFactory(
        organization=organization, start_date=date(2026, 7, 28), end_date=date(2026, 8, 3)
    )
    [occurrence] = occurrences_between(organization, *AUTUMN)
    assert (occurrence.start, occurrence.end, occurrence.days) == (
        date(2026, 7, 28),
        date(2026, 8, 3),
        7,
    )
    assert occurrence.event_id == event.pk
    assert occurrence.url == event.get_absolute_url()


def test_a_yearly_range_recurs_with_its_length(organization):
    EventFactory(
        organization=organization,
        start_date=date(2025, 12, 30),
        end_date=date(2026, 1, 2),
        recurrence=Recurrence.YEARLY,
    )
    found = occurrences_between(organization, date(2026, 1, 1), date(2026, 12, 31))
    assert [(o.start, o.end) for o in found] == [
        (date(2025, 12, 30), date(2026, 1, 2)),
        (date(2026, 12, 30), date(2027, 1, 2)),
    ]


def test_term_recurrence_is_every_six_months(organization):
    event = EventFactory(
        organization=organization, start_date=date(2026, 6, 20), recurrence=Recurrence.TERM
    )
    assert event.rule_text() == "FREQ=MONTHLY;INTERVAL=6"
    found = occurrences_between(organization, date(2026, 1, 1), date(2027, 12, 31))
    assert [o.start for o in found] == [
        date(2026, 6, 20),
        date(2026, 12, 20),
        date(2027, 6, 20),
        date(2027, 12, 20),
    ]


def test_archived_events_and_events_in_archived_rings_are_left_out(organization):
    EventFactory(organization=organization, is_archived=True)
    EventFactory(
        organization=organization, ring=RingFactory(organization=organization, is_archived=True)
    )
    assert keys(organization, *AUTUMN) == []


def test_other_organisations_events_never_appear(organization, other_organization):
    EventFactory(organization=other_organization)
    assert keys(organization, *AUTUMN) == []


def test_evaluation_due_dates_come_from_the_cycle(organization):
    measure = MeasureFactory(organization=organization)
    EvaluationCycleFactory(measure=measure, rhythm="quarterly", first_due=date(2026, 3, 31))
    found = occurrences_between(organization, *AUTUMN)
    assert [(o.source, o.start) for o in found] == [
        (Ring.Source.EVALUATIONS, date(2026, 9, 30)),
        (Ring.Source.EVALUATIONS, date(2026, 12, 31)),
    ]
    assert found[0].kind == Event.Kind.CHECKPOINT
    assert found[0].url.endswith(f"/measures/{measure.pk}/#evaluations")


def test_planned_activities_by_dates_and_by_month(organization):
    plan = ImplementationPlan.objects.create(measure=MeasureFactory(organization=organization))
    dated = PlannedActivity.objects.create(
        plan=plan, what="Kurs", start_date=date(2026, 9, 10), end_date=date(2026, 9, 11)
    )
    monthly = PlannedActivity.objects.create(plan=plan, what="Oppstart", month=8)
    found = occurrences_between(organization, date(2026, 1, 1), date(2027, 12, 31))
    assert [(o.key, o.start, o.end) for o in found] == [
        (f"activity-{monthly.pk}-2026-08-01", date(2026, 8, 1), date(2026, 8, 31)),
        (f"activity-{dated.pk}-2026-09-10", date(2026, 9, 10), date(2026, 9, 11)),
        (f"activity-{monthly.pk}-2027-08-01", date(2027, 8, 1), date(2027, 8, 31)),
    ]


def test_maintenance_routines_follow_their_rhythm(organization):
    measure = MeasureFactory(organization=organization, phase=4)
    routine = MaintenanceRoutine.objects.create(
        measure=measure,
        kind="training",
        description="Opplæring av nye ansatte",
        recurrence="term",
        first_date=date(2026, 1, 1),
    )
    found = keys(organization, *AUTUMN)
    assert found == [f"routine-{routine.pk}-2026-12-20"]


def test_a_programme_scope_leaves_out_common_and_other_events(organization):
    program = ProgramFactory(organization=organization)
    inside = EventFactory(
        organization=organization,
        measure=MeasureFactory(organization=organization, program=program),
    )
    about_program = EventFactory(organization=organization, program=program)
    EventFactory(organization=organization)  # common to the organisation
    EventFactory(organization=organization, measure=MeasureFactory(organization=organization))
    found = {
        o.event_id for o in occurrences_between(organization, *AUTUMN, Scope(program_id=program.pk))
    }
    assert found == {inside.pk, about_program.pk}


def test_a_unit_scope_covers_its_measures_and_its_programmes(organization):
    unit = UnitFactory(organization=organization)
    program = ProgramFactory(organization=organization)
    program.units.add(unit)
    led = EventFactory(
        organization=organization,
        measure=MeasureFactory(organization=organization, responsible_unit=unit),
    )
    in_program = EventFactory(organization=organization, program=program)
    EventFactory(organization=organization)
    found = {o.event_id for o in occurrences_between(organization, *AUTUMN, Scope(unit_id=unit.pk))}
    assert found == {led.pk, in_program.pk}


def test_occurrences_are_in_date_and_time_order(organization):
    late = EventFactory(organization=organization, start_date=date(2026, 9, 1), start_time=time(14))
    early = EventFactory(organization=organization, start_date=date(2026, 9, 1), start_time=time(9))
    first = EventFactory(organization=organization, start_date=date(2026, 8, 20))
    assert [o.event_id for o in occurrences_between(organization, *AUTUMN)] == [
        first.pk,
        early.pk,
        late.pk,
    ]


def test_gathering_costs_one_query_per_source(organization, django_assert_num_queries):
    for n in range(30):
        EventFactory(organization=organization, start_date=date(2026, 9, 1 + n % 28))
    # Own events, evaluations, plans, routines, learning meetings and action items. (Meetings
    # cost one more, for their participants, only when there are some: tests/reflections.)
    with django_assert_num_queries(6):
        assert len(occurrences_between(organization, *AUTUMN)) == 30


# The preset rhythms are stepped without dateutil (yearwheel/expansion.py); they must give
# exactly what their iCalendar rule gives, which the calendar feeds send.
PRESET_CASES = [
    # (rhythm, first date, period): the day of month missing in some months, a leap day, a
    # period that starts mid-series, one that ends before the series starts.
    (Recurrence.WEEKLY, date(2026, 1, 3), (date(2026, 2, 11), date(2026, 12, 31))),
    (Recurrence.WEEKLY, date(2026, 1, 3), (date(2026, 1, 10), date(2026, 1, 10))),
    (Recurrence.MONTHLY, date(2026, 1, 31), (date(2026, 1, 1), date(2027, 12, 31))),
    (Recurrence.MONTHLY, date(2026, 1, 29), (date(2026, 2, 1), date(2028, 3, 31))),
    (Recurrence.MONTHLY, date(2026, 5, 15), (date(2026, 1, 1), date(2026, 5, 14))),
    (Recurrence.TERM, date(2025, 8, 31), (date(2026, 1, 1), date(2030, 12, 31))),
    (Recurrence.YEARLY, date(2024, 2, 29), (date(2024, 1, 1), date(2033, 12, 31))),
    (Recurrence.YEARLY, date(2020, 12, 31), (date(2026, 12, 31), date(2027, 12, 31))),
]


@pytest.mark.parametrize(("rhythm", "first", "period"), PRESET_CASES)
@pytest.mark.parametrize("until", [None, date(2027, 3, 31)])
@pytest.mark.parametrize("days", [0, 3])
def test_preset_rhythms_give_exactly_what_their_rule_gives(rhythm, first, period, until, days):
    from datetime import datetime, timedelta

    event = Event(
        start_date=first,
        end_date=first + timedelta(days=days) if days else None,
        recurrence=rhythm,
        repeat_until=until,
    )
    start, end = period
    since = start - timedelta(days=days)
    by_rule = [
        moment.date()
        for moment in event.rule().between(
            datetime.combine(since, time.min), datetime.combine(end, time.min), inc=True
        )
    ]
    assert event.occurrences(start, end) == by_rule


def test_an_occurrence_on_the_last_day_of_the_period_or_the_rule_is_kept():
    event = Event(
        start_date=date(2026, 1, 5),
        recurrence=Recurrence.WEEKLY,
        repeat_until=date(2026, 1, 19),
    )
    assert event.occurrences(date(2026, 1, 5), date(2026, 1, 12)) == [
        date(2026, 1, 5),
        date(2026, 1, 12),
    ]
    assert event.occurrences(date(2026, 1, 13), date(2026, 12, 31)) == [date(2026, 1, 19)]
    assert event.occurrences(date(2026, 1, 20), date(2026, 12, 31)) == []


def test_a_custom_rule_is_still_expanded_by_its_rule(organization):
    event = EventFactory(
        organization=organization,
        start_date=date(2026, 9, 1),
        recurrence=Recurrence.CUSTOM,
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        repeat_until=date(2026, 10, 13),
        exceptions=["2026-09-29"],
    )
    assert keys(organization, *AUTUMN) == [
        f"event-{event.pk}-2026-09-01",
        f"event-{event.pk}-2026-09-15",
        f"event-{event.pk}-2026-10-13",
    ]


def test_an_own_occurrence_carries_what_the_event_shows(organization, member):
    measure = MeasureFactory(program__organization=organization, name="Leselyst")
    ring = RingFactory(organization=organization)
    event = EventFactory(
        organization=organization,
        ring=ring,
        title="Foreldremøte",
        start_date=date(2026, 10, 6),
        end_date=date(2026, 10, 7),
        start_time=time(18),
        end_time=time(19),
        place="Aulaen",
        description="Om lesing",
        responsible=member,
        measure=measure,
    )
    [occurrence] = occurrences_between(organization, *AUTUMN)
    assert occurrence.url == event.get_absolute_url()
    assert (occurrence.start, occurrence.end) == (date(2026, 10, 6), date(2026, 10, 7))
    assert (occurrence.start_time, occurrence.end_time) == (time(18), time(19))
    assert (occurrence.ring_id, occurrence.event_id) == (ring.pk, event.pk)
    assert (occurrence.place, occurrence.description) == ("Aulaen", "Om lesing")
    assert (occurrence.responsible, occurrence.responsible_id) == (str(member), member.pk)
    assert (occurrence.measure_id, occurrence.measure_name) == (measure.pk, "Leselyst")
    assert occurrence.program_name == measure.program.name
    assert occurrence.recurring is False
