"""The reminder flow end to end in one process: plan, dispatch, the email, the notification."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from notifications import dispatch, planning
from notifications.models import Notification, Reminder
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def test_a_planned_reminder_is_sent_once_at_seven_in_the_morning(organization, team_lead):
    event = EventFactory(
        organization=organization,
        title="Budsjettseminar",
        start_date=date(2026, 10, 15),
        place="Rådhuset",
        responsible=team_lead,
    )
    with time_machine.travel(datetime(2026, 10, 1, 12, tzinfo=OSLO), tick=False):
        first = planning.plan_organization(organization)
        again = planning.plan_organization(organization)
    assert (first.created, again.created) == (2, 0)  # 7 and 1 days before
    week_before = Reminder.objects.get(key=f"event-{event.pk}-2026-10-15:{team_lead.pk}:7")
    assert week_before.due_at == datetime(2026, 10, 8, 7, tzinfo=OSLO)

    with time_machine.travel(datetime(2026, 10, 8, 7, 1, tzinfo=OSLO), tick=False):
        assert dispatch.dispatch() == 1
        assert dispatch.dispatch() == 0
    [message] = mail.outbox
    assert message.to == [team_lead.email]
    assert "Budsjettseminar" in message.subject
    assert "Rådhuset" in message.body
    assert message.extra_headers["Message-ID"] == week_before.message_id
    week_before.refresh_from_db()
    assert week_before.state == Reminder.State.SENT
    assert Notification.objects.get(recipient=team_lead).title == "Budsjettseminar"


def test_moving_the_event_cancels_the_old_reminders(organization, team_lead):
    event = EventFactory(
        organization=organization, start_date=date(2026, 10, 15), responsible=team_lead
    )
    with time_machine.travel(datetime(2026, 10, 1, 12, tzinfo=OSLO), tick=False):
        planning.plan_organization(organization)
        event.start_date = date(2026, 10, 22)
        event.save()
        result = planning.plan_organization(organization)
    assert (result.created, result.cancelled) == (2, 2)


def test_an_event_without_anyone_responsible_is_shown_as_a_gap(organization):
    event = EventFactory(organization=organization, start_date=date(2026, 10, 15))
    with time_machine.travel(datetime(2026, 10, 1, 12, tzinfo=OSLO), tick=False):
        planning.plan_organization(organization)
    row = Reminder.objects.get(subject_key=f"event-{event.pk}-2026-10-15")
    assert (row.state, row.problem, row.recipient) == ("failed", "no_recipient", None)


def test_far_past_due_reminders_are_missed_not_sent_late(organization, team_lead):
    EventFactory(organization=organization, start_date=date(2026, 10, 15), responsible=team_lead)
    with time_machine.travel(datetime(2026, 10, 1, 12, tzinfo=OSLO), tick=False):
        planning.plan_organization(organization)
    with time_machine.travel(datetime(2026, 10, 14, 20, tzinfo=OSLO), tick=False):
        dispatch.dispatch()
    states = dict(Reminder.objects.values_list("offset_days", "state"))
    assert states == {7: "missed", 1: "missed"}
    assert mail.outbox == []


def test_an_event_moved_between_planner_runs_is_not_reminded_of_as_it_was(
    organization, team_lead, member
):
    event = EventFactory(
        organization=organization, start_date=date(2026, 10, 15), responsible=team_lead
    )
    event.participants.add(member)
    with time_machine.travel(datetime(2026, 10, 1, 12, tzinfo=OSLO), tick=False):
        planning.plan_organization(organization)
    # Before the next planner run: moved a week on, and the member no longer takes part.
    event.start_date = date(2026, 10, 22)
    event.save()
    event.participants.remove(member)
    with time_machine.travel(datetime(2026, 10, 8, 7, 1, tzinfo=OSLO), tick=False):
        dispatch.dispatch()
    assert mail.outbox == []
    week_before = Reminder.objects.filter(offset_days=7, subject_key__endswith="2026-10-15")
    assert set(week_before.values_list("state", flat=True)) == {"cancelled"}
