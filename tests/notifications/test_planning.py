"""The planner (notifications/planning.py): which reminder rows the upcoming occurrences
become, when they are due, and what a re-plan refreshes, cancels and leaves alone.

Time is frozen with time_machine at Oslo wall-clock times; "today" is Thursday 1 October 2026
unless a test says otherwise, so the window runs to 2 December 2026.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures.models import Measure
from notifications import planning
from notifications.models import Reminder
from organizations.models import Membership, Role
from phases.models import ImplementationPlan, MaintenanceRoutine, PlannedActivity
from tests.factories import (
    EvaluationCycleFactory,
    EventFactory,
    MeasureFactory,
    MembershipFactory,
    OrganizationFactory,
    ProgramFactory,
    RingFactory,
)
from yearwheel.models import Recurrence

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
NOON = datetime(2026, 10, 1, 12, tzinfo=OSLO)


def plan(organization, when: datetime = NOON) -> planning.PlanResult:
    with time_machine.travel(when, tick=False):
        return planning.plan_organization(organization)


def keys(**filters) -> set[str]:
    return set(Reminder.objects.filter(**filters).values_list("key", flat=True))


def offsets(subject_key: str, recipient) -> set[int]:
    return set(
        Reminder.objects.filter(
            subject_key=subject_key, recipient=recipient, state=Reminder.State.PENDING
        ).values_list("offset_days", flat=True)
    )


def fresh(row: Reminder) -> Reminder:
    row.refresh_from_db()
    return row


def seven(day: date) -> datetime:
    return datetime.combine(day, time(7), tzinfo=OSLO)


# --- the window --------------------------------------------------------------------------------


def test_occurrences_up_to_62_days_ahead_are_planned_and_later_ones_not(organization, team_lead):
    last = EventFactory(
        organization=organization, start_date=date(2026, 12, 2), responsible=team_lead
    )
    beyond = EventFactory(
        organization=organization, start_date=date(2026, 12, 3), responsible=team_lead
    )
    plan(organization)
    assert offsets(f"event-{last.pk}-2026-12-02", team_lead) == {7, 1}
    assert not Reminder.objects.filter(subject_key__startswith=f"event-{beyond.pk}-").exists()
    # A day later the window has moved on, and the next occurrence is planned.
    plan(organization, NOON + timedelta(days=1))
    assert offsets(f"event-{beyond.pk}-2026-12-03", team_lead) == {7, 1}


def test_occurrences_already_begun_are_not_planned(organization, team_lead):
    # A three-day seminar that began yesterday is still going on today: nothing to remind of.
    EventFactory(
        organization=organization,
        start_date=date(2026, 9, 30),
        end_date=date(2026, 10, 2),
        responsible=team_lead,
    )
    assert plan(organization).created == 0
    assert not Reminder.objects.exists()


# --- offsets -----------------------------------------------------------------------------------


def test_the_persons_own_reminder_days_decide_the_offsets(organization, team_lead, member):
    team_lead.reminder_days = [14, 3]
    team_lead.save()
    member.reminder_days = []  # no reminders, thanks
    member.save()
    event = EventFactory(
        organization=organization, start_date=date(2026, 10, 20), responsible=team_lead
    )
    event.participants.add(member)
    plan(organization)
    subject = f"event-{event.pk}-2026-10-20"
    assert offsets(subject, team_lead) == {14, 3}
    assert offsets(subject, member) == set()
    week_two = Reminder.objects.get(key=f"{subject}:{team_lead.pk}:14")
    assert week_two.due_at == seven(date(2026, 10, 6))
    assert (week_two.kind, week_two.title, week_two.starts_on) == (
        "before",
        event.title,
        date(2026, 10, 20),
    )


def test_the_events_own_reminder_days_override_everyones_setting(organization, team_lead, member):
    team_lead.reminder_days = [14, 3]
    team_lead.save()
    event = EventFactory(
        organization=organization,
        start_date=date(2026, 10, 20),
        responsible=team_lead,
        reminder_days=[2],
    )
    event.participants.add(member)
    silent = EventFactory(
        organization=organization,
        start_date=date(2026, 10, 21),
        responsible=team_lead,
        reminder_days=[],  # set, and empty: no reminders for this one
    )
    plan(organization)
    subject = f"event-{event.pk}-2026-10-20"
    assert offsets(subject, team_lead) == {2}
    assert offsets(subject, member) == {2}
    assert not Reminder.objects.filter(subject_key__startswith=f"event-{silent.pk}-").exists()


def test_offset_zero_is_seven_in_the_morning_on_the_day_itself(organization, team_lead):
    team_lead.reminder_days = [0]
    team_lead.save()
    later = EventFactory(
        organization=organization,
        start_date=date(2026, 10, 9),
        start_time=time(13, 0),
        responsible=team_lead,
    )
    plan(organization)
    row = Reminder.objects.get(key=f"event-{later.pk}-2026-10-09:{team_lead.pk}:0")
    assert row.due_at == seven(date(2026, 10, 9))
    assert row.start_time == time(13, 0)


def test_the_end_time_is_planned_and_refreshed(organization, team_lead):
    event = EventFactory(
        organization=organization,
        start_date=date(2026, 10, 9),
        start_time=time(9, 0),
        end_time=time(11, 0),
        responsible=team_lead,
    )
    plan(organization)
    assert set(Reminder.objects.values_list("start_time", "end_time")) == {(time(9), time(11))}
    event.end_time = time(11, 30)
    event.save()
    assert plan(organization).refreshed == Reminder.objects.count()
    assert set(Reminder.objects.values_list("end_time", flat=True)) == {time(11, 30)}


def test_a_reminder_for_today_is_planned_until_the_missed_cut_off(organization, team_lead):
    team_lead.reminder_days = [0]
    team_lead.save()
    EventFactory(organization=organization, start_date=date(2026, 10, 1), responsible=team_lead)
    # Made at 14:00: 07:00 + 6 hours has passed, the reminder would only be missed.
    assert plan(organization, datetime(2026, 10, 1, 14, tzinfo=OSLO)).created == 0
    # Made at 12:00: still useful, and due at once.
    assert plan(organization, datetime(2026, 10, 1, 12, tzinfo=OSLO)).created == 1
    assert Reminder.objects.get().due_at == seven(date(2026, 10, 1))


@pytest.mark.parametrize(
    ("starts", "offset", "due_utc"),
    [
        # Summer time begins on Sunday 29 March 2026 at 02:00: 07:00 is 05:00 UTC that day.
        (date(2026, 3, 30), 1, datetime(2026, 3, 29, 5, tzinfo=UTC)),
        (date(2026, 3, 28), 0, datetime(2026, 3, 28, 6, tzinfo=UTC)),  # the Saturday before
        (date(2026, 4, 2), 7, datetime(2026, 3, 26, 6, tzinfo=UTC)),  # a week across it
        # Summer time ends on Sunday 25 October 2026 at 03:00: 07:00 is 06:00 UTC that day.
        (date(2026, 10, 26), 1, datetime(2026, 10, 25, 6, tzinfo=UTC)),
        (date(2026, 10, 24), 0, datetime(2026, 10, 24, 5, tzinfo=UTC)),  # the Saturday before
        (date(2026, 10, 29), 7, datetime(2026, 10, 22, 5, tzinfo=UTC)),  # a week across it
    ],
)
def test_reminders_are_due_at_seven_oslo_time_across_daylight_saving_changes(
    organization, team_lead, starts, offset, due_utc
):
    event = EventFactory(
        organization=organization, start_date=starts, responsible=team_lead, reminder_days=[offset]
    )
    plan(organization, datetime.combine(starts - timedelta(days=14), time(12), tzinfo=OSLO))
    row = Reminder.objects.get(key=f"event-{event.pk}-{starts.isoformat()}:{team_lead.pk}:{offset}")
    assert row.due_at == due_utc
    assert row.due_at.astimezone(OSLO).time() == time(7, 0)


# --- recurring events --------------------------------------------------------------------------


def test_a_weekly_event_gets_one_row_per_occurrence_and_offset(organization, team_lead):
    event = EventFactory(
        organization=organization,
        title="Teammøte",
        start_date=date(2026, 9, 7),  # a Monday, begun before today
        recurrence=Recurrence.WEEKLY,
        exceptions=["2026-10-19"],  # autumn holiday
        responsible=team_lead,
    )
    result = plan(organization)
    # Mondays 5 October … 30 November (9), less the holiday: 8 occurrences, 2 offsets each,
    # less the week-before reminder of 5 October (due 28 September, long past).
    mondays = [date(2026, 10, 5) + timedelta(weeks=n) for n in range(9)]
    mondays.remove(date(2026, 10, 19))
    wanted = {(day, offset) for day in mondays for offset in (7, 1)} - {(date(2026, 10, 5), 7)}
    assert result.created == 15
    assert {(row.starts_on, row.offset_days) for row in Reminder.objects.all()} == wanted
    assert keys() == {
        f"event-{event.pk}-{day.isoformat()}:{team_lead.pk}:{offset}" for day, offset in wanted
    }
    # A week later 7 December has come into the window; the past Monday is left alone.
    later = plan(organization, NOON + timedelta(weeks=1))
    assert (later.created, later.cancelled) == (2, 0)
    assert offsets(f"event-{event.pk}-2026-12-07", team_lead) == {7, 1}


# --- cancellation and refresh ------------------------------------------------------------------


def test_moving_the_event_cancels_pending_rows_and_plans_the_new_date(organization, team_lead):
    event = EventFactory(
        organization=organization, start_date=date(2026, 10, 15), responsible=team_lead
    )
    plan(organization)
    event.start_date = date(2026, 10, 22)
    event.save()
    result = plan(organization)
    assert (result.created, result.cancelled) == (2, 2)
    assert keys(state="cancelled") == {
        f"event-{event.pk}-2026-10-15:{team_lead.pk}:7",
        f"event-{event.pk}-2026-10-15:{team_lead.pk}:1",
    }
    assert offsets(f"event-{event.pk}-2026-10-22", team_lead) == {7, 1}


def test_archiving_the_event_cancels_its_pending_rows(organization, team_lead):
    event = EventFactory(
        organization=organization, start_date=date(2026, 10, 15), responsible=team_lead
    )
    plan(organization)
    event.is_archived = True
    event.save()
    assert plan(organization).cancelled == 2
    assert set(Reminder.objects.values_list("state", flat=True)) == {"cancelled"}


def test_archiving_the_ring_cancels_the_pending_rows_of_its_events(organization, team_lead):
    ring = RingFactory(organization=organization)
    EventFactory(
        organization=organization, ring=ring, start_date=date(2026, 10, 15), responsible=team_lead
    )
    other = EventFactory(
        organization=organization, start_date=date(2026, 10, 16), responsible=team_lead
    )
    plan(organization)
    ring.is_archived = True
    ring.save()
    assert plan(organization).cancelled == 2
    assert keys(state="pending") == {
        f"event-{other.pk}-2026-10-16:{team_lead.pk}:7",
        f"event-{other.pk}-2026-10-16:{team_lead.pk}:1",
    }


def test_removing_a_participant_cancels_only_their_rows(organization, team_lead, member):
    event = EventFactory(
        organization=organization, start_date=date(2026, 10, 15), responsible=team_lead
    )
    event.participants.add(member)
    assert plan(organization).created == 4
    event.participants.remove(member)
    assert plan(organization).cancelled == 2
    subject = f"event-{event.pk}-2026-10-15"
    assert offsets(subject, member) == set()
    assert offsets(subject, team_lead) == {7, 1}


def test_cancelled_rows_wanted_again_are_revived(organization, team_lead, member):
    event = EventFactory(
        organization=organization, start_date=date(2026, 10, 15), responsible=team_lead
    )
    event.participants.add(member)
    plan(organization)
    subject = f"event-{event.pk}-2026-10-15"

    def outcome():
        result = plan(organization)
        return (result.created, result.cancelled, result.revived)

    # Moved a week, then back: the first date's rows (unique keys) come back to life.
    event.start_date = date(2026, 10, 22)
    event.save()
    assert outcome() == (4, 4, 0)
    event.start_date = date(2026, 10, 15)
    event.save()
    assert outcome() == (0, 4, 4)
    assert offsets(subject, team_lead) == offsets(subject, member) == {7, 1}
    # Archived by mistake and restored.
    event.is_archived = True
    event.save()
    assert outcome() == (0, 4, 0)
    event.is_archived = False
    event.save()
    assert outcome() == (0, 0, 4)
    # Taken off the list of participants and put back.
    event.participants.remove(member)
    assert outcome() == (0, 2, 0)
    event.participants.add(member)
    assert outcome() == (0, 0, 2)
    assert offsets(subject, member) == {7, 1}
    assert Reminder.objects.count() == 8  # the 22 October rows stay cancelled


def test_a_person_both_responsible_and_participant_is_reminded_once(organization, team_lead):
    event = EventFactory(
        organization=organization, start_date=date(2026, 10, 15), responsible=team_lead
    )
    event.participants.add(team_lead)
    assert plan(organization).created == 2


def test_a_new_title_or_place_refreshes_pending_rows(organization, team_lead):
    event = EventFactory(
        organization=organization,
        title="Budsjettmøte",
        place="Rådhuset",
        start_date=date(2026, 10, 15),
        responsible=team_lead,
    )
    plan(organization)
    event.title = "Budsjettmøte, flyttet rom"
    event.place = "Kulturhuset, sal 2"
    event.start_time = time(9, 30)
    event.save()
    result = plan(organization)
    assert (result.created, result.refreshed, result.cancelled) == (0, 2, 0)
    assert set(Reminder.objects.values_list("title", "place", "start_time", "state")) == {
        ("Budsjettmøte, flyttet rom", "Kulturhuset, sal 2", time(9, 30), "pending")
    }
    assert plan(organization).refreshed == 0  # nothing changed since


def test_rows_already_sent_are_never_changed_or_cancelled(organization, team_lead):
    event = EventFactory(
        organization=organization,
        title="Budsjettmøte",
        start_date=date(2026, 10, 15),
        responsible=team_lead,
    )
    plan(organization)
    week_before = f"event-{event.pk}-2026-10-15:{team_lead.pk}:7"
    Reminder.objects.filter(key=week_before).update(state=Reminder.State.SENT)
    sent = Reminder.objects.get(key=week_before)

    event.title = "Nytt navn"
    event.save()
    assert plan(organization).refreshed == 1  # only the pending day-before row
    event.is_archived = True
    event.save()
    assert plan(organization).cancelled == 1

    again = Reminder.objects.get(key=week_before)
    assert (again.state, again.title, again.updated_at) == ("sent", sent.title, sent.updated_at)


# --- people who cannot be reminded --------------------------------------------------------------


def test_nobody_responsible_is_one_failed_row(organization):
    event = EventFactory(organization=organization, start_date=date(2026, 10, 15))
    plan(organization)
    row = Reminder.objects.get()
    assert row.key == f"event-{event.pk}-2026-10-15:nobody"
    assert (row.state, row.problem, row.recipient) == ("failed", "no_recipient", None)


@pytest.mark.parametrize("how", ["membership", "user", "outsider"])
def test_a_person_not_an_active_member_is_one_failed_row(organization, team_lead, member, how):
    event = EventFactory(
        organization=organization, start_date=date(2026, 10, 15), responsible=team_lead
    )
    event.participants.add(member)
    plan(organization)
    gone = member
    if how == "membership":
        Membership.objects.filter(user=member).update(is_active=False)
    elif how == "user":
        member.is_active = False
        member.save()
    else:  # someone of another organisation was made a participant
        gone = MembershipFactory(organization=OrganizationFactory(), role=Role.MEMBER).user
        event.participants.add(gone)
    result = plan(organization)
    subject = f"event-{event.pk}-2026-10-15"
    row = Reminder.objects.get(key=f"{subject}:{gone.pk}:inactive")
    assert (row.state, row.problem, row.recipient) == ("failed", "inactive", gone)
    assert offsets(subject, gone) == set()
    assert offsets(subject, team_lead) == {7, 1}
    assert result.cancelled == (2 if gone == member else 0)


def test_a_gap_is_closed_when_someone_is_made_responsible(organization, team_lead):
    event = EventFactory(organization=organization, start_date=date(2026, 10, 15))
    plan(organization)
    gap = Reminder.objects.get(key=f"event-{event.pk}-2026-10-15:nobody")
    event.responsible = team_lead
    event.save()
    result = plan(organization)
    assert (result.created, result.cancelled) == (2, 1)
    # The coordinators' page lists failed rows: the gap leaves it.
    assert (fresh(gap).state, gap.problem) == ("cancelled", "no_recipient")
    event.responsible = None
    event.save()
    result = plan(organization)
    assert (result.cancelled, result.revived) == (2, 1)
    assert fresh(gap).state == "failed"


def test_a_gap_is_closed_when_the_person_is_active_again(organization, team_lead):
    event = EventFactory(
        organization=organization, start_date=date(2026, 10, 15), responsible=team_lead
    )
    plan(organization)
    Membership.objects.filter(user=team_lead).update(is_active=False)
    assert plan(organization).cancelled == 2
    Membership.objects.filter(user=team_lead).update(is_active=True)
    result = plan(organization)
    assert (result.created, result.cancelled, result.revived) == (0, 1, 2)
    subject = f"event-{event.pk}-2026-10-15"
    assert Reminder.objects.get(key=f"{subject}:{team_lead.pk}:inactive").state == "cancelled"
    assert offsets(subject, team_lead) == {7, 1}


def test_a_failure_of_the_dispatcher_is_history_and_stays(organization, team_lead):
    event = EventFactory(
        organization=organization, start_date=date(2026, 10, 15), responsible=team_lead
    )
    plan(organization)
    week_before = f"event-{event.pk}-2026-10-15:{team_lead.pk}:7"
    Reminder.objects.filter(key=week_before).update(
        state=Reminder.State.FAILED, problem=Reminder.Problem.REJECTED, attempts=1
    )
    event.is_archived = True
    event.save()
    assert plan(organization).cancelled == 1  # the day-before row only
    assert Reminder.objects.get(key=week_before).state == "failed"


# --- derived sources ---------------------------------------------------------------------------


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(
        program__organization=organization, name="Trygge friminutt", team_lead=team_lead
    )


def test_an_evaluation_due_date_reminds_the_measures_team_lead(organization, measure, team_lead):
    EvaluationCycleFactory(measure=measure, rhythm="yearly", first_due=date(2026, 10, 20))
    plan(organization)
    subject = f"evaluation-{measure.pk}-2026-10-20"
    assert offsets(subject, team_lead) == {7, 1}
    row = Reminder.objects.get(key=f"{subject}:{team_lead.pk}:7")
    assert "Trygge friminutt" in row.title
    assert (row.about, row.kind_of_item) == ("Trygge friminutt", "checkpoint")
    assert row.path == measure.get_absolute_url() + "#evaluations"


def test_a_planned_activity_reminds_its_responsible(organization, measure, member):
    plan_ = ImplementationPlan.objects.create(measure=measure)
    on_dates = PlannedActivity.objects.create(
        plan=plan_,
        what="Kurs for miljøarbeidere",
        start_date=date(2026, 10, 20),
        responsible=member,
    )
    in_a_month = PlannedActivity.objects.create(plan=plan_, what="Foreldremøte", month=11)
    plan(organization)
    assert offsets(f"activity-{on_dates.pk}-2026-10-20", member) == {7, 1}
    # An activity given a month begins on its first day; without anyone responsible: a gap.
    gap = Reminder.objects.get(subject_key=f"activity-{in_a_month.pk}-2026-11-01")
    assert (gap.state, gap.problem) == ("failed", "no_recipient")


def test_a_maintenance_routine_reminds_its_owner(organization, measure, coordinator):
    routine = MaintenanceRoutine.objects.create(
        measure=measure,
        kind=MaintenanceRoutine.Kind.TRAINING,
        description="Opplæring av nye ansatte",
        owner=coordinator,
        recurrence="yearly",
        first_date=date(2025, 10, 20),
    )
    plan(organization)
    assert offsets(f"routine-{routine.pk}-2026-10-20", coordinator) == {7, 1}


def test_derived_occurrences_of_archived_measures_are_cancelled(organization, measure, team_lead):
    EvaluationCycleFactory(measure=measure, rhythm="yearly", first_due=date(2026, 10, 20))
    plan(organization)
    Measure.objects.filter(pk=measure.pk).update(is_archived=True)
    assert plan(organization).cancelled == 2


# --- escalation of overdue evaluations ----------------------------------------------------------


def _overdue(organization, due: date, coordinator=None) -> Measure:
    return MeasureFactory(
        program=ProgramFactory(organization=organization, coordinator=coordinator),
        next_evaluation_due=due,
    )


def test_an_overdue_evaluation_goes_to_the_programme_coordinator_once(organization, coordinator):
    other = MembershipFactory(organization=organization, role=Role.COORDINATOR).user
    measure = _overdue(organization, date(2026, 9, 20), coordinator=coordinator)
    first = plan(organization)
    row = Reminder.objects.get(kind="escalation")
    assert row.key == f"escalation:evaluation-{measure.pk}-2026-09-20:{coordinator.pk}"
    assert (row.recipient, row.starts_on, row.title) == (
        coordinator,
        date(2026, 9, 20),
        measure.name,
    )
    # Overdue since long: due now (not planned in the past, where it would count as missed).
    assert NOON - planning.MISSED_AFTER < row.due_at <= NOON
    assert first.created == 1
    assert not Reminder.objects.filter(recipient=other).exists()

    # Sent, then planned again for days: nothing new while the same due date is missed.
    Reminder.objects.filter(pk=row.pk).update(state=Reminder.State.SENT)
    for day in range(1, 5):
        assert plan(organization, NOON + timedelta(days=day)).created == 0
    # The team evaluated late and missed the next due date too: escalated once more.
    Measure.objects.filter(pk=measure.pk).update(next_evaluation_due=date(2026, 10, 10))
    plan(organization, datetime(2026, 10, 20, 12, tzinfo=OSLO))
    assert keys(kind="escalation") == {
        f"escalation:evaluation-{measure.pk}-2026-09-20:{coordinator.pk}",
        f"escalation:evaluation-{measure.pk}-2026-10-10:{coordinator.pk}",
    }


def test_without_a_programme_coordinator_every_coordinator_is_told(organization, coordinator):
    second = MembershipFactory(organization=organization, role=Role.COORDINATOR).user
    MembershipFactory(organization=organization, role=Role.TEAM_LEAD)
    left = MembershipFactory(organization=organization, role=Role.COORDINATOR, is_active=False)
    _overdue(organization, date(2026, 9, 1))  # no programme coordinator
    # A programme coordinator who left the organisation counts as none.
    _overdue(organization, date(2026, 9, 2), coordinator=left.user)
    plan(organization)
    recipients = list(
        Reminder.objects.filter(kind="escalation").values_list("recipient_id", flat=True)
    )
    assert sorted(recipients) == sorted([coordinator.pk, second.pk] * 2)


def test_without_any_coordinator_the_escalation_is_a_visible_gap(organization, admin_user):
    measure = _overdue(organization, date(2026, 9, 1))
    plan(organization)
    row = Reminder.objects.get(kind="escalation")
    assert row.key == f"escalation:evaluation-{measure.pk}-2026-09-01:nobody"
    assert (row.recipient, row.state, row.problem) == (None, "failed", "no_recipient")
    assert plan(organization).created == 0


def test_an_escalation_is_due_at_seven_on_the_day_the_limit_is_reached(organization, coordinator):
    # Due 28 September, the organisation's limit is 7 days: on 5 October it is 7 days overdue.
    _overdue(organization, date(2026, 9, 28), coordinator=coordinator)
    assert plan(organization, datetime(2026, 10, 4, 23, 50, tzinfo=OSLO)).created == 0
    plan(organization, datetime(2026, 10, 5, 0, 5, tzinfo=OSLO))  # the first run that day
    row = Reminder.objects.get(kind="escalation")
    assert row.due_at == seven(date(2026, 10, 5))


def test_the_organisations_limit_decides_when_it_is_overdue(organization, coordinator):
    organization.escalate_after_days = 30
    organization.save()
    _overdue(organization, date(2026, 9, 20), coordinator=coordinator)
    plan(organization)
    assert not Reminder.objects.filter(kind="escalation").exists()
    plan(organization, datetime(2026, 10, 19, 23, 50, tzinfo=OSLO))
    assert not Reminder.objects.filter(kind="escalation").exists()
    plan(organization, datetime(2026, 10, 20, 0, 5, tzinfo=OSLO))  # 30 days overdue
    assert Reminder.objects.get(kind="escalation").due_at == seven(date(2026, 10, 20))


# --- digests -----------------------------------------------------------------------------------


def test_the_digest_is_planned_on_the_chosen_weekday(organization, team_lead, member):
    team_lead.digest_weekday = 0  # Monday
    team_lead.save()
    plan(organization)  # Thursday 1 October
    row = Reminder.objects.get(kind="digest")
    assert (row.recipient, row.starts_on, row.ends_on) == (
        team_lead,
        date(2026, 10, 5),
        date(2026, 10, 19),
    )
    assert row.due_at == seven(date(2026, 10, 5))
    assert not Reminder.objects.filter(recipient=member).exists()  # chose no digest


def test_the_digest_of_today_until_the_cut_off_then_next_week(organization, team_lead):
    team_lead.digest_weekday = 3  # Thursday, today
    team_lead.save()
    plan(organization, datetime(2026, 10, 1, 8, tzinfo=OSLO))
    plan(organization, datetime(2026, 10, 1, 14, tzinfo=OSLO))
    assert sorted(Reminder.objects.values_list("starts_on", flat=True)) == [
        date(2026, 10, 1),
        date(2026, 10, 8),
    ]


def test_choosing_another_weekday_or_none_cancels_the_pending_digest(organization, team_lead):
    team_lead.digest_weekday = 0  # Monday
    team_lead.save()
    plan(organization)
    team_lead.digest_weekday = 4  # Friday instead: one digest a week, not two
    team_lead.save()
    assert plan(organization).cancelled == 1
    assert list(Reminder.objects.filter(state="pending").values_list("starts_on", flat=True)) == [
        date(2026, 10, 2)
    ]
    team_lead.digest_weekday = None
    team_lead.save()
    assert plan(organization).cancelled == 1
    assert not Reminder.objects.filter(state="pending").exists()


# --- idempotence and cost ----------------------------------------------------------------------


def _snapshot() -> set[tuple]:
    return set(
        Reminder.objects.values_list(
            "key", "state", "problem", "due_at", "title", "recipient_id", "updated_at"
        )
    )


def test_planning_twice_gives_the_same_rows(organization, coordinator, team_lead, member):
    team_lead.digest_weekday = 2
    team_lead.save()
    event = EventFactory(
        organization=organization,
        start_date=date(2026, 10, 5),
        recurrence=Recurrence.WEEKLY,
        responsible=team_lead,
    )
    event.participants.add(member)
    EventFactory(organization=organization, start_date=date(2026, 10, 15))  # nobody
    EvaluationCycleFactory(
        measure=MeasureFactory(program__organization=organization, team_lead=team_lead),
        rhythm="monthly",
        first_due=date(2026, 10, 20),
    )
    _overdue(organization, date(2026, 9, 1), coordinator=coordinator)
    first = plan(organization)
    rows = _snapshot()
    again = plan(organization)
    assert first.created == len(rows) > 40
    assert (again.created, again.refreshed, again.cancelled) == (0, 0, 0)
    assert _snapshot() == rows


def _organization_with_events(count: int, overdue: int = 1):
    organization = OrganizationFactory()
    ring = RingFactory(organization=organization)
    lead = MembershipFactory(
        organization=organization, role=Role.TEAM_LEAD, user__digest_weekday=0
    ).user
    coordinator = MembershipFactory(organization=organization, role=Role.COORDINATOR).user
    helper = MembershipFactory(organization=organization, role=Role.MEMBER).user
    left = MembershipFactory(organization=organization, role=Role.MEMBER, is_active=False).user
    for n in range(count):
        event = EventFactory(
            organization=organization,
            ring=ring,
            start_date=date(2026, 10, 5) + timedelta(days=n % 50),
            responsible=lead if n % 5 else None,
            reminder_days=[3] if n % 7 == 0 else None,
        )
        if n % 2:
            event.participants.add(helper, left)
    EvaluationCycleFactory(
        measure=MeasureFactory(program__organization=organization, team_lead=lead),
        rhythm="monthly",
        first_due=date(2026, 10, 20),
    )
    for _ in range(overdue):
        _overdue(organization, date(2026, 9, 1), coordinator=coordinator)
    return organization


def _insert_batches(rows: int) -> int:
    """The INSERT statements bulk_create needs for ``rows`` reminders: Django gives SQLite 999
    parameters a statement (41 reminders of 24 columns), PostgreSQL the planner's 1,000."""
    fields = [field for field in Reminder._meta.concrete_fields if not field.primary_key]
    size = min(1000, connection.ops.bulk_batch_size(fields, [None] * rows))
    return math.ceil(rows / size)


def test_the_queries_of_a_plan_do_not_grow_with_the_number_of_events(django_assert_num_queries):
    """Nor with the number of overdue measures (escalations)."""
    small, large = _organization_with_events(5), _organization_with_events(50, overdue=10)
    with time_machine.travel(NOON, tick=False):
        with CaptureQueriesContext(connection) as first_small:
            created_small = planning.plan_organization(small).created
        with CaptureQueriesContext(connection) as first_large:
            created_large = planning.plan_organization(large).created
        assert created_large > 5 * created_small
        # The same queries for ten times the events; only the inserts come in batches.
        fixed = len(first_small) - _insert_batches(created_small)
        assert len(first_large) == fixed + _insert_batches(created_large)

        # A re-plan (every 15 minutes, nearly always with nothing new) costs the same, and
        # writes nothing.
        with CaptureQueriesContext(connection) as replan:
            planning.plan_organization(small)
        with django_assert_num_queries(len(replan)):
            planning.plan_organization(large)


def test_the_queries_of_a_plan_do_not_grow_with_the_evaluation_cycles():
    def organization_with_cycles(count: int):
        organization = OrganizationFactory()
        for _ in range(count):
            EvaluationCycleFactory(
                measure=MeasureFactory(program__organization=organization),
                rhythm="monthly",
                first_due=date(2026, 10, 20),
            )
        return organization

    one, ten = organization_with_cycles(1), organization_with_cycles(10)
    with time_machine.travel(NOON, tick=False):
        with CaptureQueriesContext(connection) as few:
            planning.plan_organization(one)
        with CaptureQueriesContext(connection) as many:
            planning.plan_organization(ten)
    assert len(many) == len(few)
