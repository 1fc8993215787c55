"""Every email that is not a reminder is an outbox row written with what caused it, and
sent by the reminders' dispatcher: the request never needs the broker or the mail server.

Broker outages are real here (a Celery app pointed at a closed port on loopback); the mail
server's answers are scripted (the ScriptedBackend of the dispatcher's tests). The outage
with a real worker and SMTP server is tests/integration/test_outbox_faults.py.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from datetime import timedelta

import pytest
from celery import Celery
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import dispatch
from organizations.models import Invitation, Role
from outbox import dispatch as outbox_dispatch
from outbox import leases, services
from outbox.models import Email
from tests.factories import InvitationFactory
from tests.integration.smtp_sink import free_port
from tests.notifications.test_dispatch import SEVEN, at, smtp  # noqa: F401

pytestmark = pytest.mark.django_db
LEASE = timedelta(seconds=60)


def invite(client, organization, email="ny@testvik.test"):
    return client.post(
        reverse("member_invite", args=[organization.slug]),
        {"email": email, "role": Role.MEMBER},
    )


def ask_for_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


@pytest.fixture
def broker_down(monkeypatch):
    """The best-effort kick goes to a Redis that is not there (a closed loopback port)."""
    app = Celery("outage", broker=f"redis://127.0.0.1:{free_port()}/0", set_as_current=False)
    monkeypatch.setattr(services, "app", app)
    return app


def _cause(kind, client, organization, login, admin_user, member):
    """Does what sends an email of ``kind`` through the product's own pages."""
    if kind == Email.Kind.INVITATION:
        response = invite(login(admin_user), organization)
        return response, "ny@testvik.test", "/invitations/"
    response = ask_for_reset(client, member.email)
    return response, member.email, "/accounts/password/reset/"


@pytest.mark.parametrize("kind", [Email.Kind.INVITATION, Email.Kind.PASSWORD_RESET])
def test_each_kind_of_email_is_a_row_the_dispatcher_sends(
    kind,
    client,
    organization,
    login,
    admin_user,
    member,
    broker_down,
    django_capture_on_commit_callbacks,
    caplog,
):
    with (
        caplog.at_level(logging.WARNING, "outbox.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response, address, link = _cause(kind, client, organization, login, admin_user, member)
    assert response.status_code == 302  # the broker's absence never fails the request
    assert "could not reach the broker" in caplog.text
    row = Email.objects.get()
    assert (row.kind, row.to, row.state) == (kind, address, "pending")
    assert link in row.text
    assert mail.outbox == []  # nothing was sent inside the request

    assert dispatch.dispatch() == 1  # the scheduled run, the broker back or not
    [message] = mail.outbox
    assert message.to == [address]
    assert link in message.body
    assert message.extra_headers["Message-ID"] == row.message_id
    row.refresh_from_db()
    # Sent: the body (and the token in its link) is gone from the database.
    assert (row.state, row.text, row.html, row.attempts) == ("sent", "", "", 1)
    assert dispatch.dispatch() == 0
    assert len(mail.outbox) == 1


def test_the_invitation_and_its_email_are_one_transaction(admin_user, organization, monkeypatch):
    """An invitation whose email could not be written is not made either (and vice versa)."""
    from organizations import services as organization_services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(organization_services, "invitation_email_enqueue", broken)
    with pytest.raises(RuntimeError):
        organization_services.invitation_create(
            organization=organization,
            email="ny@testvik.test",
            role=Role.MEMBER,
            invited_by=admin_user,
        )
    assert not Invitation.objects.exists()
    assert not Email.objects.exists()


def test_a_broker_outage_costs_the_request_little(
    login, admin_user, organization, broker_down, django_capture_on_commit_callbacks
):
    client = login(admin_user)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        assert invite(client, organization).status_code == 302
    elapsed = time.monotonic() - started
    print(f"\ninvitation with the broker down: {elapsed * 1000:.0f} ms")
    assert elapsed < 1.5


def test_the_kick_asks_for_a_dispatch_when_the_broker_answers(monkeypatch):
    sent = []
    monkeypatch.setattr(services.app, "send_task", lambda name, **options: sent.append(name))
    services.kick()  # the test run's own Redis
    assert sent == ["notifications.tasks.dispatch_reminders"]


def test_an_email_whose_link_expired_is_missed_not_sent(organization):
    invitation, token = InvitationFactory.create_with_token(organization=organization)
    from organizations.emails import invitation_email_enqueue

    row = invitation_email_enqueue(invitation, token)
    assert row.expires_at == invitation.expires_at
    with at(invitation.expires_at + timedelta(microseconds=1)):
        assert outbox_dispatch.dispatch() == 0
    row.refresh_from_db()
    assert (row.state, row.problem, row.text, row.html) == ("missed", "too_late", "", "")
    assert mail.outbox == []


def test_an_email_is_sent_up_to_the_moment_its_link_expires(organization):
    invitation, token = InvitationFactory.create_with_token(organization=organization)
    from organizations.emails import invitation_email_enqueue

    row = invitation_email_enqueue(invitation, token)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=row.expires_at + LEASE)
    with at(row.expires_at):
        assert outbox_dispatch.dispatch() == 1
    assert len(mail.outbox) == 1


def test_a_withdrawn_invitation_is_not_emailed(admin_user, organization):
    from organizations.services import invitation_create

    first = invitation_create(
        organization=organization, email="ny@testvik.test", role=Role.MEMBER, invited_by=admin_user
    )
    invitation_create(
        organization=organization, email="ny@testvik.test", role=Role.MEMBER, invited_by=admin_user
    )  # replaces the first
    outbox_dispatch.dispatch()
    assert len(mail.outbox) == 1
    withdrawn = Email.objects.get(about=f"invitation-{first.pk}")
    assert (withdrawn.state, withdrawn.text) == ("cancelled", "")


def test_transient_errors_retry_with_backoff_then_give_up_on_the_problems_page(
    login,
    coordinator,
    admin_user,
    organization,
    smtp,  # noqa: F811 - the fixture imported above
):
    with at(SEVEN):
        invite(login(admin_user), organization)
    row = Email.objects.get()
    smtp.errors.extend([smtplib.SMTPServerDisconnected("gone")] * leases.MAX_ATTEMPTS)
    when = SEVEN
    waits = []
    for attempt in range(1, leases.MAX_ATTEMPTS):
        with at(when):
            outbox_dispatch.dispatch()
        row.refresh_from_db()
        assert (row.state, row.attempts) == ("pending", attempt)
        assert row.text  # kept for the next attempt
        waits.append(row.next_attempt_at - when)
        with at(row.next_attempt_at - timedelta(microseconds=1)):
            assert outbox_dispatch.dispatch() == 0  # not before its time
        when = row.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (2, 4, 8, 16)]
    with at(when):
        outbox_dispatch.dispatch()
    row.refresh_from_db()
    assert (row.state, row.problem, row.attempts, row.text) == ("failed", "gave_up", 5, "")

    page = login(coordinator).get(reverse("reminder_problems", args=[organization.slug]))
    html = page.content.decode()
    assert "ny@testvik.test" in html
    assert "/invitations/" not in html  # never the link, nor its token


def test_a_refused_address_fails_at_once_and_shows_with_advice(
    login,
    coordinator,
    admin_user,
    organization,
    smtp,  # noqa: F811 - the fixture imported above
):
    coordinator.language = "en"
    coordinator.save()
    invite(login(admin_user), organization, email="feil@testvik.test")
    smtp.errors.append(smtplib.SMTPRecipientsRefused({"feil@testvik.test": (550, b"no such user")}))
    outbox_dispatch.dispatch()
    row = Email.objects.get()
    assert (row.state, row.problem, row.attempts) == ("failed", "rejected", 1)
    page = login(coordinator).get(reverse("reminder_problems", args=[organization.slug]))
    html = page.content.decode()
    assert "feil@testvik.test" in html
    assert "Invite the person again with the right address" in html


def test_a_password_reset_shows_on_no_organisations_page(
    client,
    login,
    coordinator,
    member,
    organization,
    smtp,  # noqa: F811 - the fixture imported above
):
    ask_for_reset(client, member.email)
    smtp.errors.append(smtplib.SMTPRecipientsRefused({member.email: (550, b"no")}))
    outbox_dispatch.dispatch()
    assert Email.objects.get().organization is None
    page = login(coordinator).get(reverse("reminder_problems", args=[organization.slug]))
    assert member.email not in page.content.decode()


def test_the_problems_page_lists_only_the_organisations_own_emails(
    login, coordinator, organization, django_assert_max_num_queries
):
    from tests.factories import OrganizationFactory

    other = OrganizationFactory(slug="nabo")
    for target, address in [(organization, "egen@testvik.test"), (other, "fremmed@nabo.test")]:
        Email.objects.create(
            organization=target,
            kind=Email.Kind.INVITATION,
            to=address,
            subject="x",
            message_id=Email.new_message_id("invitation"),
            state=Email.State.FAILED,
            problem=Email.Problem.REJECTED,
        )
    client = login(coordinator)
    client.get(reverse("reminder_problems", args=[organization.slug]))  # warm the session
    with django_assert_max_num_queries(9):
        html = client.get(reverse("reminder_problems", args=[organization.slug])).content.decode()
    assert "egen@testvik.test" in html
    assert "fremmed@nabo.test" not in html


# --- leases on outbox rows (the same code as the reminders': tests/notifications/test_leases.py)


def test_an_email_held_by_a_dead_dispatcher_is_taken_over_after_its_lease(organization, settings):
    settings.DISPATCH_LEASE_SECONDS = 60
    invitation, token = InvitationFactory.create_with_token(organization=organization)
    from organizations.emails import invitation_email_enqueue

    row = invitation_email_enqueue(invitation, token)
    with at(SEVEN):
        dead = outbox_dispatch.claim()
    assert dead.ids == [row.pk]
    with at(SEVEN + LEASE):
        assert outbox_dispatch.claim().ids == []
    with at(SEVEN + LEASE + timedelta(microseconds=1)):
        alive = outbox_dispatch.claim()
        assert alive.ids == [row.pk]
        assert outbox_dispatch.deliver(row.pk, dead.token) == "gone"
        assert outbox_dispatch.deliver(row.pk, alive.token) == "sent"
    assert len(mail.outbox) == 1


def test_an_unknown_claim_delivers_nothing(organization):
    invitation, token = InvitationFactory.create_with_token(organization=organization)
    from organizations.emails import invitation_email_enqueue

    row = invitation_email_enqueue(invitation, token)
    assert outbox_dispatch.deliver(row.pk, uuid.uuid4()) == "gone"
    assert mail.outbox == []
    assert timezone.now()  # the row is untouched
    row.refresh_from_db()
    assert row.state == "pending"
