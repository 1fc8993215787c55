"""Every form that accepts an iCalendar rule refuses a bad one with a message, on create and on
update, keeps what was typed, and lets through only rules the code behind it accepts
(issue 13, finding 6: a refused custom rhythm on an existing cycle gave a server error)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from measures import recurrence
from measures.forms.evaluations import EvaluationCycleForm
from measures.models import EvaluationCycle
from measures.services import evaluation_cycle_set
from phases.models import MaintenanceRoutine
from tests.factories import EventFactory, MeasureFactory, ProgramFactory, RingFactory
from yearwheel.models import Event

# Each refused for another reason (see measures/recurrence.py).
BAD_RULES = [
    "FREQ=SOMETIMES",
    "FREQ=HOURLY",
    "INTERVAL=2",
    "FREQ=MONTHLY;BYHOUR=9",
    "FREQ=MONTHLY;FREQ=YEARLY",
    "FREQ=MONTHLY;INTERVAL=0",
    "FREQ=MONTHLY;UNTIL=2027",
    "FREQ=MONTHLY;COUNT=2;UNTIL=20280101",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=MONTHLY;BYMONTHDAY=40",
    "just words",
    "",
]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2027, 1, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def english(coordinator, team_lead):
    for user in (coordinator, team_lead):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(
        program=ProgramFactory(organization=organization), team_lead=team_lead, phase=4
    )


def measure_url(name, measure, *args):
    return reverse(name, args=[measure.organization.slug, measure.pk, *args])


# --- the evaluation rhythm -------------------------------------------------------------------


def test_changing_a_cycle_to_a_bad_custom_rule_is_refused_with_the_input_kept(
    login, team_lead, measure, english
):
    evaluation_cycle_set(
        measure=measure, user=team_lead, rhythm="term", first_due=dt.date(2027, 6, 1)
    )
    response = login(team_lead).post(
        measure_url("evaluation_cycle", measure),
        {"rhythm": "custom", "first_due": "01.06.2027", "rrule": "FREQ=SOMETIMES"},
    )
    assert response.status_code == 200
    assert "FREQ must be DAILY" in " ".join(response.context["form"].errors["rrule"])
    page = response.content.decode()
    assert 'value="FREQ=SOMETIMES"' in page
    assert re.search(r'<input[^>]*name="rhythm"[^>]*value="custom"[^>]*checked', page)
    # The page beside the form still shows the rhythm as saved, and its due dates.
    assert response.context["cycle"].rhythm == "term"
    assert response.context["upcoming"] == [
        dt.date(2027, 6, 20),
        dt.date(2027, 12, 20),
        dt.date(2028, 6, 20),
    ]
    cycle = EvaluationCycle.objects.get(measure=measure)
    assert (cycle.rhythm, cycle.rrule) == ("term", "")


@pytest.mark.parametrize("rule", BAD_RULES)
@pytest.mark.parametrize("existing", [False, True], ids=["create", "update"])
def test_every_bad_rule_is_refused_on_create_and_update(
    login, team_lead, measure, monkeypatch, rule, existing
):
    if existing:
        EvaluationCycle.objects.create(
            measure=measure, rhythm="custom", first_due=dt.date(2027, 3, 1), rrule="FREQ=MONTHLY"
        )
    called = []
    monkeypatch.setattr(
        "measures.views.evaluations.evaluation_cycle_set", lambda **kwargs: called.append(kwargs)
    )
    response = login(team_lead).post(
        measure_url("evaluation_cycle", measure),
        {"rhythm": "custom", "first_due": "01.03.2027", "rrule": rule},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["rrule"]
    assert called == []  # the service is never reached with a rule it would refuse


def test_a_bad_rule_is_pointed_out_even_when_the_date_is_refused(login, team_lead, measure):
    response = login(team_lead).post(
        measure_url("evaluation_cycle", measure),
        {"rhythm": "custom", "first_due": "31.02.2027", "rrule": "FREQ=HOURLY"},
    )
    form = response.context["form"]
    assert set(form.errors) == {"first_due", "rrule"}


@pytest.mark.parametrize(
    "typed",
    [
        "freq=monthly;interval=2",
        "RRULE:FREQ=MONTHLY; INTERVAL=2",
        "FREQ=MONTHLY;UNTIL=20281231T235959Z",
        "FREQ=YEARLY;BYMONTH=3,10;BYMONTHDAY=1;COUNT=4",
    ],
)
def test_what_the_form_lets_through_the_series_accepts(measure, typed):
    form = EvaluationCycleForm(
        data={"rhythm": "custom", "first_due": "01.03.2027", "rrule": typed}, measure=measure
    )
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    recurrence.series(rhythm=data["rhythm"], first_due=data["first_due"], rule=data["rrule"])


def test_a_rule_typed_for_another_rhythm_is_forgotten(measure):
    form = EvaluationCycleForm(
        data={"rhythm": "monthly", "first_due": "01.03.2027", "rrule": "nonsense"},
        measure=measure,
    )
    assert form.is_valid()
    assert form.cleaned_data["rrule"] == ""


# --- maintenance routines --------------------------------------------------------------------


def routine_data(owner, **changes):
    return {
        "kind": "training",
        "description": "Kurs for nye kontaktlærere",
        "owner": owner.pk,
        "recurrence": "custom",
        "first_date": "15.08.2027",
        "rrule": "FREQ=YEARLY",
        **changes,
    }


@pytest.mark.parametrize("rule", ["FREQ=SOMETIMES", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", ""])
def test_a_routine_refuses_a_bad_rule_on_create_and_update(login, team_lead, measure, rule):
    client = login(team_lead)
    response = client.post(
        measure_url("maintenance_routine_create", measure), routine_data(team_lead, rrule=rule)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["rrule"]
    assert not MaintenanceRoutine.objects.exists()

    routine = MaintenanceRoutine.objects.create(
        measure=measure,
        kind="training",
        description="Kurs",
        owner=team_lead,
        recurrence="yearly",
        first_date=dt.date(2027, 8, 15),
    )
    response = client.post(
        measure_url("maintenance_routine_update", measure, routine.pk),
        routine_data(team_lead, rrule=rule),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["rrule"]
    routine.refresh_from_db()
    assert (routine.recurrence, routine.rrule) == ("yearly", "")
    # The plan beside it still reads the routine as saved.
    assert client.get(measure_url("continuation", measure)).status_code == 200


def test_a_routine_points_out_a_bad_rule_even_when_the_date_is_refused(login, team_lead, measure):
    response = login(team_lead).post(
        measure_url("maintenance_routine_create", measure),
        routine_data(team_lead, first_date="40.08.2027", rrule="FREQ=HOURLY"),
    )
    assert set(response.context["form"].errors) == {"first_date", "rrule"}


# --- events on the annual wheel --------------------------------------------------------------


def event_data(ring, **changes):
    return {
        "title": "Foreldremøte",
        "kind": "meeting",
        "ring": ring.pk,
        "start_date": "24.11.2027",
        "recurrence": "custom",
        "rrule": "FREQ=MONTHLY",
        **changes,
    }


@pytest.mark.parametrize("rule", ["FREQ=SOMETIMES", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", ""])
def test_an_event_refuses_a_bad_rule_on_create_and_update(organization, coordinator, login, rule):
    ring = RingFactory(organization=organization)
    client = login(coordinator)
    create = reverse("event_create", kwargs={"org_slug": organization.slug})
    response = client.post(create, event_data(ring, rrule=rule))
    assert response.status_code == 200
    assert response.context["form"].errors["rrule"]
    assert not Event.objects.exists()

    event = EventFactory(organization=organization, ring=ring, title="Planlegging")
    update = reverse("event_update", kwargs={"org_slug": organization.slug, "pk": event.pk})
    response = client.post(update, event_data(ring, title="Nytt navn", rrule=rule))
    assert response.status_code == 200
    assert response.context["form"].errors["rrule"]
    # The page around the refused form names the event as saved, not as typed.
    assert response.context["event"].title == "Planlegging"
    assert 'value="Nytt navn"' in response.content.decode()
    event.refresh_from_db()
    assert (event.title, event.recurrence) == ("Planlegging", "")


def test_an_event_points_out_a_bad_rule_even_when_the_date_is_refused(
    organization, coordinator, login
):
    ring = RingFactory(organization=organization)
    response = login(coordinator).post(
        reverse("event_create", kwargs={"org_slug": organization.slug}),
        event_data(ring, start_date="31.02.2027", rrule="FREQ=HOURLY"),
    )
    assert {"start_date", "rrule"} <= set(response.context["form"].errors)
