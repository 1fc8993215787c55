"""The whole sign-in against a real OpenID provider (oidc-provider on Node, loopback): the
redirect, the provider's login, the code exchanged for tokens, the claims judged."""

from __future__ import annotations

import pytest

from notifications.models import Notification
from organizations.models import Membership, Role
from sso.models import SignInPolicy
from tests.sso.providers import make_provider, member_of, sign_in_at_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(sso_organization, node_provider):
    return make_provider(
        sso_organization,
        node_provider,
        group_claim="groups",
        group_roles="tiltak-koordinatorer = coordinator",
    )


def assert_not_signed_in(client, response, text):
    assert response.status_code == 403
    assert text in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_signs_a_member_in_and_lands_in_the_organisation(client, provider, sso_organization):
    kari = member_of(sso_organization, "kari@sso-kommune.test").user
    response = sign_in_at_provider(client, provider, "kari")
    assert response.status_code == 302
    assert response["Location"] == f"/o/{sso_organization.slug}/"
    assert client.session["_auth_user_id"] == str(kari.pk)
    assert client.session["sign_in_method"] == "sso"
    assert client.get(response["Location"]).status_code == 200


def test_it_gives_a_member_of_a_mapped_group_its_role(client, provider, sso_organization):
    membership = member_of(sso_organization, "kim@sso-kommune.test", Role.MEMBER)
    response = sign_in_at_provider(client, provider, "kim")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR
    reasons = [h.history_change_reason for h in membership.history.all()]
    assert "Role from the groups at the identity provider" in reasons


def test_it_never_changes_the_role_of_the_break_glass_admin(client, provider, sso_organization):
    membership = member_of(sso_organization, "kim@sso-kommune.test", Role.ADMIN)
    SignInPolicy.objects.create(organization=sso_organization, break_glass_admin=membership.user)
    sign_in_at_provider(client, provider, "kim")
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_it_refuses_an_unverified_email(client, provider, sso_organization):
    member_of(sso_organization, "ola@sso-kommune.test")
    response = sign_in_at_provider(client, provider, "ola")
    assert_not_signed_in(client, response, "has not confirmed that ola@sso-kommune.test")


def test_it_trusts_an_unverified_email_when_the_provider_is_set_to(
    client, provider, sso_organization
):
    provider.trust_unverified_email = True
    provider.save()
    member_of(sso_organization, "ola@sso-kommune.test")
    assert sign_in_at_provider(client, provider, "ola").status_code == 302
    assert "_auth_user_id" in client.session


def test_it_refuses_an_email_outside_the_allowed_domains(client, provider, sso_organization):
    member_of(sso_organization, "per@elsewhere.test")
    response = sign_in_at_provider(client, provider, "per")
    assert_not_signed_in(client, response, "per@elsewhere.test is not an address")


def test_it_refuses_an_unknown_person(client, provider):
    response = sign_in_at_provider(client, provider, "nina")
    assert_not_signed_in(client, response, "Ask one of its administrators to invite you")
    assert not Membership.objects.filter(user__email="nina@sso-kommune.test").exists()


def test_it_refuses_an_unknown_person_in_their_language(client, provider):
    client.cookies["tiltakshjulet_language"] = "nn"
    response = sign_in_at_provider(client, provider, "nina")
    assert response.status_code == 403
    assert response["Content-Language"] == "nn"


def test_it_lets_an_unknown_person_in_as_a_viewer_when_allowed_and_tells_the_admins(
    client, provider, sso_organization, django_capture_on_commit_callbacks
):
    admin = member_of(sso_organization, "sjef@sso-kommune.test", Role.ADMIN).user
    member_of(sso_organization, "kari@sso-kommune.test", Role.MEMBER)
    provider.allow_new_members = True
    provider.save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = sign_in_at_provider(client, provider, "nina")
    assert len(callbacks) == 1
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nina@sso-kommune.test")
    assert membership.role == Role.VIEWER
    assert membership.user.full_name == "Nina Ukjent"
    assert not membership.user.has_usable_password()
    notes = Notification.objects.filter(organization=sso_organization)
    assert [n.recipient for n in notes] == [admin]
    assert "nina@sso-kommune.test" in notes[0].title


def test_an_unknown_person_in_a_mapped_group_joins_with_its_role(client, provider):
    response = sign_in_at_provider(client, provider, "kim")
    assert response.status_code == 302
    assert Membership.objects.get(user__email="kim@sso-kommune.test").role == Role.COORDINATOR


def test_it_refuses_a_deactivated_membership(client, provider, sso_organization):
    membership = member_of(sso_organization, "kari@sso-kommune.test")
    membership.is_active = False
    membership.save()
    response = sign_in_at_provider(client, provider, "kari")
    assert_not_signed_in(client, response, "is deactivated")


def test_sign_out_offers_the_providers_own_sign_out(client, provider, sso_organization):
    member_of(sso_organization, "kari@sso-kommune.test")
    sign_in_at_provider(client, provider, "kari")
    id_token = client.session["sso_id_token"]
    response = client.post("/accounts/logout/")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    link = response.context["logout_url"]
    assert link.startswith(provider.end_session_endpoint + "?")
    assert f"id_token_hint={id_token}" in link
    assert "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F" in link
