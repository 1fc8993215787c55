"""Learning meetings and open action items on the annual wheel (reflections/sources.py), and
the reminders they give: participants of a meeting, owners of action items, and the
coordinator told of an item left overdue.

Time is frozen at noon on Thursday 1 October 2026 (Oslo) for the reminders, as in
tests/notifications/test_planning.py.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from dataversion import versions
from notifications import planning
from notifications.dispatch import claim, deliver
from notifications.models import Reminder
from organizations.models import Role
from reflections.models import ActionItem, LearningMeeting
from tests.factories import (
    ActionItemFactory,
    LearningMeetingFactory,
    MeasureFactory,
    MembershipFactory,
    ProgramFactory,
    UnitFactory,
    UserFactory,
    WheelFactory,
)
from yearwheel.models import Kind, Ring
from yearwheel.occurrences import Scope, occurrences_between

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NOON = datetime(2026, 10, 1, 12, tzinfo=OSLO)
AUTUMN = (date(2026, 8, 1), date(2026, 12, 31))


def seven(day: date) -> datetime:
    return datetime.combine(day, time(7), tzinfo=OSLO)


def plan(organization, when: datetime = NOON) -> planning.PlanResult:
    with time_machine.travel(when, tick=False):
        return planning.plan_organization(organization)


def found(organization, scope=None, start=AUTUMN[0], end=AUTUMN[1]) -> dict[str, object]:
    return {o.key: o for o in occurrences_between(organization, start, end, scope)}


def member_of(organization, role=Role.MEMBER, **fields):
    return MembershipFactory(organization=organization, role=role, user=UserFactory(**fields)).user


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(
        program__organization=organization, name="Trygge friminutt", team_lead=team_lead
    )


@pytest.fixture
def meeting(measure, member):
    return LearningMeetingFactory(
        measure=measure,
        title="Lærende møte om friminuttene",
        date=date(2026, 10, 15),
        place="Møterom 2",
        participants=[member],
    )


# --- the occurrences ---------------------------------------------------------------------------


def test_a_meeting_is_a_meeting_place_with_its_team_lead_and_participants(
    organization, measure, meeting, team_lead, member
):
    occurrence = found(organization)[f"meeting-{meeting.pk}"]
    assert occurrence.source == Ring.Source.MEETINGS
    assert occurrence.kind == Kind.MEETING
    assert (occurrence.title, occurrence.start, occurrence.end) == (
        "Lærende møte om friminuttene",
        date(2026, 10, 15),
        date(2026, 10, 15),
    )
    assert (occurrence.start_time, occurrence.end_time) == (time(9), time(11))
    assert occurrence.place == "Møterom 2"
    assert occurrence.url == meeting.get_absolute_url()
    assert occurrence.responsible_id == team_lead.pk
    assert occurrence.responsible == str(team_lead)
    assert occurrence.participant_ids == (member.pk,)
    assert (occurrence.measure_id, occurrence.measure_name) == (measure.pk, "Trygge friminutt")
    assert occurrence.program_name == measure.program.name


def test_a_programme_meeting_falls_to_the_programmes_coordinator(organization, coordinator):
    program = ProgramFactory(organization=organization, coordinator=coordinator)
    meeting = LearningMeetingFactory(
        measure=None, program=program, organization=organization, date=date(2026, 9, 10)
    )
    occurrence = found(organization)[f"meeting-{meeting.pk}"]
    assert occurrence.responsible_id == coordinator.pk
    assert (occurrence.measure_id, occurrence.program_name) == (None, program.name)
    assert occurrence.participant_ids == ()


def test_an_open_action_item_is_a_deadline_of_its_owner(organization, meeting, member):
    item = ActionItemFactory(meeting=meeting, owner=member, text="Lage ny vaktplan")
    occurrence = found(organization)[f"action-{item.pk}"]
    assert occurrence.source == Ring.Source.ACTIONS
    assert occurrence.kind == Kind.DEADLINE
    assert (occurrence.title, occurrence.start) == ("Lage ny vaktplan", item.due_date)
    assert occurrence.url == f"{meeting.get_absolute_url()}#action-{item.pk}"
    assert (occurrence.responsible_id, occurrence.responsible) == (member.pk, str(member))
    assert occurrence.measure_name == "Trygge friminutt"


def test_done_dropped_and_archived_things_are_not_on_the_wheel(organization, measure, meeting):
    done = ActionItemFactory(meeting=meeting, status=ActionItem.Status.DONE)
    dropped = ActionItemFactory(meeting=meeting, status=ActionItem.Status.DROPPED)
    archived = LearningMeetingFactory(measure=measure, is_archived=True)
    of_archived = ActionItemFactory(meeting=archived)
    gone_measure = MeasureFactory(program=measure.program, is_archived=True)
    of_gone_measure = LearningMeetingFactory(measure=gone_measure)
    outside = LearningMeetingFactory(measure=measure, date=date(2027, 1, 5))
    elsewhere = LearningMeetingFactory()  # another organisation's
    keys = found(organization).keys()
    assert f"meeting-{meeting.pk}" in keys
    for gone in (
        f"action-{done.pk}",
        f"action-{dropped.pk}",
        f"meeting-{archived.pk}",
        f"action-{of_archived.pk}",
        f"meeting-{of_gone_measure.pk}",
        f"meeting-{outside.pk}",
        f"meeting-{elsewhere.pk}",
    ):
        assert gone not in keys


def test_the_scope_narrows_meetings_and_items_like_the_other_sources(organization):
    unit = UnitFactory(organization=organization)
    program = ProgramFactory(organization=organization)
    program.units.add(unit)
    other_program = ProgramFactory(organization=organization)
    measure = MeasureFactory(program=program)
    sibling = MeasureFactory(program=program)
    led_by_unit = MeasureFactory(program=other_program, responsible_unit=unit)
    elsewhere = MeasureFactory(program=other_program)
    on_measure = LearningMeetingFactory(measure=measure)
    on_sibling = LearningMeetingFactory(measure=sibling)
    on_unit_measure = LearningMeetingFactory(measure=led_by_unit)
    on_elsewhere = LearningMeetingFactory(measure=elsewhere)
    on_program = LearningMeetingFactory(measure=None, program=program, organization=organization)
    on_other_program = LearningMeetingFactory(
        measure=None, program=other_program, organization=organization
    )
    item = ActionItemFactory(meeting=on_program)
    elsewhere_item = ActionItemFactory(meeting=on_elsewhere)

    def meetings(scope):
        keys = found(organization, scope).keys()
        return {
            meeting.pk
            for meeting in (
                on_measure,
                on_sibling,
                on_unit_measure,
                on_elsewhere,
                on_program,
                on_other_program,
            )
            if f"meeting-{meeting.pk}" in keys
        }, {i.pk for i in (item, elsewhere_item) if f"action-{i.pk}" in keys}

    assert meetings(Scope(program_id=program.pk)) == (
        {on_measure.pk, on_sibling.pk, on_program.pk},
        {item.pk},
    )
    # Narrowed to one measure, the programme's own meetings are left out.
    assert meetings(Scope(measure_id=measure.pk)) == ({on_measure.pk}, set())
    # A unit covers the measures it leads, those of the programmes it takes part in, and
    # those programmes' meetings.
    assert meetings(Scope(unit_id=unit.pk)) == (
        {on_measure.pk, on_sibling.pk, on_unit_measure.pk, on_program.pk},
        {item.pk},
    )
    assert meetings(Scope(program_id=other_program.pk)) == (
        {on_unit_measure.pk, on_elsewhere.pk, on_other_program.pk},
        {elsewhere_item.pk},
    )


def test_sources_cost_two_queries_for_meetings_and_one_for_items(
    organization, measure, django_assert_num_queries
):
    for n in range(20):
        meeting = LearningMeetingFactory(
            measure=measure, date=date(2026, 9, 1 + n), participants=[UserFactory()]
        )
        ActionItemFactory(meeting=meeting)
    from reflections.sources import action_items, learning_meetings

    with django_assert_num_queries(2):
        assert len(list(learning_meetings.occurrences(organization, *AUTUMN, Scope()))) == 20
    with django_assert_num_queries(1):
        assert len(list(action_items.occurrences(organization, *AUTUMN, Scope()))) == 20


# --- the wheel and the agenda ------------------------------------------------------------------


@pytest.fixture
def wheel(organization):
    return WheelFactory(organization=organization, year=2026, start_month=1)


def wheel_url(name, organization, year=2026):
    return reverse(name, kwargs={"org_slug": organization.slug, "year": year})


def placed(response) -> dict[str, str]:
    """Occurrence key -> the source of the ring it is drawn in."""
    return {p.occurrence.key: p.ring.source for p in response.context["content"].items}


def test_the_wheel_draws_meetings_and_open_items_in_their_system_rings(
    organization, wheel, meeting, member, login
):
    item = ActionItemFactory(meeting=meeting, owner=member)
    done = ActionItemFactory(meeting=meeting, owner=member, status=ActionItem.Status.DONE)
    client = login(member)
    drawn = placed(client.get(wheel_url("wheel_detail", organization)))
    assert drawn[f"meeting-{meeting.pk}"] == Ring.Source.MEETINGS
    assert drawn[f"action-{item.pk}"] == Ring.Source.ACTIONS
    assert f"action-{done.pk}" not in drawn

    # Marked done, the item leaves the wheel.
    item.status = ActionItem.Status.DONE
    item.save()
    assert f"action-{item.pk}" not in placed(client.get(wheel_url("wheel_detail", organization)))


def test_the_wheel_filter_by_ring_and_kind_applies(organization, wheel, meeting, member, login):
    item = ActionItemFactory(meeting=meeting, owner=member)
    client = login(member)
    client.get(wheel_url("wheel_detail", organization))  # makes the system rings
    meetings_ring = Ring.objects.get(organization=organization, source=Ring.Source.MEETINGS)
    only_meetings = placed(
        client.get(wheel_url("wheel_detail", organization), {"ring": meetings_ring.pk})
    )
    assert set(only_meetings) == {f"meeting-{meeting.pk}"}
    deadlines = placed(client.get(wheel_url("wheel_detail", organization), {"kind": "deadline"}))
    assert set(deadlines) == {f"action-{item.pk}"}
    other = ProgramFactory(organization=organization)
    assert placed(client.get(wheel_url("wheel_detail", organization), {"program": other.pk})) == {}


def test_a_hidden_system_ring_hides_them(organization, wheel, meeting, member, login):
    client = login(member)
    client.get(wheel_url("wheel_detail", organization))
    Ring.objects.filter(organization=organization, source=Ring.Source.MEETINGS).update(
        is_visible=False
    )
    assert f"meeting-{meeting.pk}" not in placed(
        client.get(wheel_url("wheel_detail", organization))
    )


def test_the_agenda_lists_meetings_and_open_items(organization, wheel, meeting, member, login):
    ActionItemFactory(meeting=meeting, owner=member, text="Lage ny vaktplan")
    ActionItemFactory(
        meeting=meeting, owner=member, text="Ferdig allerede", status=ActionItem.Status.DONE
    )
    response = login(member).get(
        wheel_url("wheel_agenda", organization), {"zoom": f"m{meeting.date.month}"}
    )
    titles = [row.occurrence.title for row in response.context["month"].rows]
    assert "Lærende møte om friminuttene" in titles
    assert "Lage ny vaktplan" in titles
    assert "Ferdig allerede" not in titles


def test_the_wheel_costs_the_same_queries_for_5_and_50_meetings_and_items(
    organization, wheel, measure, member, login, django_assert_num_queries
):
    people = [member_of(organization) for _ in range(3)]

    def add(count):
        for n in range(count):
            meeting = LearningMeetingFactory(
                measure=measure, date=date(2026, 1 + n % 12, 1 + n % 28), participants=people
            )
            ActionItemFactory(meeting=meeting, owner=people[n % 3], due_date=meeting.date)

    add(5)
    client = login(member)
    client.get(wheel_url("wheel_detail", organization))  # makes the system rings
    versions.bump([organization.pk])  # gathered afresh, as after any write
    with CaptureQueriesContext(connection) as few:
        response = client.get(wheel_url("wheel_detail", organization))
    assert len(response.context["content"].items) == 10
    add(45)
    with django_assert_num_queries(len(few)):
        response = client.get(wheel_url("wheel_detail", organization))
    assert len(response.context["content"].items) == 100
    versions.bump([organization.pk])  # the agenda built afresh too (its filter is shared)
    with CaptureQueriesContext(connection) as agenda:
        client.get(wheel_url("wheel_agenda", organization))
    LearningMeeting.objects.filter(organization=organization).update(place="Rådhuset")
    versions.bump([organization.pk])  # a queryset update sends no signal
    with django_assert_num_queries(len(agenda)):
        client.get(wheel_url("wheel_agenda", organization))


# --- reminders ---------------------------------------------------------------------------------


def test_participants_and_the_team_lead_are_reminded_of_a_meeting(
    organization, meeting, member, team_lead
):
    plan(organization)
    subject = f"meeting-{meeting.pk}"
    rows = Reminder.objects.filter(subject_key=subject, state=Reminder.State.PENDING)
    assert {(row.recipient_id, row.offset_days) for row in rows} == {
        (member.pk, 7),
        (member.pk, 1),
        (team_lead.pk, 7),
        (team_lead.pk, 1),
    }
    row = rows.get(recipient=member, offset_days=1)
    assert row.due_at == seven(date(2026, 10, 14))
    assert (row.title, row.place, row.kind_of_item) == (
        "Lærende møte om friminuttene",
        "Møterom 2",
        Kind.MEETING,
    )
    assert row.path == meeting.get_absolute_url()
    assert row.about == "Trygge friminutt"

    # A second run creates nothing twice.
    assert plan(organization).created == 0


def test_a_moved_meeting_keeps_its_rows_with_the_new_date(organization, meeting, member):
    plan(organization)
    meeting.date = date(2026, 10, 22)
    meeting.save()
    plan(organization)
    row = Reminder.objects.get(subject_key=f"meeting-{meeting.pk}", recipient=member, offset_days=1)
    assert row.state == Reminder.State.PENDING
    assert (row.starts_on, row.ends_on) == (date(2026, 10, 22), date(2026, 10, 22))
    assert row.due_at == seven(date(2026, 10, 21))


def test_a_participant_removed_is_no_longer_reminded(organization, meeting, member):
    plan(organization)
    meeting.participants.clear()
    plan(organization)
    states = set(
        Reminder.objects.filter(subject_key=f"meeting-{meeting.pk}", recipient=member).values_list(
            "state", flat=True
        )
    )
    assert states == {Reminder.State.CANCELLED}


def test_the_owner_is_reminded_of_an_open_item_and_not_once_it_is_done(
    organization, meeting, member, team_lead
):
    item = ActionItemFactory(meeting=meeting, owner=member, due_date=date(2026, 10, 20))
    plan(organization)
    rows = Reminder.objects.filter(subject_key=f"action-{item.pk}")
    assert {(row.recipient_id, row.offset_days, row.state) for row in rows} == {
        (member.pk, 7, Reminder.State.PENDING),
        (member.pk, 1, Reminder.State.PENDING),
    }
    assert rows.first().kind_of_item == Kind.DEADLINE
    item.status = ActionItem.Status.DONE
    item.save()
    plan(organization)
    assert set(rows.values_list("state", flat=True)) == {Reminder.State.CANCELLED}


@pytest.fixture
def overdue(organization, meeting, member):
    # Due 20 September: seven days later (the default limit) is 27 September, before today.
    return ActionItemFactory(
        meeting=meeting, owner=member, text="Skrive rutinen", due_date=date(2026, 9, 20)
    )


def escalations(item) -> list[Reminder]:
    return list(
        Reminder.objects.filter(
            kind=Reminder.Kind.ESCALATION, subject_key__startswith=f"action-{item.pk}-"
        ).order_by("recipient_id")
    )


def test_an_overdue_item_goes_to_the_programmes_coordinator_once(
    organization, measure, overdue, coordinator
):
    other = member_of(organization, Role.COORDINATOR)
    measure.program.coordinator = coordinator
    measure.program.save()
    plan(organization)
    plan(organization, NOON + timedelta(hours=1))
    (row,) = escalations(overdue)
    assert row.recipient == coordinator != other
    assert row.subject_key == f"action-{overdue.pk}-2026-09-20"
    assert (row.title, row.starts_on, row.about) == (
        "Skrive rutinen",
        date(2026, 9, 20),
        "Trygge friminutt",
    )
    assert row.path == f"{overdue.meeting.get_absolute_url()}#action-{overdue.pk}"
    assert row.state == Reminder.State.PENDING
    # Planned late (after the day it became due), it is still sent: an overdue item stays so.
    assert row.due_at >= NOON - planning.MISSED_AFTER

    # Given a new date that passes too, it is told again.
    overdue.due_date = date(2026, 9, 23)
    overdue.save()
    plan(organization)
    assert len(escalations(overdue)) == 2


def test_without_a_programme_coordinator_every_coordinator_is_told(
    organization, overdue, coordinator
):
    other = member_of(organization, Role.COORDINATOR)
    plan(organization)
    assert [row.recipient for row in escalations(overdue)] == sorted(
        [coordinator, other], key=lambda user: user.pk
    )


def test_without_any_coordinator_the_gap_is_recorded(organization, overdue):
    plan(organization)
    (row,) = escalations(overdue)
    assert (row.recipient, row.state, row.problem) == (
        None,
        Reminder.State.FAILED,
        Reminder.Problem.NO_RECIPIENT,
    )


def test_no_escalation_before_the_limit_nor_for_a_done_item(
    organization, meeting, member, coordinator
):
    recent = ActionItemFactory(meeting=meeting, owner=member, due_date=date(2026, 9, 25))
    done = ActionItemFactory(
        meeting=meeting,
        owner=member,
        due_date=date(2026, 9, 1),
        status=ActionItem.Status.DONE,
    )
    plan(organization)
    assert escalations(recent) == []
    assert escalations(done) == []
    # The day the limit is reached, it is planned for seven in the morning.
    plan(organization, datetime(2026, 10, 2, 0, 15, tzinfo=OSLO))
    (row,) = escalations(recent)
    assert row.due_at == seven(date(2026, 10, 2))


def test_the_escalation_email_names_the_item_and_its_owner(
    organization, measure, overdue, coordinator, member, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    coordinator.language = "en"
    coordinator.save()
    member.full_name = "Mona Medlem"
    member.save()
    plan(organization)
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        batch = claim()
        for pk in batch.ids:
            deliver(pk, batch.token)
    (message,) = [m for m in mail.outbox if coordinator.email in m.to]
    with translation.override("en"):
        assert message.subject == "Action item overdue: Skrive rutinen"
    assert "Mona Medlem" in message.body
    assert "11 days later" in message.body
    assert f"#action-{overdue.pk}" in message.body
    html = message.alternatives[0][0]
    assert "Mona Medlem" in html and 'lang="en"' in html


def test_an_archived_measures_items_are_not_escalated(organization, measure, overdue, coordinator):
    measure.is_archived = True
    measure.save()
    plan(organization)
    assert escalations(overdue) == []


def test_an_item_ticked_off_after_planning_is_neither_reminded_of_nor_escalated(
    organization, meeting, member, coordinator, overdue
):
    """The team may close an item between the planner's run and seven o'clock: the dispatcher
    reads the item again just before sending."""
    from notifications import dispatch

    coming = ActionItemFactory(meeting=meeting, owner=member, due_date=date(2026, 10, 2))
    plan(organization)
    assert escalations(overdue) and Reminder.objects.filter(subject_key=f"action-{coming.pk}")
    for item in (overdue, coming):
        item.status = ActionItem.Status.DONE
        item.save()
    # Past both: the escalation (planned late, due at once) and the day-before reminder.
    with time_machine.travel(NOON + timedelta(minutes=1), tick=False):
        dispatch.dispatch()
    assert mail.outbox == []
    assert {row.state for row in escalations(overdue)} == {Reminder.State.CANCELLED}
    day_before = Reminder.objects.get(subject_key=f"action-{coming.pk}", offset_days=1)
    assert day_before.state == Reminder.State.CANCELLED


def test_an_item_handed_to_someone_else_is_not_reminded_to_the_first_owner(
    organization, meeting, member, team_lead
):
    from notifications import dispatch

    item = ActionItemFactory(meeting=meeting, owner=member, due_date=date(2026, 10, 2))
    plan(organization)
    item.owner = team_lead
    item.save()
    with time_machine.travel(seven(date(2026, 10, 1)) + timedelta(minutes=1), tick=False):
        dispatch.dispatch()
    assert mail.outbox == []


def test_calendars_get_a_meeting_at_its_hours_and_an_item_as_a_whole_day(
    organization, wheel, meeting, member, login
):
    import icalendar

    item = ActionItemFactory(meeting=meeting, owner=member, due_date=date(2026, 10, 29))
    response = login(member).get(wheel_url("wheel_ics", organization))
    assert response.status_code == 200
    entries = {
        str(entry["uid"]).split("@")[0]: entry
        for entry in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }
    held = entries[f"meeting-{meeting.pk}"]
    assert held.decoded("dtstart") == datetime(2026, 10, 15, 9, tzinfo=OSLO)
    assert held.decoded("dtend") == datetime(2026, 10, 15, 11, tzinfo=OSLO)
    due = entries[f"action-{item.pk}"]
    assert due.decoded("dtstart") == date(2026, 10, 29)
