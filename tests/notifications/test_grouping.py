"""Escalations for one coordinator on one day go out as one message (notifications/grouping.py):
one email listing every overdue item, grouped by organisation and kind, each with its link,
and one in-app notification listing the same items. At most one such message a day.

Time is frozen with time_machine at Oslo wall-clock times; mail is Django's test outbox,
read after the dispatcher ran (``outbox.dispatch.dispatch`` first, as every mail test).
"""

from __future__ import annotations

import smtplib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from notifications import dispatch, grouping, planning
from notifications.models import Notification, Reminder
from organizations.models import Role
from outbox import dispatch as outbox_dispatch
from reflections.models import ActionItem
from tests.factories import (
    ActionItemFactory,
    LearningMeetingFactory,
    MeasureFactory,
    MembershipFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
NOON = datetime(2026, 10, 1, 12, tzinfo=OSLO)  # the first start, a Thursday


def run(when: datetime = NOON) -> int:
    """Plans and dispatches at ``when``, as the periodic tasks do; returns the emails sent."""
    mail.outbox.clear()
    with time_machine.travel(when, tick=False):
        for organization in planning.active_organizations():
            planning.plan_organization(organization)
        outbox_dispatch.dispatch()
        dispatch.dispatch()
    return len(mail.outbox)


def overdue_work(organization, coordinator, *, evaluations: int, action_items: int) -> None:
    """A programme coordinated by ``coordinator`` with that many overdue evaluations and
    open action items overdue (the organisation's limit is 7 days)."""
    program = ProgramFactory(organization=organization, coordinator=coordinator, name="Oppvekst")
    for n in range(evaluations):
        MeasureFactory(
            program=program, name=f"Tiltak {n}", next_evaluation_due=date(2026, 9, 1 + n)
        )
    if action_items:
        measure = MeasureFactory(program=program, name="Trygge friminutt")
        meeting = LearningMeetingFactory(measure=measure, date=date(2026, 8, 20))
        for n in range(action_items):
            ActionItemFactory(meeting=meeting, text=f"Punkt {n}", due_date=date(2026, 9, 10 + n))


@pytest.fixture
def english(coordinator):
    coordinator.language = "en"
    coordinator.save()
    return coordinator


def test_the_first_start_sends_one_email_listing_every_overdue_item(organization, english):
    overdue_work(organization, english, evaluations=4, action_items=8)
    assert run() == 1  # it was 12, eight of them "Action item overdue: …"
    [message] = mail.outbox
    assert message.to == [english.email]
    assert message.subject == f"12 overdue items to follow up in {organization.name}"
    assert "Overdue evaluations" in message.body
    assert "Overdue action items from learning meetings" in message.body
    for n in range(4):
        assert f"- Tiltak {n} (Oppvekst): due " in message.body
    for n in range(8):
        assert f"- Punkt {n} (Trygge friminutt): due " in message.body
    # The evaluations first, then the action items, each with its own link.
    assert message.body.index("Tiltak 3") < message.body.index("Punkt 0")
    links = [line.strip() for line in message.body.splitlines() if "#action-" in line]
    assert len(set(links)) == 8 and all(link.startswith(settings.SITE_URL) for link in links)
    assert "due Tuesday 1 September 2026, 30 days overdue" in message.body
    [(html, _mimetype)] = message.alternatives
    assert html.count('class="action"') == 12
    rows = Reminder.objects.filter(kind="escalation")
    assert set(rows.values_list("state", flat=True)) == {"sent"}
    # And one notification in the product that lists them all.
    [notification] = Notification.objects.filter(recipient=english)
    assert notification.items.count() == 12
    assert notification.title == "12 overdue items to follow up"
    assert set(rows.values_list("told_in", flat=True)) == {notification.pk}


def test_planning_and_dispatching_again_sends_nothing_more(organization, english):
    overdue_work(organization, english, evaluations=2, action_items=2)
    assert run() == 1
    assert run(NOON + timedelta(minutes=15)) == 0
    assert run(NOON + timedelta(days=1)) == 0  # nothing newly overdue


def test_one_overdue_item_keeps_its_own_email(organization, english):
    overdue_work(organization, english, evaluations=0, action_items=1)
    assert run() == 1
    assert mail.outbox[0].subject == "Action item overdue: Punkt 0"
    [notification] = Notification.objects.all()
    assert (notification.title, notification.path) == (
        "Punkt 0",
        Reminder.objects.get().path,
    )


def test_a_coordinator_in_two_organisations_gets_one_email_in_sections(
    organization, other_organization, english
):
    MembershipFactory(organization=other_organization, user=english, role=Role.COORDINATOR)
    overdue_work(organization, english, evaluations=1, action_items=0)
    overdue_work(other_organization, english, evaluations=0, action_items=2)
    assert run() == 1
    [message] = mail.outbox
    assert message.subject == "3 overdue items to follow up"
    body = message.body
    first, second = sorted([organization.name, other_organization.name])
    assert body.index(f"== {first} ==") < body.index(f"== {second} ==")
    assert f"Sent by Tiltakshjulet for {organization.name}." in body
    assert f"Sent by Tiltakshjulet for {other_organization.name}." in body


def test_each_coordinator_gets_only_their_own_items(organization, coordinator, english):
    other = MembershipFactory(organization=organization, role=Role.COORDINATOR).user
    overdue_work(organization, english, evaluations=2, action_items=0)
    overdue_work(organization, other, evaluations=0, action_items=3)
    assert run() == 2
    by_person = {tuple(message.to): message for message in mail.outbox}
    assert "2 overdue items" in by_person[(english.email,)].subject
    # The other coordinator reads bokmål, the default language.
    assert "3 forsinkede punkter" in by_person[(other.email,)].subject


def test_an_item_done_before_sending_is_left_out(organization, english):
    overdue_work(organization, english, evaluations=0, action_items=3)
    with time_machine.travel(NOON, tick=False):
        planning.plan_organization(organization)
    ActionItem.objects.filter(text="Punkt 1").update(status=ActionItem.Status.DONE)
    mail.outbox.clear()
    with time_machine.travel(NOON, tick=False):
        outbox_dispatch.dispatch()
        dispatch.dispatch()
    [message] = mail.outbox
    assert message.subject.startswith("2 overdue items")
    assert "Punkt 1" not in message.body
    assert Reminder.objects.get(title="Punkt 1").state == "cancelled"


def test_what_becomes_due_later_the_same_day_waits_for_the_next_morning(organization, english):
    overdue_work(organization, english, evaluations=2, action_items=0)
    assert run() == 1
    # Later that day an item is made overdue (its due date corrected into the past).
    late = MeasureFactory(
        program=organization.programs.get(), name="Sent", next_evaluation_due=date(2026, 9, 2)
    )
    assert run(NOON + timedelta(hours=3)) == 0
    row = Reminder.objects.get(subject_key__startswith=f"evaluation-{late.pk}-")
    assert (row.state, row.due_at) == ("pending", datetime(2026, 10, 2, 7, tzinfo=OSLO))
    assert run(datetime(2026, 10, 2, 6, 59, tzinfo=OSLO)) == 0
    assert run(datetime(2026, 10, 2, 7, tzinfo=OSLO)) == 1
    assert mail.outbox[0].subject == "Evaluation overdue: Sent"
    assert Notification.objects.filter(recipient=english).count() == 2


def test_the_day_ends_at_midnight_in_oslo(organization, english):
    """Escalations due before the next midnight join the claim; from midnight they wait."""
    overdue_work(organization, english, evaluations=3, action_items=0)
    with time_machine.travel(NOON, tick=False):
        planning.plan_organization(organization)
    first, second, third = Reminder.objects.order_by("pk")
    midnight = datetime(2026, 10, 2, 0, 0, tzinfo=OSLO)
    Reminder.objects.filter(pk=second.pk).update(due_at=midnight - timedelta(seconds=1))
    Reminder.objects.filter(pk=third.pk).update(due_at=midnight)
    with time_machine.travel(NOON, tick=False):
        batch = dispatch.claim()
    assert sorted(batch.ids) == [first.pk, second.pk]


def test_a_failed_attempt_retries_the_group_as_one(organization, english, settings):
    overdue_work(organization, english, evaluations=3, action_items=0)
    with time_machine.travel(NOON, tick=False):
        planning.plan_organization(organization)
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    with time_machine.travel(NOON, tick=False):
        dispatch.dispatch()
    rows = Reminder.objects.filter(kind="escalation")
    assert {(row.state, row.attempts) for row in rows} == {("pending", 1)}
    assert Notification.objects.count() == 1  # made before the email, kept for the retry
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run(NOON + timedelta(minutes=2)) == 1
    assert set(rows.values_list("state", flat=True)) == {"sent"}
    assert Notification.objects.count() == 1
    assert Notification.objects.get().items.count() == 3


class DownBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("away")


def test_the_in_app_list_shows_the_days_items_together_each_with_its_label(
    login, organization, english
):
    overdue_work(organization, english, evaluations=1, action_items=2)
    run()
    body = login(english).get(reverse("notification_list")).content.decode()
    assert body.count("notification-title") == 1
    assert "3 overdue items to follow up" in body
    assert body.count("Action item overdue since") == 2
    assert body.count("Evaluation overdue since 01.09.2026") == 1
    for row in Reminder.objects.all():
        assert f'href="{row.path}"' in body


def test_the_grouped_list_costs_a_fixed_number_of_queries(
    login, organization, english, django_assert_max_num_queries
):
    overdue_work(organization, english, evaluations=2, action_items=6)
    run()
    client = login(english)
    client.get(reverse("notification_list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("notification_list"))
    Reminder.objects.all().delete()
    Notification.objects.all().delete()
    overdue_work(organization, english, evaluations=1, action_items=1)
    run(NOON + timedelta(days=3))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("notification_list"))


def test_day_start_is_local_midnight():
    moment = datetime(2026, 10, 1, 0, 30, tzinfo=OSLO)
    assert grouping.day_start(moment) == datetime(2026, 10, 1, 0, 0, tzinfo=OSLO)


def test_titles_are_escaped_in_html_and_plain_in_text(organization, english):
    overdue_work(organization, english, evaluations=0, action_items=2)
    ActionItem.objects.filter(text="Punkt 0").update(text="Ring <b>foreldre</b> & skole")
    assert run() == 1
    [message] = mail.outbox
    [(html, _mimetype)] = message.alternatives
    assert "- Ring <b>foreldre</b> & skole (Trygge friminutt)" in message.body
    assert "Ring &lt;b&gt;foreldre&lt;/b&gt; &amp; skole" in html
    assert "<b>foreldre" not in html
