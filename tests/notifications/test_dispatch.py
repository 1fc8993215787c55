"""The dispatcher (notifications/dispatch.py): which rows it claims, what it does with rows
too late to be useful, how it retries a mail server that is away, what it never retries, and
that the in-app notification is made once.

Time is frozen with time_machine at Oslo wall-clock times. The mail backend is
``ScriptedBackend`` below: it raises the errors a test queues, one per message, then sends.
"""

from __future__ import annotations

import itertools
import smtplib
import socket
import uuid
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from notifications import dispatch
from notifications.models import Notification, Reminder
from organizations.models import Membership, User

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
SEVEN = datetime(2026, 10, 8, 7, tzinfo=OSLO)


class ScriptedBackend(BaseEmailBackend):
    """Raises the queued ``errors`` one per message (the first message gets the first error),
    and records the messages it lets through in ``sent``."""

    errors: ClassVar[list[BaseException]] = []
    sent: ClassVar[list[EmailMessage]] = []

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            if ScriptedBackend.errors:
                raise ScriptedBackend.errors.pop(0)
            ScriptedBackend.sent.append(message)
        return len(email_messages)


@pytest.fixture
def smtp(settings) -> Iterator[type[ScriptedBackend]]:
    settings.EMAIL_BACKEND = f"{__name__}.ScriptedBackend"
    ScriptedBackend.errors.clear()
    ScriptedBackend.sent.clear()
    yield ScriptedBackend
    ScriptedBackend.errors.clear()
    ScriptedBackend.sent.clear()


_numbers = itertools.count(1)


def reminder(organization, recipient: User | None, due_at: datetime = SEVEN, **fields) -> Reminder:
    """A pending reminder of a meeting on 9 October, due at ``due_at``. Its subject is a
    planned activity, not an own event, so it is sent without reading an Event row again
    (``still_wanted``; tested with real events in test_core_flow.py)."""
    n = next(_numbers)
    values = {
        "organization": organization,
        "recipient": recipient,
        "key": f"activity-{n}-2026-10-09:{recipient.pk if recipient else 'nobody'}:1",
        "kind": Reminder.Kind.BEFORE,
        "subject_key": f"activity-{n}-2026-10-09",
        "offset_days": 1,
        "title": f"Nettverksmøte {n}",
        "starts_on": date(2026, 10, 9),
        "ends_on": date(2026, 10, 9),
        "place": "Rådhuset",
        "about": "Trygge friminutt",
        "path": f"/o/testvik/wheel/events/{n}/",
        "kind_of_item": "meeting",
        "due_at": due_at,
    }
    values.update(fields)
    return Reminder.objects.create(**values)


def at(when: datetime):
    return time_machine.travel(when, tick=False)


def fresh(row: Reminder) -> Reminder:
    row.refresh_from_db()
    return row


# --- claiming ----------------------------------------------------------------------------------


def test_claim_takes_due_rows_earliest_first_up_to_the_limit(organization, team_lead):
    second = reminder(organization, team_lead, due_at=SEVEN - timedelta(minutes=20))
    first = reminder(organization, team_lead, due_at=SEVEN - timedelta(minutes=30))
    third = reminder(organization, team_lead)
    fourth = reminder(organization, team_lead)  # due at the same moment: by id
    not_yet = reminder(organization, team_lead, due_at=SEVEN + timedelta(minutes=1))
    reminder(organization, team_lead, due_at=SEVEN - timedelta(hours=1), state="sent")
    waiting = reminder(organization, team_lead, next_attempt_at=SEVEN + timedelta(minutes=2))
    with at(SEVEN):
        assert dispatch.claim(limit=3).ids == [first.pk, second.pk, third.pk]
        assert dispatch.claim(limit=3).ids == [fourth.pk]
        assert dispatch.claim(limit=3).ids == []
    assert {(row.state, row.claimed_at) for row in map(fresh, [first, second, third, fourth])} == {
        ("sending", SEVEN)
    }
    assert fresh(waiting).state == "pending"  # its retry is not due before 07:02
    Reminder.objects.filter(state="sending").update(state="sent")  # their leases would run out
    with at(SEVEN + timedelta(minutes=2)):
        assert dispatch.claim().ids == [waiting.pk, not_yet.pk]


def test_claim_takes_a_batch_at_a_time(organization, team_lead):
    rows = [reminder(organization, team_lead) for _ in range(dispatch.BATCH + 5)]
    with at(SEVEN):
        assert dispatch.claim().ids == [row.pk for row in rows[: dispatch.BATCH]]
        assert dispatch.claim().ids == [row.pk for row in rows[dispatch.BATCH :]]


def test_rows_more_than_six_hours_late_are_missed_and_never_sent(organization, team_lead, smtp):
    in_time = reminder(organization, team_lead)  # 07:00 + 6 h is exactly now: still sent
    late = reminder(organization, team_lead, due_at=SEVEN - timedelta(minutes=1))
    with at(SEVEN + timedelta(hours=6)):
        assert dispatch.dispatch() == 1
    late = fresh(late)
    assert (late.state, late.problem, late.attempts, late.sent_at) == (
        "missed",
        "too_late",
        0,
        None,
    )
    assert fresh(in_time).state == "sent"
    assert [message.extra_headers["Message-ID"] for message in smtp.sent] == [in_time.message_id]
    assert not Notification.objects.filter(reminder=late).exists()


def test_a_backlog_of_missed_rows_does_not_hold_up_rows_in_time(organization, team_lead, smtp):
    # The dispatcher was down all night: more than a batch of rows is past the cut-off.
    backlog = [
        reminder(organization, team_lead, due_at=SEVEN - timedelta(hours=12))
        for _ in range(dispatch.BATCH * 2 + 1)
    ]
    in_time = reminder(organization, team_lead)
    with at(SEVEN + timedelta(minutes=1)):
        assert dispatch.dispatch() == 1
    assert fresh(in_time).state == "sent"
    assert {fresh(row).state for row in backlog} == {"missed"}
    assert len(smtp.sent) == 1


# --- delivering --------------------------------------------------------------------------------


def test_a_sent_reminder_records_when_and_makes_one_notification(organization, team_lead, smtp):
    row = reminder(organization, team_lead)
    with at(SEVEN + timedelta(minutes=1)):
        assert dispatch.dispatch() == 1
    row = fresh(row)
    assert (row.state, row.attempts, row.sent_at, row.problem, row.last_error) == (
        "sent",
        1,
        SEVEN + timedelta(minutes=1),
        "",
        "",
    )
    [message] = smtp.sent
    assert message.to == [team_lead.email]
    assert message.extra_headers["Message-ID"] == row.message_id
    notification = Notification.objects.get()
    assert (notification.recipient, notification.title, notification.path) == (
        team_lead,
        row.title,
        row.path,
    )


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPResponseException(421, b"4.3.2 Service not available, closing channel"),
        smtplib.SMTPConnectError(421, b"Too many connections"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
        # Every recipient refused for now (greylisting, a full mailbox): try again later.
        smtplib.SMTPRecipientsRefused({"teamleder@testvik.test": (451, b"4.7.1 Greylisted")}),
        # Neither SMTP nor the network: a name server that did not answer, for instance.
        socket.gaierror(-3, "Temporary failure in name resolution"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_transient_error_is_retried_later(organization, team_lead, smtp, error):
    row = reminder(organization, team_lead)
    smtp.errors.append(error)
    with at(SEVEN):
        assert dispatch.dispatch() == 1
    row = fresh(row)
    assert (row.state, row.attempts, row.next_attempt_at, row.claimed_at) == (
        "pending",
        1,
        SEVEN + timedelta(minutes=2),
        None,
    )
    assert row.last_error
    with at(SEVEN + timedelta(minutes=2)):
        assert dispatch.dispatch() == 1
    assert (fresh(row).state, fresh(row).attempts) == ("sent", 2)
    assert len(smtp.sent) == 1


def test_retries_back_off_exponentially_until_sent(organization, team_lead, smtp):
    row = reminder(organization, team_lead)
    smtp.errors += [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPResponseException(421, b"4.3.2 Try again later"),
    ]
    with at(SEVEN):
        dispatch.dispatch()
    assert fresh(row).next_attempt_at == SEVEN + timedelta(minutes=2)
    assert "SMTPServerDisconnected" in row.last_error
    with at(SEVEN + timedelta(minutes=1, seconds=59)):
        assert dispatch.dispatch() == 0  # not yet
    with at(SEVEN + timedelta(minutes=2)):
        dispatch.dispatch()
    assert (fresh(row).attempts, row.next_attempt_at) == (2, SEVEN + timedelta(minutes=6))
    assert "421" in row.last_error
    with at(SEVEN + timedelta(minutes=6)):
        dispatch.dispatch()
    row = fresh(row)
    assert (row.state, row.attempts, row.sent_at) == ("sent", 3, SEVEN + timedelta(minutes=6))
    assert len(smtp.sent) == 1
    assert Notification.objects.filter(reminder=row).count() == 1


def test_after_five_failed_attempts_it_gives_up(organization, team_lead, smtp):
    row = reminder(organization, team_lead)
    smtp.errors += [smtplib.SMTPServerDisconnected("gone")] * dispatch.MAX_ATTEMPTS
    when = SEVEN
    waits = []
    for _ in range(dispatch.MAX_ATTEMPTS):
        with at(when):
            assert dispatch.dispatch() == 1
        row = fresh(row)
        if row.state != "pending":
            break
        waits.append(row.next_attempt_at - when)
        when = row.next_attempt_at
    assert waits == [timedelta(minutes=minutes) for minutes in (2, 4, 8, 16)]
    assert (row.state, row.problem, row.attempts, row.sent_at) == ("failed", "gave_up", 5, None)
    assert "gone" in row.last_error
    with at(when + timedelta(hours=1)):
        assert dispatch.dispatch() == 0
    assert smtp.sent == []


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"teamleder@testvik.test": (550, b"5.1.1 No such user")}),
        smtplib.SMTPResponseException(550, b"5.7.1 Relaying denied"),
        smtplib.SMTPDataError(554, b"5.6.0 Message refused"),
        smtplib.SMTPSenderRefused(553, b"5.7.1 Sender not allowed", "noreply@tiltakshjulet"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_permanent_refusal_fails_at_once_without_retry(organization, team_lead, smtp, error):
    row = reminder(organization, team_lead)
    smtp.errors.append(error)
    with at(SEVEN):
        assert dispatch.dispatch() == 1
    row = fresh(row)
    assert (row.state, row.problem, row.attempts, row.next_attempt_at) == (
        "failed",
        "rejected",
        1,
        None,
    )
    assert "5" in row.last_error
    with at(SEVEN + timedelta(hours=1)):
        assert dispatch.dispatch() == 0
    assert smtp.sent == []


def test_a_person_without_an_email_address_fails_as_no_email(organization, team_lead, smtp):
    row = reminder(organization, team_lead)
    User.objects.filter(pk=team_lead.pk).update(email="")
    with at(SEVEN):
        dispatch.dispatch()
    row = fresh(row)
    assert (row.state, row.problem, row.attempts) == ("failed", "no_email", 1)
    assert smtp.sent == []


@pytest.mark.parametrize("how", ["membership", "user", "organisation"])
def test_a_person_no_longer_an_active_member_fails_as_inactive(organization, team_lead, smtp, how):
    row = reminder(organization, team_lead)
    if how == "membership":
        Membership.objects.filter(user=team_lead).update(is_active=False)
    elif how == "user":
        User.objects.filter(pk=team_lead.pk).update(is_active=False)
    else:  # the organisation left the service
        type(organization).objects.filter(pk=organization.pk).update(is_active=False)
    with at(SEVEN):
        dispatch.dispatch()
    row = fresh(row)
    assert (row.state, row.problem) == ("failed", "inactive")
    assert smtp.sent == []


def test_one_broken_reminder_does_not_hold_up_the_others(organization, team_lead, smtp):
    broken = reminder(organization, team_lead)
    fine = reminder(organization, team_lead)
    smtp.errors.append(RuntimeError("a template that does not render"))
    with at(SEVEN):
        assert dispatch.dispatch() == 2
    assert (fresh(broken).state, broken.attempts) == ("pending", 1)
    assert "RuntimeError: a template that does not render" in broken.last_error
    assert fresh(fine).state == "sent"


# --- workers that died, rows that are not ours ---------------------------------------------------


@pytest.mark.parametrize("state", ["pending", "sent", "failed", "missed", "cancelled"])
def test_deliver_leaves_a_row_that_is_not_being_sent_alone(organization, team_lead, smtp, state):
    row = reminder(organization, team_lead, state=state)
    before = Reminder.objects.values().get(pk=row.pk)
    with at(SEVEN):
        assert dispatch.deliver(row.pk, uuid.uuid4()) == "gone"
    assert Reminder.objects.values().get(pk=row.pk) == before
    assert smtp.sent == []
    assert not Notification.objects.exists()


def test_the_notification_is_made_once_even_when_delivered_twice(organization, team_lead, smtp):
    row = reminder(organization, team_lead)
    with at(SEVEN):
        batch = dispatch.claim()
        assert dispatch.deliver(batch.ids[0], batch.token) == "sent"
    # The worker died before it recorded the outcome; its lease ran out and another
    # dispatcher took the row over.
    taken_over = uuid.uuid4()
    Reminder.objects.filter(pk=row.pk).update(state="sending", claim_token=taken_over)
    with at(SEVEN + timedelta(minutes=15)):
        assert dispatch.deliver(row.pk, taken_over) == "sent"
    assert Notification.objects.filter(reminder=row).count() == 1
    # The email went twice, with the same Message-ID, so a mail system can drop the second.
    assert [message.extra_headers["Message-ID"] for message in smtp.sent] == [row.message_id] * 2


def test_a_digest_makes_no_notification(organization, team_lead, smtp):
    reminder(
        organization,
        team_lead,
        kind=Reminder.Kind.DIGEST,
        subject_key="digest",
        title="",
        ends_on=date(2026, 10, 23),
    )
    with at(SEVEN):
        dispatch.dispatch()
    assert len(smtp.sent) == 1
    assert not Notification.objects.exists()
