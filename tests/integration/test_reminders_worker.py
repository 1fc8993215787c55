"""A real Celery worker sends due reminders over SMTP: Redis as the broker, the PostgreSQL
test database, and an SMTP server in the test (``smtp_sink``) that keeps what it receives."""

from __future__ import annotations

from pathlib import Path

import pytest

from notifications.models import Notification, Reminder
from tests.conftest import require_or_skip
from tests.integration.smtp_sink import (
    SmtpSink,
    Worker,
    member,
    new_organization,
    plan_due_reminders,
    redis_answers,
    send_dispatch,
    settled,
    shared_redis_url,
    smtp_sink,  # noqa: F401 - the fixture
    unique_queue,
    wait_until,
    worker_environment,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

REDIS_DB = 5  # not the application's database 0: other test runs share this server


def test_a_worker_sends_each_due_reminder_once_over_smtp(
    smtp_sink: SmtpSink,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    broker = shared_redis_url(REDIS_DB)
    env = worker_environment(tmp_path, broker, smtp_sink)
    require_or_skip(redis_answers(broker), f"no Redis answers at {broker}")

    organization = new_organization("Integrasjon kommune")
    people = [member(organization, f"person{n}@integrasjon.test") for n in range(1, 4)]
    refused = member(organization, "finnes.ikke@integrasjon.test")
    no_email = member(organization, "")
    smtp_sink.reject.add(refused.email)
    ids = plan_due_reminders(organization, [*people, refused, no_email], "Foreldremøte på Åsen")
    reminders = dict(zip([*people, refused, no_email], ids, strict=True))

    queue = unique_queue()
    worker = Worker(env, queue, tmp_path / "worker.log", concurrency=2)
    try:
        # Two dispatchers at once on two pool processes: the row locks keep them apart.
        tasks = [send_dispatch(broker, queue), send_dispatch(broker, queue)]
        done = wait_until(
            lambda: (
                (settled(ids) and all(f"[{task}] succeeded" in worker.output() for task in tasks))
                or not worker.alive
            ),
            timeout=45,
            interval=0.2,
        )
        assert done and worker.alive, f"the worker did not finish; its log:\n{worker.output()}"
    finally:
        worker.stop()
        _forget_queue(broker, queue)

    assert len(smtp_sink.messages) == len(people), smtp_sink.messages
    for number, person in enumerate(people, start=1):
        reminder = Reminder.objects.get(pk=reminders[person])
        [received] = smtp_sink.to(person.email)  # exactly one message each
        assert received.rcpt_tos == (person.email,)
        assert f"Foreldremøte på Åsen {number}" in received.subject
        assert f"Foreldremøte på Åsen {number}" in received.text
        assert "Rådhuset" in received.text
        assert received.message_id == reminder.message_id
        assert received.message["Auto-Submitted"] == "auto-generated"
        assert (reminder.state, reminder.problem, reminder.attempts) == (
            Reminder.State.SENT,
            "",
            1,
        )
        assert reminder.sent_at is not None
        assert Notification.objects.filter(reminder=reminder, recipient=person).exists()

    # Refused by the mail server at RCPT: failed for good, the reason kept for the
    # coordinators' list of reminders.
    rejected = Reminder.objects.get(pk=reminders[refused])
    assert smtp_sink.refused == [refused.email]
    assert smtp_sink.to(refused.email) == []
    assert (rejected.state, rejected.problem) == (
        Reminder.State.FAILED,
        Reminder.Problem.REJECTED,
    )
    assert "550" in rejected.last_error
    assert refused.email in rejected.last_error

    without_address = Reminder.objects.get(pk=reminders[no_email])
    assert (without_address.state, without_address.problem) == (
        Reminder.State.FAILED,
        Reminder.Problem.NO_EMAIL,
    )
    assert f"/{REDIS_DB}" in worker.output()  # the banner names the broker used


def _forget_queue(broker: str, queue: str) -> None:
    """The queue's list and binding, left on the shared Redis otherwise (empty when done)."""
    import redis

    client = redis.Redis.from_url(broker, socket_timeout=2)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
