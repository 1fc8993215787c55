"""Reminders survive what production will do to them: a worker killed in the middle of a batch,
and the broker restarted during a dispatch. Every reminder still arrives, and a duplicate is
only possible in the dispatcher's documented window (accepted by the mail server, but the
worker died before it recorded ``sent``; outbox/leases.py). A killed worker's batch is taken
over as soon as its lease runs out (a short lease here, as ``DISPATCH_LEASE_SECONDS``).

Each test runs its own redis-server on a free port (never the shared one), a real worker on
the PostgreSQL test database, and a slow SMTP sink so that there is a "middle" to hit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db.models import Max
from django.utils import timezone

from notifications.models import Notification, Reminder
from tests.integration.smtp_sink import (
    PrivateRedis,
    SmtpSink,
    Worker,
    member,
    new_organization,
    plan_due_reminders,
    send_dispatch,
    settled,
    smtp_sink,  # noqa: F401 - the fixture
    states,
    summary,
    unique_queue,
    wait_until,
    worker_environment,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

COUNT = 30
DELAY = 0.2  # seconds the sink takes per message: about six seconds for the batch
LEASE = 5  # seconds (DISPATCH_LEASE_SECONDS; a minute in production)


def _due(count: int) -> tuple[list[int], dict[int, str]]:
    organization = new_organization("Feilkommune")
    people = [member(organization, f"person{n}@feil.test") for n in range(1, count + 1)]
    ids = plan_due_reminders(organization, people, "Samarbeidsmøte")
    message_ids = {row.pk: row.message_id for row in Reminder.objects.filter(pk__in=ids)}
    return ids, message_ids


def _finish(ids: list[int], worker: Worker, task: str, timeout: float) -> None:
    done = wait_until(
        lambda: (settled(ids) and f"[{task}] succeeded" in worker.output()) or not worker.alive,
        timeout=timeout,
        interval=0.2,
    )
    assert done and worker.alive, f"the worker did not finish; its log:\n{worker.output()}"


def _duplicates(sink: SmtpSink) -> dict[str, int]:
    return {message_id: n for message_id, n in sink.message_ids().items() if n > 1}


def _report(
    capsys: pytest.CaptureFixture[str],
    record_property: Callable[[str, object], None],
    **values: object,
) -> None:
    for key, value in values.items():
        record_property(key, value)
    with capsys.disabled():
        print(f"\n[reminder faults] {summary(**values)}")


def test_a_worker_killed_mid_batch_loses_nothing(
    smtp_sink: SmtpSink,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    record_property: Callable[[str, object], None],
) -> None:
    redis = PrivateRedis(tmp_path / "redis.log")
    env = worker_environment(tmp_path, redis.url, smtp_sink)
    env["DISPATCH_LEASE_SECONDS"] = str(LEASE)
    ids, message_ids = _due(COUNT)
    smtp_sink.delay = DELAY
    queue = unique_queue()
    redis.start()
    workers: list[Worker] = []
    try:
        first = Worker(env, queue, tmp_path / "worker-1.log")
        workers.append(first)
        send_dispatch(redis.url, queue)
        assert smtp_sink.wait_for(COUNT // 4, timeout=30), first.output()
        first.kill()  # SIGKILL to the worker and its pool child
        killed_at = time.monotonic()
        received_at_kill = smtp_sink.count()
        at_kill = states(ids)
        sending = set(
            Reminder.objects.filter(pk__in=ids, state=Reminder.State.SENDING).values_list(
                "pk", flat=True
            )
        )
        assert 0 < at_kill[Reminder.State.SENT] < COUNT, at_kill  # killed mid-batch
        assert sending, at_kill  # claimed and not finished: the batch to take over
        last_renewal_left = Reminder.objects.filter(pk__in=sending).aggregate(
            until=Max("lease_until")
        )["until"]

        second = Worker(env, queue, tmp_path / "worker-2.log")
        workers.append(second)
        # The beat's next run after the lease ran out takes the batch over (that a valid
        # lease is left alone is pinned in tests/notifications/test_leases.py).
        assert wait_until(lambda: timezone.now() > last_renewal_left, timeout=LEASE + 5)
        _finish(ids, second, send_dispatch(redis.url, queue), timeout=40)
        taken_over_in = time.monotonic() - killed_at
    finally:
        for worker in workers:
            worker.stop()
        redis.stop()

    assert states(ids) == {Reminder.State.SENT: COUNT}
    delivered = smtp_sink.message_ids()
    assert set(delivered) == set(message_ids.values())  # every reminder arrived
    # In the product each person sees it once, however often the email went.
    assert Notification.objects.filter(reminder__in=ids).count() == COUNT
    duplicates = _duplicates(smtp_sink)
    _report(
        capsys,
        record_property,
        scenario="worker-sigkill",
        reminders=COUNT,
        received_at_kill=received_at_kill,
        sending_at_kill=len(sending),
        lease_seconds=LEASE,
        settled_after_kill_seconds=round(taken_over_in, 1),
        messages=sum(delivered.values()),
        duplicates=sum(n - 1 for n in duplicates.values()),
    )
    # Only a reminder being sent at the kill can arrive twice, and once more at most.
    assert set(duplicates) <= {message_ids[pk] for pk in sending}
    assert all(n == 2 for n in duplicates.values()), duplicates
    assert len(duplicates) <= len(sending)
    # One pool process sends one message at a time: at most one was in flight.
    assert len(duplicates) <= 1, duplicates
    # Taken over once the lease ran out: the lease, plus sending the rest of the batch.
    assert taken_over_in < LEASE + COUNT * DELAY + 15


def test_redis_restarted_during_a_dispatch_loses_nothing(
    smtp_sink: SmtpSink,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    record_property: Callable[[str, object], None],
) -> None:
    redis = PrivateRedis(tmp_path / "redis.log")
    env = worker_environment(tmp_path, redis.url, smtp_sink)
    ids, message_ids = _due(COUNT)
    smtp_sink.delay = DELAY
    queue = unique_queue()
    redis.start()
    worker: Worker | None = None
    try:
        worker = Worker(env, queue, tmp_path / "worker.log")
        send_dispatch(redis.url, queue)
        assert smtp_sink.wait_for(COUNT // 4, timeout=30), worker.output()
        redis.stop()  # no persistence: the restarted server has forgotten every message
        received_at_stop = smtp_sink.count()
        sending = states(ids)[Reminder.State.SENDING]
        time.sleep(1)
        received_while_down = smtp_sink.count() - received_at_stop
        redis.start()
        assert received_at_stop < COUNT, "the batch was over before Redis stopped"
        # Once the worker has reconnected it takes the next dispatch.
        _finish(ids, worker, send_dispatch(redis.url, queue), timeout=45)
        assert "Connection to broker lost" in worker.output()
    finally:
        if worker is not None:
            worker.stop()
        redis.stop()

    assert states(ids) == {Reminder.State.SENT: COUNT}
    delivered = smtp_sink.message_ids()
    assert set(delivered) == set(message_ids.values())
    duplicates = _duplicates(smtp_sink)
    _report(
        capsys,
        record_property,
        scenario="redis-restart",
        reminders=COUNT,
        received_at_stop=received_at_stop,
        received_while_down=received_while_down,
        sending_at_stop=sending,
        messages=sum(delivered.values()),
        duplicates=sum(n - 1 for n in duplicates.values()),
    )
    # The broker is not the queue (the rows are) and no worker died: nothing twice.
    assert duplicates == {}
