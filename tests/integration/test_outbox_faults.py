"""The outbox under a broker outage, end to end: an administrator invites someone while
Redis is down (its port closed), the request succeeds and the invitation's email waits as a
row; once Redis is back, the next scheduled dispatch on a real worker sends it to a real SMTP
server on loopback, with a link that works.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from celery import Celery
from django.urls import reverse

from organizations.models import Invitation, Role
from outbox import services
from outbox.models import Email
from tests.integration.smtp_sink import (
    PrivateRedis,
    SmtpSink,
    Worker,
    send_dispatch,
    smtp_sink,  # noqa: F401 - the fixture
    unique_queue,
    wait_until,
    worker_environment,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_an_invitation_during_a_broker_outage_goes_out_when_the_broker_is_back(
    smtp_sink: SmtpSink,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    login,
    admin_user,
    organization,
    monkeypatch,
    caplog,
) -> None:
    redis = PrivateRedis(tmp_path / "redis.log")  # not started: its port is closed
    # The web process's broker is that Redis (the kick after commit goes there).
    monkeypatch.setattr(services, "app", Celery("web", broker=redis.url, set_as_current=False))
    client = login(admin_user)
    response = client.post(
        reverse("member_invite", args=[organization.slug]),
        {"email": "ny@testvik.test", "role": Role.MEMBER},
    )
    assert response.status_code == 302
    assert "could not reach the broker" in caplog.text
    invitation = Invitation.objects.get()
    row = Email.objects.get()
    assert (row.state, row.about) == ("pending", f"invitation-{invitation.pk}")
    assert smtp_sink.count() == 0

    env = worker_environment(tmp_path, redis.url, smtp_sink)
    queue = unique_queue()
    redis.start()
    worker = Worker(env, queue, tmp_path / "worker.log")
    try:
        send_dispatch(redis.url, queue)  # the beat's next run, the broker back
        assert smtp_sink.wait_for(1, timeout=40), worker.output()
        assert wait_until(
            lambda: Email.objects.filter(pk=row.pk, state="sent").exists(), timeout=10
        )
    finally:
        worker.stop()
        redis.stop()

    [received] = smtp_sink.to("ny@testvik.test")
    assert received.message_id == row.message_id
    link = re.search(r"/invitations/[^\s/]+/", received.text)
    assert link, received.text
    assert client.get(link.group(0)).status_code in (200, 302)
    row.refresh_from_db()
    assert (row.text, row.html) == ("", "")  # the token is gone from the database
