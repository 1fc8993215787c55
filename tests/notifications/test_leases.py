"""Leases: a batch claimed by a dispatcher that died is taken over once its lease has run
out, never before, and the dispatcher that lost it cannot record anything about it.

The lease holds up to and including ``lease_until``; the edges are pinned with frozen time
to the microsecond. The same code claims reminders and outbox emails (outbox/leases.py):
reminders are used here, the outbox's own tests use emails.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from notifications import dispatch
from notifications.models import Notification, Reminder
from outbox import leases
from tests.notifications.test_dispatch import SEVEN, at, fresh, reminder, smtp  # noqa: F401

pytestmark = pytest.mark.django_db
LEASE = timedelta(seconds=60)
TICK = timedelta(microseconds=1)


@pytest.fixture(autouse=True)
def _lease(settings):
    settings.DISPATCH_LEASE_SECONDS = 60


def test_a_claim_carries_a_token_and_a_lease_of_a_minute(organization, team_lead):
    row = reminder(organization, team_lead)
    with at(SEVEN):
        batch = dispatch.claim()
    row = fresh(row)
    assert (row.state, row.claim_token, row.lease_until) == ("sending", batch.token, SEVEN + LEASE)


def test_a_valid_lease_is_not_taken_over_up_to_its_last_microsecond(organization, team_lead):
    reminder(organization, team_lead)
    with at(SEVEN):
        assert dispatch.claim().ids
    with at(SEVEN + LEASE):
        assert dispatch.claim().ids == []


def test_an_expired_lease_is_taken_over_with_a_new_token(organization, team_lead):
    row = reminder(organization, team_lead)
    with at(SEVEN):
        dead = dispatch.claim()
    with at(SEVEN + LEASE + TICK):
        alive = dispatch.claim()
    assert alive.ids == [row.pk]
    assert alive.token != dead.token
    row = fresh(row)
    assert (row.claim_token, row.lease_until, row.attempts) == (
        alive.token,
        SEVEN + LEASE + TICK + LEASE,
        0,  # the dead worker's try is not counted: it may never have reached the server
    )


def test_renewing_moves_the_edge(organization, team_lead):
    reminder(organization, team_lead)
    with at(SEVEN):
        batch = dispatch.claim()
    with at(SEVEN + timedelta(seconds=50)):
        assert leases.renew(Reminder, batch.token) == 1
    with at(SEVEN + timedelta(seconds=50) + LEASE):
        assert dispatch.claim().ids == []
    with at(SEVEN + timedelta(seconds=50) + LEASE + TICK):
        assert dispatch.claim().ids


def test_a_renewal_after_a_takeover_renews_nothing(organization, team_lead):
    reminder(organization, team_lead)
    with at(SEVEN):
        dead = dispatch.claim()
    with at(SEVEN + LEASE + TICK):
        alive = dispatch.claim()
        assert leases.renew(Reminder, dead.token) == 0
    assert Reminder.objects.get().claim_token == alive.token


def test_the_worker_that_lost_its_lease_cannot_record_a_stale_outcome(
    organization,
    team_lead,
    smtp,  # noqa: F811 - the fixture imported above
):
    row = reminder(organization, team_lead)
    with at(SEVEN):
        dead = dispatch.claim()
    with at(SEVEN + LEASE + TICK):
        alive = dispatch.claim()
        before = Reminder.objects.values().get(pk=row.pk)
        # Nothing the old holder tries lands: neither sending, nor an outcome, nor a retry,
        # nor giving the row back.
        assert dispatch.deliver(row.pk, dead.token) == "gone"
        assert not leases.finish(Reminder, row.pk, dead.token, state="failed", problem="rejected")
        assert leases.retry(Reminder, fresh(row), dead.token, "timeout") == "pending"
        assert leases.give_back(Reminder, [row.pk], dead.token) == 0
        assert Reminder.objects.values().get(pk=row.pk) == before
        assert smtp.sent == []
        assert dispatch.deliver(row.pk, alive.token) == "sent"
    assert (fresh(row).state, row.attempts, row.claim_token, row.lease_until) == (
        "sent",
        1,
        None,
        None,
    )
    assert len(smtp.sent) == 1


def test_an_expired_lease_not_yet_taken_over_still_records(
    organization,
    team_lead,
    smtp,  # noqa: F811 - the fixture imported above
):
    """A slow worker past its lease that nobody took over yet sent the only copy: its
    outcome is recorded (the token is the proof, not the clock)."""
    row = reminder(organization, team_lead)
    with at(SEVEN):
        batch = dispatch.claim()
    with at(SEVEN + 2 * LEASE):
        assert dispatch.deliver(row.pk, batch.token) == "sent"
    assert fresh(row).state == "sent"


def test_the_next_dispatch_sends_a_dead_workers_batch_once(
    organization,
    team_lead,
    smtp,  # noqa: F811 - the fixture imported above
):
    rows = [reminder(organization, team_lead) for _ in range(3)]
    with at(SEVEN):
        dispatch.claim()  # and the worker died
    with at(SEVEN + LEASE):
        assert dispatch.dispatch() == 0  # its lease still holds
    with at(SEVEN + LEASE + timedelta(seconds=1)):
        assert dispatch.dispatch() == 3
    assert {fresh(row).state for row in rows} == {"sent"}
    assert len(smtp.sent) == 3
    assert Notification.objects.count() == 3


def test_rows_claimed_before_leases_existed_are_taken_over(organization, team_lead):
    row = reminder(organization, team_lead)
    Reminder.objects.filter(pk=row.pk).update(
        state="sending", claimed_at=SEVEN - timedelta(minutes=1), claim_token=None
    )
    with at(SEVEN):
        assert dispatch.claim().ids == [row.pk]


def test_the_lease_is_a_setting(organization, team_lead, settings):
    settings.DISPATCH_LEASE_SECONDS = 5
    row = reminder(organization, team_lead)
    with at(SEVEN):
        dispatch.claim()
    assert fresh(row).lease_until == SEVEN + timedelta(seconds=5)


def test_a_batch_is_renewed_while_it_is_sent(
    organization,
    team_lead,
    smtp,  # noqa: F811 - the fixture imported above
    monkeypatch,
):
    """While the first rows are sent (20 seconds each here), the rows waiting behind them
    stay this run's: once a third of the lease has passed, it moves on before a delivery."""
    rows = [reminder(organization, team_lead) for _ in range(3)]
    seen: list[object] = []
    real = dispatch.deliver

    with at(SEVEN) as clock:

        def slow(pk: int, token: uuid.UUID, now=None) -> str:
            seen.append(Reminder.objects.get(pk=rows[-1].pk).lease_until)
            clock.shift(timedelta(seconds=20))
            return real(pk, token, now)

        reminders = leases.Queue(Reminder, dispatch.claim, slow)
        monkeypatch.setattr(dispatch, "QUEUES", (dispatch.QUEUES[0], reminders))
        assert dispatch.dispatch() == 3
    assert seen == [SEVEN + LEASE + timedelta(seconds=20 * n) for n in range(3)]


def test_a_fast_batch_is_not_renewed(
    organization,
    team_lead,
    smtp,  # noqa: F811 - the fixture imported above
    monkeypatch,
):
    """Renewals are writes: a batch sent within a third of its lease makes none."""
    for _ in range(3):
        reminder(organization, team_lead)
    renewals: list[object] = []
    real = leases.renew
    monkeypatch.setattr(leases, "renew", lambda *args: renewals.append(args) or real(*args))
    with at(SEVEN) as clock:
        clock.shift(timedelta(seconds=1))
        assert dispatch.dispatch() == 3
    assert renewals == []
