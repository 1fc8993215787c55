"""Dates within the measure's life (issue 13, finding 5): laps, planned activities,
evaluations, the evaluation rhythm and maintenance routines are refused outside the measure's
start and end, with a message that names them; the start day and the end day are inside, the
day before and the day after outside; an empty start or end sets no bound.

Today is 15 June 2027; the measure runs from 1 March to 31 December 2027.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from measures.forms.evaluations import EvaluationCycleForm, EvaluationForm
from measures.models import Evaluation
from phases.forms.continuation import MaintenanceRoutineForm
from phases.forms.planning import ActivityForm
from phases.forms.roundabout import PilotIterationForm
from phases.models import PilotIteration
from tests.factories import MeasureFactory, PilotIterationFactory, ProgramFactory

START = dt.date(2027, 3, 1)
END = dt.date(2027, 12, 31)
DAY = dt.timedelta(days=1)
BOTH = "The measure runs from 01.03.2027 to 31.12.2027: choose a date within that time."


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2027, 6, 15, 12, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(
        program=ProgramFactory(organization=organization),
        team_lead=team_lead,
        start_date=START,
        end_date=END,
        phase=3,
    )


def norwegian(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def lap_form(measure, start, end):
    return PilotIterationForm(
        data={
            "number": "1",
            "period_start": norwegian(start),
            "period_end": norwegian(end),
            "developed": "Ny rutine",
        },
        measure=measure,
    )


def activity_form(measure, team_lead, start, end=None):
    return ActivityForm(
        data={
            "what": "Kurs for kontaktlærere",
            "start_date": norwegian(start),
            "end_date": norwegian(end) if end else "",
            "responsible": team_lead.pk,
        },
        measure=measure,
    )


def evaluation_form(measure, start, end):
    return EvaluationForm(
        data={
            "period_start": norwegian(start),
            "period_end": norwegian(end),
            "tried": "Faste voksne",
            "decision": "continue",
        },
        measure=measure,
    )


def cycle_form(measure, first_due):
    return EvaluationCycleForm(
        data={"rhythm": "term", "first_due": norwegian(first_due)}, measure=measure
    )


def routine_form(measure, owner, first_date):
    return MaintenanceRoutineForm(
        data={
            "kind": "training",
            "description": "Kurs for nye",
            "owner": owner.pk,
            "recurrence": "yearly",
            "first_date": norwegian(first_date),
        },
        measure=measure,
    )


# --- each kind of record, at both edges ---------------------------------------------------------


def test_a_lap_may_start_on_the_start_day_and_end_on_the_end_day_but_not_beyond(measure):
    assert lap_form(measure, START, START + 30 * DAY).is_valid()
    assert lap_form(measure, END - 30 * DAY, END).is_valid()
    early = lap_form(measure, START - DAY, START + 30 * DAY)
    assert early.errors == {"period_start": [BOTH]}
    late = lap_form(measure, END - 30 * DAY, END + DAY)
    assert late.errors == {"period_end": [BOTH]}


def test_an_activity_with_dates_lies_within_the_life(measure, team_lead):
    assert activity_form(measure, team_lead, START).is_valid()
    assert activity_form(measure, team_lead, START, END).is_valid()
    assert activity_form(measure, team_lead, START - DAY).errors == {"start_date": [BOTH]}
    assert activity_form(measure, team_lead, START, END + DAY).errors == {"end_date": [BOTH]}
    # One day, after the end.
    assert activity_form(measure, team_lead, END + DAY).errors == {"start_date": [BOTH]}


def test_an_activity_given_a_month_is_not_bound_by_dates(measure, team_lead):
    form = ActivityForm(
        data={"what": "Oppstart", "month": "1", "responsible": team_lead.pk}, measure=measure
    )
    assert form.is_valid(), form.errors


def test_an_evaluation_period_lies_within_the_life(measure):
    assert evaluation_form(measure, START, START + 60 * DAY).is_valid()
    assert evaluation_form(measure, END - 60 * DAY, END).is_valid()
    assert evaluation_form(measure, START - DAY, START + 60 * DAY).errors == {
        "period_start": [BOTH]
    }
    assert evaluation_form(measure, END - 60 * DAY, END + DAY).errors == {"period_end": [BOTH]}


def test_the_first_evaluation_is_due_within_the_life(measure):
    assert cycle_form(measure, START).is_valid()
    assert cycle_form(measure, END).is_valid()
    assert cycle_form(measure, START - DAY).errors == {"first_due": [BOTH]}
    assert cycle_form(measure, END + DAY).errors == {"first_due": [BOTH]}


def test_a_routine_first_happens_within_the_life(measure, team_lead):
    assert routine_form(measure, team_lead, START).is_valid()
    assert routine_form(measure, team_lead, END).is_valid()
    assert routine_form(measure, team_lead, START - DAY).errors == {"first_date": [BOTH]}
    assert routine_form(measure, team_lead, END + DAY).errors == {"first_date": [BOTH]}


def test_an_empty_start_or_end_sets_no_bound(organization, team_lead):
    program = ProgramFactory(organization=organization)
    open_ended = MeasureFactory(program=program, start_date=START, end_date=None)
    assert cycle_form(open_ended, dt.date(2036, 1, 1)).is_valid()
    assert cycle_form(open_ended, START - DAY).errors == {
        "first_due": ["The measure starts 01.03.2027: choose a date from then on."]
    }
    no_start = MeasureFactory(program=program, start_date=None, end_date=END)
    assert cycle_form(no_start, dt.date(2001, 1, 1)).is_valid()
    assert cycle_form(no_start, END + DAY).errors == {
        "first_due": ["The measure ends 31.12.2027: choose a date up to then."]
    }
    undated = MeasureFactory(program=program, start_date=None, end_date=None)
    assert cycle_form(undated, dt.date(2001, 1, 1)).is_valid()
    assert cycle_form(undated, dt.date(2036, 1, 1)).is_valid()


def test_a_refused_field_keeps_its_own_single_message(measure):
    # Before 2000 says so; the life's message is not piled on top.
    form = lap_form(measure, dt.date(1999, 12, 31), START + DAY)
    assert form.errors == {"period_start": ["Choose a date from 2000 on."]}


def test_the_lap_found_in_the_pilot_is_refused_through_the_page(login, team_lead, measure):
    """The finding: laps dated January–April 2026 on a measure that starts 1 March 2027."""
    team_lead.language = "en"
    team_lead.save(update_fields=["language"])
    response = login(team_lead).post(
        reverse("iteration_create", args=[measure.organization.slug, measure.pk]),
        {
            "number": "1",
            "period_start": "05.01.2026",
            "period_end": "30.04.2026",
            "developed": "Ny rutine",
        },
    )
    assert response.status_code == 200
    assert BOTH in response.content.decode()
    assert not PilotIteration.objects.exists()


def test_the_message_is_in_the_persons_language_with_norwegian_dates(login, team_lead, measure):
    for language, words in (
        ("nb", "Tiltaket varer fra 01.03.2027 til 31.12.2027"),
        ("nn", "Tiltaket varer frå 01.03.2027 til 31.12.2027"),
    ):
        team_lead.language = language
        team_lead.save(update_fields=["language"])
        response = login(team_lead).post(
            reverse("evaluation_create", args=[measure.organization.slug, measure.pk]),
            {
                "period_start": "28.02.2027",
                "period_end": "31.05.2027",
                "tried": "Faste voksne",
                "decision": "continue",
            },
        )
        assert words in response.content.decode()
        assert not Evaluation.objects.exists()


# --- moving the measure's own dates ----------------------------------------------------------


def measure_data(measure, **changes):
    data = {
        "program": measure.program_id,
        "name": measure.name,
        "target_groups": ["6-12"],
        "start_date": norwegian(measure.start_date) if measure.start_date else "",
        "end_date": norwegian(measure.end_date) if measure.end_date else "",
        "status": "green",
    }
    data.update(changes)
    return data


def edit_url(measure):
    return reverse("measure_update", args=[measure.organization.slug, measure.pk])


@pytest.fixture
def coordinator_en(coordinator):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    return coordinator


def test_the_start_cannot_move_past_a_recorded_lap(login, coordinator_en, measure):
    PilotIterationFactory(
        measure=measure, number=1, period_start=dt.date(2027, 3, 10), period_end=dt.date(2027, 5, 1)
    )
    client = login(coordinator_en)
    response = client.post(edit_url(measure), measure_data(measure, start_date="11.03.2027"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["start_date"]
    assert errors["start_date"] == [
        "With this start, these would lie before it: lap 1 (10.03.2027–01.05.2027). Move or "
        "delete them first, or choose an earlier start."
    ]
    measure.refresh_from_db()
    assert measure.start_date == START
    # On the lap's first day is fine.
    response = client.post(edit_url(measure), measure_data(measure, start_date="10.03.2027"))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.start_date == dt.date(2027, 3, 10)


def test_the_end_cannot_move_before_what_is_recorded(login, coordinator_en, team_lead, measure):
    from measures.models import EvaluationCycle
    from phases.models import ImplementationPlan, MaintenanceRoutine, PlannedActivity

    Evaluation.objects.create(
        measure=measure,
        period_start=dt.date(2027, 3, 1),
        period_end=dt.date(2027, 6, 1),
        tried="Faste voksne",
        decision="continue",
    )
    EvaluationCycle.objects.create(measure=measure, rhythm="term", first_due=dt.date(2027, 6, 20))
    plan = ImplementationPlan.objects.create(measure=measure)
    PlannedActivity.objects.create(
        plan=plan, what="Kurs", start_date=dt.date(2027, 5, 2), end_date=dt.date(2027, 6, 3)
    )
    PlannedActivity.objects.create(plan=plan, what="Oppstart", month=11)  # never in the way
    MaintenanceRoutine.objects.create(
        measure=measure,
        kind="training",
        description="Kurs for nye",
        owner=team_lead,
        recurrence="yearly",
        first_date=dt.date(2027, 8, 15),
    )
    client = login(coordinator_en)
    response = client.post(edit_url(measure), measure_data(measure, end_date="31.05.2027"))
    assert response.context["form"].errors["end_date"] == [
        "With this end, these would lie after it: the evaluation of 01.03.2027–01.06.2027; "
        "the activity “Kurs” (02.05.2027–03.06.2027); the evaluation rhythm's first due date "
        "(20.06.2027); the routine “Kurs for nye” (first time 15.08.2027). Move or delete them "
        "first, or choose a later end."
    ]
    measure.refresh_from_db()
    assert measure.end_date == END
    # On the last record's day is fine.
    response = client.post(edit_url(measure), measure_data(measure, end_date="15.08.2027"))
    assert response.status_code == 302


def test_an_unrelated_edit_is_not_refused_for_records_outside_from_before(
    login, coordinator_en, measure
):
    # Recorded before the rule existed: the lap lies before the start.
    PilotIterationFactory(
        measure=measure, number=1, period_start=dt.date(2026, 1, 5), period_end=dt.date(2026, 4, 30)
    )
    response = login(coordinator_en).post(
        edit_url(measure), measure_data(measure, name="Nytt navn", end_date="30.12.2027")
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.name == "Nytt navn"


def test_many_records_outside_are_named_ten_then_counted(login, coordinator_en, measure):
    for number in range(1, 13):
        start = dt.date(2027, 3, 1) + dt.timedelta(days=10 * (number - 1))
        PilotIterationFactory(
            measure=measure, number=number, period_start=start, period_end=start + 5 * DAY
        )
    response = login(coordinator_en).post(
        edit_url(measure), measure_data(measure, start_date="01.12.2027")
    )
    [message] = response.context["form"].errors["start_date"]
    assert "lap 10 (" in message
    assert "lap 11 (" not in message
    assert "and 2 more" in message


def test_moving_the_end_moves_the_next_evaluation_due(login, coordinator_en, team_lead, measure):
    from measures.services import evaluation_cycle_set

    evaluation_cycle_set(
        measure=measure, user=team_lead, rhythm="term", first_due=dt.date(2027, 6, 20)
    )
    Evaluation.objects.create(
        measure=measure,
        period_start=dt.date(2027, 3, 1),
        period_end=dt.date(2027, 6, 20),
        tried="Faste voksne",
        decision="continue",
    )
    from measures.services import evaluation_due_refresh

    evaluation_due_refresh(measure=measure, user=team_lead)
    measure.refresh_from_db()
    assert measure.next_evaluation_due == dt.date(2027, 12, 20)
    client = login(coordinator_en)
    # The due date on the end day is still due; a day earlier, none is left.
    client.post(edit_url(measure), measure_data(measure, end_date="20.12.2027"))
    measure.refresh_from_db()
    assert measure.next_evaluation_due == dt.date(2027, 12, 20)
    client.post(edit_url(measure), measure_data(measure, end_date="19.12.2027"))
    measure.refresh_from_db()
    assert (measure.end_date, measure.next_evaluation_due) == (dt.date(2027, 12, 19), None)
    client.post(edit_url(measure), measure_data(measure, end_date=""))
    measure.refresh_from_db()
    assert measure.next_evaluation_due == dt.date(2027, 12, 20)
