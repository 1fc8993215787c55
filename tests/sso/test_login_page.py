"""The login page asks for the email address first and sends it the right way; an
organisation may turn passwords off for its members, never for its break-glass admin."""

from __future__ import annotations

import pytest

from organizations.models import Role
from sso.models import IdentityProvider, SignInPolicy
from tests.factories import MembershipFactory, OrganizationFactory
from tests.sso.providers import member_of

pytestmark = pytest.mark.django_db

METADATA = {
    "issuer": "https://idp.example.test",
    "authorization_endpoint": "https://idp.example.test/authorize",
    "token_endpoint": "https://idp.example.test/token",
    "jwks_uri": "https://idp.example.test/jwks",
}


def provider_for(organization, domains="sso-kommune.test", **fields):
    return IdentityProvider.objects.create(
        organization=organization,
        name=fields.pop("name", "Entra ID"),
        issuer=METADATA["issuer"],
        client_id="client",
        client_secret_env="SSO_CLIENT_SECRET_TEST",
        allowed_domains=domains,
        metadata=METADATA,
        **fields,
    )


def email_step(client, email, **extra):
    return client.post("/accounts/login/", {"username": email, **extra})


def test_the_page_asks_for_the_email_only(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'name="username"' in page
    assert 'name="password"' not in page


def test_an_address_of_an_organisation_with_a_provider_goes_to_it(client, sso_organization):
    provider = provider_for(sso_organization)
    response = email_step(client, "Kari@SSO-kommune.test", next="/o/")
    # A page that moves on by itself, not a redirect of the form post (see the view).
    assert response.status_code == 200
    start = f"/accounts/sso/{provider.pk}/start/?next=%2Fo%2F"
    page = response.content.decode()
    assert f'<meta http-equiv="refresh" content="0;url={start}">' in page
    assert f'href="{start}"' in page


def test_a_member_goes_to_the_provider_of_their_organisation_whatever_the_domain(
    client, sso_organization
):
    provider = provider_for(sso_organization)
    member_of(sso_organization, "konsulent@example.test")
    response = email_step(client, "konsulent@example.test")
    assert response.context["start_url"] == f"/accounts/sso/{provider.pk}/start/"


def test_a_subdomain_is_not_the_domain(client, sso_organization):
    provider_for(sso_organization)
    response = email_step(client, "kari@skole.sso-kommune.test")
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_an_inactive_provider_is_not_offered(client, sso_organization):
    provider_for(sso_organization, is_active=False)
    response = email_step(client, "kari@sso-kommune.test")
    assert 'name="password"' in response.content.decode()


def test_several_providers_are_a_choice(client, sso_organization):
    entra = provider_for(sso_organization, name="Entra ID")
    feide = provider_for(sso_organization, name="Feide")
    response = email_step(client, "kari@sso-kommune.test")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="/accounts/sso/{entra.pk}/start/"' in page
    assert f'href="/accounts/sso/{feide.pk}/start/"' in page
    assert 'href="/accounts/login/?password=1"' in page


def test_any_other_address_goes_on_to_the_password_with_the_address_filled_in(client):
    response = email_step(client, "kari@annen-kommune.test")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="password"' in page
    assert 'value="kari@annen-kommune.test"' in page


def test_a_bad_address_is_asked_again(client):
    response = email_step(client, "not-an-address")
    assert response.status_code == 200
    assert 'name="password"' not in response.content.decode()
    assert response.context["email_form"].errors


def test_a_password_sign_in_is_marked_as_such(client, member, password):
    response = client.post("/accounts/login/", {"username": member.email, "password": password})
    assert response.status_code == 302
    assert client.session["sign_in_method"] == "password"


def test_the_password_step_can_be_opened_directly(client):
    assert 'name="password"' in client.get("/accounts/login/?password=1").content.decode()


@pytest.fixture
def passwords_off(sso_organization):
    provider_for(sso_organization)
    breaker = member_of(sso_organization, "brannmur@sso-kommune.test", Role.ADMIN).user
    return SignInPolicy.objects.create(
        organization=sso_organization, password_login_disabled=True, break_glass_admin=breaker
    )


def test_a_member_cannot_use_a_password_when_the_organisation_turned_it_off(
    client, sso_organization, passwords_off, password
):
    kari = member_of(sso_organization, "kari@example.test").user
    response = client.post("/accounts/login/", {"username": kari.email, "password": password})
    assert response.status_code == 200
    assert "turned off sign-in with a password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_member_elsewhere_too_still_cannot(client, sso_organization, passwords_off, password):
    kari = member_of(sso_organization, "kari@example.test").user
    MembershipFactory(organization=OrganizationFactory(), user=kari, role=Role.ADMIN)
    response = client.post("/accounts/login/", {"username": kari.email, "password": password})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_the_break_glass_admin_keeps_their_password(client, passwords_off, password):
    response = client.post(
        "/accounts/login/",
        {"username": passwords_off.break_glass_admin.email, "password": password},
    )
    assert response.status_code == 302
    assert client.session["sign_in_method"] == "password"


def test_passwords_work_again_when_turned_back_on(
    client, sso_organization, passwords_off, password
):
    passwords_off.password_login_disabled = False
    passwords_off.save()
    kari = member_of(sso_organization, "kari@example.test").user
    response = client.post("/accounts/login/", {"username": kari.email, "password": password})
    assert response.status_code == 302


def test_a_former_member_is_not_held_by_the_policy(
    client, sso_organization, passwords_off, password
):
    membership = member_of(sso_organization, "kari@example.test")
    membership.is_active = False
    membership.save()
    response = client.post(
        "/accounts/login/", {"username": membership.user.email, "password": password}
    )
    assert response.status_code == 302
