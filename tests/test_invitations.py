"""Admins invite people by email; the link works once and expires."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from organizations.models import Invitation, Membership, Role, User
from organizations.services import InvitationUnavailable, invitation_accept, invitation_create
from organizations.tasks import send_invitation_email
from outbox.dispatch import dispatch as send_outbox
from outbox.models import Email
from tests.factories import InvitationFactory, MembershipFactory, UserFactory


def _invite(client, organization, email="ny@testvik.test", role=Role.TEAM_LEAD):
    return client.post(
        reverse("member_invite", args=[organization.slug]), {"email": email, "role": role}
    )


def test_an_admin_invites_and_the_email_is_written_to_the_outbox(
    login, admin_user, organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = _invite(login(admin_user), organization, email="Ny@Testvik.test")
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "ny@testvik.test",
        Role.TEAM_LEAD,
        admin_user,
    )
    # The email is an outbox row of the same transaction; on commit the dispatcher is only
    # asked to run (best effort), and nothing is sent inside the request.
    assert Email.objects.get(about=f"invitation-{invitation.pk}").to == "ny@testvik.test"
    assert len(callbacks) == 1
    assert mail.outbox == []
    send_outbox()
    assert mail.outbox[0].to == ["ny@testvik.test"]


def test_the_subject_is_plain_text_not_html(admin_user, organization):
    organization.name = "Helse & oppvekst"
    organization.save()
    invitation, token = InvitationFactory.create_with_token(
        organization=organization, invited_by=admin_user, role=Role.MEMBER
    )
    send_invitation_email(invitation.pk, token)
    assert "Helse & oppvekst" in mail.outbox[0].subject


def test_the_invitation_email_carries_a_working_link_in_the_organisation_language(
    client, admin_user, organization
):
    organization.written_standard = "nn"
    organization.save()
    invitation, token = InvitationFactory.create_with_token(
        organization=organization, invited_by=admin_user, role=Role.COORDINATOR
    )
    assert send_invitation_email(invitation.pk, token) == "sent"

    message = mail.outbox[0]
    assert message.to == [invitation.email]
    assert "Du er invitert" in message.subject  # nynorsk
    assert organization.name in message.subject
    link = reverse("invitation_accept", args=[token])
    assert link in message.body
    assert link in message.alternatives[0][0]
    assert client.get(link).status_code == 200


def test_the_task_skips_an_invitation_that_is_no_longer_pending(organization):
    invitation, token = InvitationFactory.create_with_token(
        organization=organization, revoked_at=timezone.now()
    )
    assert send_invitation_email(invitation.pk, token) == "skipped"
    assert send_invitation_email(987654, token) == "skipped"
    assert mail.outbox == []


def test_inviting_the_same_address_again_replaces_the_pending_link(admin_user, organization):
    first = invitation_create(
        organization=organization, email="ny@testvik.test", role=Role.MEMBER, invited_by=admin_user
    )
    second = invitation_create(
        organization=organization, email="ny@testvik.test", role=Role.VIEWER, invited_by=admin_user
    )
    first.refresh_from_db()
    assert first.state == "revoked"
    assert second.state == "pending"


def test_inviting_an_active_member_is_refused_and_saves_nothing(
    login, admin_user, member, organization
):
    response = _invite(login(admin_user), organization, email=member.email.upper())
    assert response.status_code == 200
    assert "allerede medlem" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_invalid_address_gets_a_message_in_the_users_language(login, admin_user, organization):
    admin_user.language = "nn"
    admin_user.save()
    response = _invite(login(admin_user), organization, email="ikke-en-adresse")
    assert response.status_code == 200
    assert "Skriv ei e-postadresse" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_new_person_creates_an_account_and_joins(client, organization):
    invitation, token = InvitationFactory.create_with_token(
        organization=organization, role=Role.TEAM_LEAD
    )
    url = reverse("invitation_accept", args=[token])
    page = client.get(url).content.decode()
    assert invitation.email in page
    assert 'name="password1"' in page

    response = client.post(
        url,
        {
            "full_name": "Nina Ny",
            "password1": "et-langt-passord-1",
            "password2": "et-langt-passord-1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organization_home", args=[organization.slug])
    user = User.objects.get(email=invitation.email)
    assert user.full_name == "Nina Ny"
    assert Membership.objects.get(user=user, organization=organization).role == Role.TEAM_LEAD
    assert client.get(response["Location"]).status_code == 200, "the new member is logged in"


def test_bad_account_details_save_nothing(client, organization):
    invitation, token = InvitationFactory.create_with_token(organization=organization)
    response = client.post(
        reverse("invitation_accept", args=[token]),
        {"full_name": "Nina Ny", "password1": "et-langt-passord-1", "password2": "noe-annet-123"},
    )
    assert response.status_code == 200
    assert "ikke like" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.state == "pending"


def test_a_used_link_says_so_plainly(client, organization):
    invitation, token = InvitationFactory.create_with_token(organization=organization)
    invitation_accept(invitation=invitation, user=UserFactory(email=invitation.email))
    response = client.get(reverse("invitation_accept", args=[token]))
    assert response.status_code == 410
    assert "allerede brukt" in response.content.decode()


def test_an_expired_link_says_so_plainly(client, organization):
    _invitation, token = InvitationFactory.create_with_token(
        organization=organization, expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(reverse("invitation_accept", args=[token]))
    assert response.status_code == 410
    assert "har utløpt" in response.content.decode()


def test_an_unknown_link_is_404(client, db):
    response = client.get(reverse("invitation_accept", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "kjenner ikke igjen" in response.content.decode()


def test_a_link_can_only_be_claimed_once(organization):
    invitation, _token = InvitationFactory.create_with_token(organization=organization)
    user = UserFactory(email=invitation.email)
    invitation_accept(invitation=invitation, user=user)
    with pytest.raises(InvitationUnavailable):
        invitation_accept(invitation=invitation, user=user)


def test_an_existing_user_logs_in_and_accepts(client, organization, other_organization, password):
    existing = MembershipFactory(organization=other_organization).user
    invitation, token = InvitationFactory.create_with_token(
        organization=organization, email=existing.email, role=Role.VIEWER
    )
    url = reverse("invitation_accept", args=[token])
    assert "Logg inn for" in client.get(url).content.decode()
    client.post(url, {})  # not logged in: nothing happens
    assert not Membership.objects.filter(user=existing, organization=organization).exists()

    client.force_login(existing)
    assert client.post(url).status_code == 302
    assert Membership.objects.get(user=existing, organization=organization).role == Role.VIEWER
    invitation.refresh_from_db()
    assert invitation.accepted_by == existing


def test_someone_logged_in_with_another_address_cannot_accept(login, member, organization):
    invitation, token = InvitationFactory.create_with_token(organization=organization)
    client = login(member)
    url = reverse("invitation_accept", args=[token])
    assert "en annen adresse" in client.get(url).content.decode()
    client.post(url)
    invitation.refresh_from_db()
    assert invitation.state == "pending"


def test_accepting_reactivates_a_former_member_with_the_new_role(organization):
    former = MembershipFactory(organization=organization, role=Role.MEMBER, is_active=False)
    invitation, _ = InvitationFactory.create_with_token(
        organization=organization, email=former.user.email, role=Role.COORDINATOR
    )
    invitation_accept(invitation=invitation, user=former.user)
    former.refresh_from_db()
    assert (former.is_active, former.role) == (True, Role.COORDINATOR)


def test_an_admin_withdraws_a_pending_invitation(login, admin_user, organization, client):
    invitation, token = InvitationFactory.create_with_token(organization=organization)
    login(admin_user).post(reverse("invitation_revoke", args=[organization.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    client.logout()
    assert client.get(reverse("invitation_accept", args=[token])).status_code == 410
