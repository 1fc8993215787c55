"""Events: the form's defaults and checks, who may change what, the event page, skipping a
date, archiving, and the measure page's section."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    EventFactory,
    GoalFactory,
    MeasureFactory,
    ProgramFactory,
    RingFactory,
    UserFactory,
    WheelFactory,
)
from yearwheel.models import Event, Kind, Recurrence, Ring

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def login(login):
    """Logs in with English as the person's language: the middleware follows the user, so
    the pages (and the messages checked here) are in English."""

    def _login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        return login(user)

    return _login


def url(name, organization, **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


@pytest.fixture
def ring(organization):
    return RingFactory(organization=organization, name="Skole", default_kind=Kind.MEETING)


def event_data(ring, **changes):
    data = {
        "title": "Foreldremøte",
        "kind": Kind.MEETING,
        "ring": ring.pk,
        "start_date": "24.11.2026",
        "end_date": "",
        "start_time": "18:00",
        "end_time": "19:30",
        "place": "Aulaen",
        "description": "",
        "recurrence": "",
        "rrule": "",
        "repeat_until": "",
        "exceptions": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def errors_of(response):
    return {
        name: " ".join(str(e) for e in errors)
        for name, errors in response.context["form"].errors.items()
    }


# --- the new-event form -----------------------------------------------------------------------


def test_the_query_string_fills_in_ring_kind_date_and_measure(
    organization, coordinator, ring, login
):
    measure = MeasureFactory(program__organization=organization)
    client = login(coordinator)

    form = client.get(
        url("event_create", organization),
        {"ring": ring.pk, "date": "2026-10-15", "measure": measure.pk},
    ).context["form"]
    assert form["ring"].value() == ring.pk
    assert form["kind"].value() == Kind.MEETING  # the ring's usual kind
    assert form["start_date"].value() == date(2026, 10, 15)
    assert form["measure"].value() == measure.pk

    form = client.get(
        url("event_create", organization), {"ring": ring.pk, "kind": Kind.DEADLINE}
    ).context["form"]
    assert form["kind"].value() == Kind.DEADLINE
    assert form["start_date"].value() == TODAY


def test_query_values_from_elsewhere_are_ignored(
    organization, other_organization, coordinator, login
):
    foreign_ring = RingFactory(organization=other_organization)
    foreign_measure = MeasureFactory(program__organization=other_organization)
    form = (
        login(coordinator)
        .get(
            url("event_create", organization),
            {
                "ring": foreign_ring.pk,
                "measure": foreign_measure.pk,
                "date": "31.02.2026",
                "kind": "x",
            },
        )
        .context["form"]
    )
    assert form["ring"].value() is None
    assert form["measure"].value() is None
    assert form["kind"].value() is None
    assert form["start_date"].value() == TODAY


def test_only_own_rings_in_use_hold_events(organization, other_organization, coordinator, login):
    own = RingFactory(organization=organization, name="Skole")
    RingFactory(organization=organization, name="Gammel", is_archived=True)
    RingFactory(organization=other_organization, name="Nabo")
    client = login(coordinator)
    client.get(url("ring_list", organization))  # makes the system rings
    system = Ring.objects.filter(organization=organization).exclude(source="").first()

    form = client.get(url("event_create", organization)).context["form"]
    assert list(form.fields["ring"].queryset) == [own]

    response = client.post(url("event_create", organization), event_data(system))
    assert "ring" in errors_of(response)


def test_saving_a_new_event(organization, coordinator, ring, member, login):
    measure = MeasureFactory(program__organization=organization)
    goal = GoalFactory(measure=measure)
    response = login(coordinator).post(
        url("event_create", organization),
        event_data(
            ring,
            kind="",
            measure=measure.pk,
            goal=goal.pk,
            responsible=coordinator.pk,
            participants=[member.pk],
        ),
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert event.kind == Kind.MEETING  # empty: the ring's usual kind
    assert (event.start_date, event.start_time, event.end_time) == (
        date(2026, 11, 24),
        time(18),
        time(19, 30),
    )
    assert event.program == measure.program  # set from the measure
    assert event.goal == goal
    assert event.created_by == coordinator
    assert list(event.participants.all()) == [member]
    assert event.organization == organization


def test_after_saving_it_returns_to_a_local_next_page_only(organization, coordinator, ring, login):
    client = login(coordinator)
    agenda = url("wheel_agenda", organization, year=2026) + "?kind=meeting"

    response = client.post(
        url("event_create", organization)
        + "?next="
        + agenda.replace("?", "%3F").replace("=", "%3D"),
        event_data(ring),
    )
    assert response["Location"] == agenda

    response = client.post(
        url("event_create", organization), {**event_data(ring), "next": "https://evil.example/"}
    )
    assert response["Location"] == Event.objects.order_by("pk").last().get_absolute_url()

    response = client.get(url("event_create", organization), {"next": "//evil.example/x"})
    assert response.context["next"] == ""
    assert response.context["cancel_url"] == url("wheel_index", organization)


# --- the checks -------------------------------------------------------------------------------

BAD_INPUT = [
    pytest.param(
        {"start_date": "10.11.2026", "end_date": "09.11.2026"},
        "end_date",
        "The event cannot end before it starts.",
        id="end-before-start",
    ),
    pytest.param(
        {"start_time": "", "end_time": "12:00"},
        "end_time",
        "Give a start time before an end time.",
        id="end-time-without-start-time",
    ),
    pytest.param(
        {"start_time": "14:00", "end_time": "13:00"},
        "end_time",
        "The event cannot end before it starts.",
        id="end-time-before-start-time",
    ),
    pytest.param(
        {"recurrence": "custom", "rrule": "FREQ=HOURLY"},
        "rrule",
        "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY",
        id="invalid-rrule",
    ),
    pytest.param(
        {"recurrence": "custom", "rrule": "BANANA"},
        "rrule",
        "is not a part of a recurrence rule",
        id="rrule-nonsense",
    ),
    pytest.param(
        {"recurrence": "custom", "rrule": ""},
        "rrule",
        "Write a recurrence rule for “A rhythm of its own”",
        id="custom-without-rule",
    ),
    pytest.param(
        {"recurrence": "monthly", "start_date": "31.01.2026"},
        "recurrence",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        id="monthly-from-the-31st",
    ),
    pytest.param(
        {"recurrence": "term", "start_date": "29.08.2026"},
        "recurrence",
        "would skip the months that have no such day",
        id="term-from-the-29th",
    ),
    pytest.param(
        {"recurrence": "weekly", "repeat_until": "01.11.2026"},
        "repeat_until",
        "The repetition cannot end before the first date.",
        id="until-before-start",
    ),
    pytest.param(
        {"recurrence": "custom", "rrule": "FREQ=WEEKLY;COUNT=4", "repeat_until": "31.12.2026"},
        "repeat_until",
        "The rule already says when the repetition ends",
        id="until-with-count",
    ),
    pytest.param(
        {
            "recurrence": "custom",
            "rrule": "FREQ=WEEKLY;UNTIL=20261231",
            "repeat_until": "31.12.2026",
        },
        "repeat_until",
        "The rule already says when the repetition ends",
        id="until-with-until",
    ),
    pytest.param(
        {"recurrence": "weekly", "exceptions": "25.11.2026"},
        "exceptions",
        "Not a date of the series: 25.11.2026.",
        id="exception-not-in-series",
    ),
    pytest.param(
        {"exceptions": "24.11.2026"},
        "exceptions",
        "Only a repeating event can skip dates.",
        id="exception-of-a-single-event",
    ),
    pytest.param(
        {"recurrence": "weekly", "exceptions": "1.12.2026, jul"},
        "exceptions",
        "“jul” is not a date.",
        id="exception-not-a-date",
    ),
    pytest.param({"title": ""}, "title", "Fill in this field.", id="no-title"),
    pytest.param(
        {"start_date": "32.13.2026"}, "start_date", "Write the date as dd.mm.yyyy", id="bad-date"
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_clear_message(
    organization, coordinator, ring, login, changes, field, message
):
    with translation.override("en"):
        response = login(coordinator).post(
            url("event_create", organization), event_data(ring, **changes)
        )
        page = response.content.decode()
        errors = errors_of(response)
    assert response.status_code == 200
    assert message in errors.get(field, ""), errors
    assert "Nothing was saved." in page
    assert not Event.objects.exists()


def test_a_goal_of_another_measure_and_a_foreign_programme_are_refused(
    organization, coordinator, ring, login
):
    measure = MeasureFactory(program__organization=organization, name="Trygge friminutt")
    other = MeasureFactory(program__organization=organization, name="Leseglede")
    other_program = ProgramFactory(organization=organization)
    with translation.override("en"):
        response = login(coordinator).post(
            url("event_create", organization),
            event_data(
                ring,
                measure=measure.pk,
                goal=GoalFactory(measure=other).pk,
                program=other_program.pk,
            ),
        )
    errors = errors_of(response)
    assert "This goal belongs to the measure “Leseglede”" in errors["goal"]
    assert "The measure belongs to the programme" in errors["program"]
    assert not Event.objects.exists()


def test_a_goal_alone_brings_its_measure_and_programme(organization, coordinator, ring, login):
    goal = GoalFactory(measure=MeasureFactory(program__organization=organization))
    login(coordinator).post(url("event_create", organization), event_data(ring, goal=goal.pk))
    event = Event.objects.get()
    assert (event.measure, event.program) == (goal.measure, goal.measure.program)


def test_people_and_measures_are_the_organisations_own(
    organization, other_organization, coordinator, ring, outsider, login
):
    foreign = MeasureFactory(program__organization=other_organization)
    archived = MeasureFactory(program__organization=organization, is_archived=True)
    response = login(coordinator).post(
        url("event_create", organization),
        event_data(ring, responsible=outsider.pk, measure=foreign.pk),
    )
    assert {"responsible", "measure"} <= set(errors_of(response))
    form = response.context["form"]
    assert archived not in form.fields["measure"].queryset
    assert UserFactory() not in form.fields["participants"].queryset


def test_a_custom_rule_and_exceptions_are_stored_in_normal_form(
    organization, coordinator, ring, login
):
    client = login(coordinator)
    client.post(
        url("event_create", organization),
        event_data(
            ring,
            recurrence="custom",
            rrule="rrule:freq=weekly; byday=tu",
            exceptions="8.12.2026, 1.12.2026,",
        ),
    )
    event = Event.objects.get()
    assert event.rrule == "FREQ=WEEKLY;BYDAY=TU"
    assert event.exceptions == ["2026-12-01", "2026-12-08"]

    form = client.get(url("event_update", organization, pk=event.pk)).context["form"]
    assert form["exceptions"].value() == "01.12.2026, 08.12.2026"


def test_a_monthly_event_on_the_last_day_uses_a_custom_rule(organization, coordinator, ring, login):
    login(coordinator).post(
        url("event_create", organization),
        event_data(
            ring, start_date="31.01.2026", recurrence="custom", rrule="FREQ=MONTHLY;BYMONTHDAY=-1"
        ),
    )
    event = Event.objects.get()
    assert event.occurrences(date(2026, 2, 1), date(2026, 4, 30)) == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


def test_a_rule_is_forgotten_when_the_event_does_not_use_it(organization, coordinator, ring, login):
    login(coordinator).post(
        url("event_create", organization),
        event_data(ring, recurrence="", rrule="FREQ=DAILY", repeat_until="31.12.2026"),
    )
    event = Event.objects.get()
    assert (event.rrule, event.repeat_until, event.exceptions) == ("", None, [])


# --- who may change an event ---------------------------------------------------------------------


def test_a_team_lead_changes_the_events_they_have_a_hand_in(
    organization, team_lead, coordinator, ring, login
):
    led = MeasureFactory(program__organization=organization, team_lead=team_lead)
    theirs_by_measure = EventFactory(organization=organization, ring=ring, measure=led)
    theirs_by_making = EventFactory(organization=organization, ring=ring, created_by=team_lead)
    theirs_by_responsibility = EventFactory(
        organization=organization, ring=ring, responsible=team_lead
    )
    others = EventFactory(
        organization=organization,
        ring=ring,
        created_by=coordinator,
        measure=MeasureFactory(program__organization=organization),
    )
    client = login(team_lead)

    for event in (theirs_by_measure, theirs_by_making, theirs_by_responsibility):
        assert client.get(url("event_update", organization, pk=event.pk)).status_code == 200
        response = client.post(
            url("event_update", organization, pk=event.pk),
            event_data(ring, title="Endret", measure=event.measure_id or ""),
        )
        assert response.status_code == 302, errors_of(response)
    assert client.get(url("event_update", organization, pk=others.pk)).status_code == 403
    assert client.post(url("event_archive", organization, pk=others.pk)).status_code == 403
    assert client.get(url("event_create", organization)).status_code == 200

    page = client.get(url("event_detail", organization, pk=others.pk)).content.decode()
    assert url("event_update", organization, pk=others.pk) not in page


def test_members_read_events_but_change_none(organization, member, ring, login):
    event = EventFactory(organization=organization, ring=ring, created_by=member)
    client = login(member)
    assert client.get(url("event_detail", organization, pk=event.pk)).status_code == 200
    assert client.get(url("event_create", organization)).status_code == 403
    assert client.get(url("event_update", organization, pk=event.pk)).status_code == 403


def test_another_organisations_event_is_not_found(
    organization, other_organization, coordinator, login
):
    event = EventFactory(organization=other_organization)
    client = login(coordinator)
    assert client.get(url("event_detail", organization, pk=event.pk)).status_code == 404
    assert client.post(url("event_skip", organization, pk=event.pk)).status_code == 404


# --- the event page, skipping a date -----------------------------------------------------------


@pytest.fixture
def weekly(organization, ring):
    # Tuesdays from 3 November 2026.
    return EventFactory(
        organization=organization,
        ring=ring,
        title="Åpen hall",
        start_date=date(2026, 11, 3),
        recurrence=Recurrence.WEEKLY,
        exceptions=["2026-12-01"],
    )


def test_the_event_page_shows_the_next_dates_and_the_skipped_ones(
    organization, coordinator, member, weekly, login
):
    with translation.override("en"):
        response = login(coordinator).get(url("event_detail", organization, pk=weekly.pk))
    assert response.context["upcoming"] == [
        date(2026, 11, 24),
        date(2026, 12, 8),
        date(2026, 12, 15),
        date(2026, 12, 22),
        date(2026, 12, 29),
    ]
    assert response.context["exceptions"] == [date(2026, 12, 1)]
    page = response.content.decode()
    assert page.count(url("event_skip", organization, pk=weekly.pk)) == 5
    assert 'value="2026-11-24"' in page
    assert "History of changes" in page

    page = login(member).get(url("event_detail", organization, pk=weekly.pk)).content.decode()
    assert url("event_skip", organization, pk=weekly.pk) not in page


def test_skipping_a_date_of_the_series(organization, coordinator, weekly, login):
    client = login(coordinator)
    skip = url("event_skip", organization, pk=weekly.pk)

    response = client.post(skip, {"date": "2026-11-24"})
    weekly.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"].startswith(weekly.get_absolute_url())
    assert weekly.exceptions == ["2026-11-24", "2026-12-01"]


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"date": "2026-11-25"}, "25.11.2026 is not a date of this event."),
        ({"date": "2026-12-01"}, "The event already skips 01.12.2026."),
        ({"date": "tirsdag"}, "Choose a date of the event to skip."),
        ({}, "Choose a date of the event to skip."),
    ],
)
def test_a_date_that_is_not_in_the_series_cannot_be_skipped(
    organization, coordinator, weekly, login, posted, message
):
    with translation.override("en"):
        response = login(coordinator).post(url("event_skip", organization, pk=weekly.pk), posted)
        texts = [str(m) for m in get_messages(response.wsgi_request)]
    weekly.refresh_from_db()
    assert response.status_code == 302
    assert texts == [message]
    assert weekly.exceptions == ["2026-12-01"]


def test_a_single_event_has_no_dates_to_skip(organization, coordinator, ring, login):
    event = EventFactory(organization=organization, ring=ring, start_date=date(2026, 11, 24))
    with translation.override("en"):
        response = login(coordinator).post(
            url("event_skip", organization, pk=event.pk), {"date": "2026-11-24"}
        )
        texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == ["Only a repeating event can skip a date."]


def test_archiving_and_restoring_an_event(organization, coordinator, weekly, login):
    client = login(coordinator)
    assert client.post(url("event_archive", organization, pk=weekly.pk)).status_code == 302
    weekly.refresh_from_db()
    assert weekly.is_archived
    assert not Event.objects.active().filter(pk=weekly.pk).exists()
    assert client.get(url("event_detail", organization, pk=weekly.pk)).status_code == 200

    assert client.post(url("event_restore", organization, pk=weekly.pk)).status_code == 302
    weekly.refresh_from_db()
    assert not weekly.is_archived


# --- the measure page ------------------------------------------------------------------------


def test_the_measure_page_shows_the_next_five_occurrences(
    organization, coordinator, ring, login, django_assert_max_num_queries
):
    WheelFactory(organization=organization, year=2026, start_month=1)
    measure = MeasureFactory(program__organization=organization, team_lead=coordinator)
    EventFactory(
        organization=organization,
        ring=ring,
        measure=measure,
        title="Teammøte",
        start_date=date(2026, 11, 3),
        recurrence=Recurrence.WEEKLY,
    )
    EventFactory(organization=organization, ring=ring, title="Ikke dette tiltaket")
    client = login(coordinator)

    with translation.override("en"):
        response = client.get(measure.get_absolute_url())
    page = response.content.decode()
    [section] = [s for s in response.context["sections"] if s.template.startswith("yearwheel/")]
    rows = section.context["rows"]
    assert [row["occurrence"].start for row in rows] == [
        date(2026, 11, 24),
        date(2026, 12, 1),
        date(2026, 12, 8),
        date(2026, 12, 15),
        date(2026, 12, 22),
    ]
    assert "On the annual wheel" in page
    assert "Ikke dette tiltaket" not in page
    agenda = url("wheel_agenda", organization, year=2026) + f"?measure={measure.pk}"
    assert agenda in page
    assert url("event_create", organization) + f"?measure={measure.pk}" in page


def test_the_measure_section_costs_the_same_for_many_events(organization, coordinator, ring, rf):
    from yearwheel.views.events import measure_section

    WheelFactory(organization=organization, year=2026, start_month=1)
    measure = MeasureFactory(program__organization=organization)
    request = rf.get("/")
    request.organization = organization
    request.user = coordinator

    def count():
        with CaptureQueriesContext(connection) as queries:
            measure_section(request, measure)
        return len(queries)

    EventFactory(
        organization=organization, ring=ring, measure=measure, start_date=date(2026, 12, 1)
    )
    count()  # the permission check remembers the membership on the user
    few = count()
    EventFactory.create_batch(
        20, organization=organization, ring=ring, measure=measure, start_date=date(2026, 12, 2)
    )
    assert count() == few


def test_without_a_wheel_the_section_links_to_the_wheel_list(organization, member, login):
    measure = MeasureFactory(program__organization=organization)
    with translation.override("en"):
        page = login(member).get(measure.get_absolute_url()).content.decode()
    assert "Nothing on the annual wheel for this measure in the coming year." in page
    assert url("wheel_index", organization) in page
    assert url("event_create", organization) + "?measure" not in page
