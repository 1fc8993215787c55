"""The organisation's sign-in page: its administrators register providers (the discovery
document fetched, the secret encrypted and never shown) and set the password policy;
every change is on the audit trail."""

from __future__ import annotations

import pytest

from organizations.models import Role
from sso import crypto
from sso.models import IdentityProvider, SignInPolicy
from tests.factories import OrganizationFactory
from tests.sso.providers import CLIENT_SECRET, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(organization, admin_user, login):
    # The English texts, as the administrator's own choice (the organisation's is bokmål).
    type(admin_user).objects.filter(pk=admin_user.pk).update(language="en")
    return login(admin_user)


def form_data(issuer, **overrides):
    data = {
        "name": "Entra ID",
        "issuer": issuer,
        "client_id": "tiltakshjulet",
        "client_secret": "very-secret-value",
        "client_secret_env": "",
        "allowed_domains": "Testvik.test, skole.testvik.test",
        "email_claim": "email",
        "group_claim": "",
        "group_roles": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def create(client, organization, data):
    return client.post(f"/o/{organization.slug}/sign-in/new/", data)


def test_it_registers_a_provider_from_its_discovery_document(
    admin_client, organization, crafted_provider
):
    response = create(
        admin_client,
        organization,
        form_data(crafted_provider.issuer + "/.well-known/openid-configuration"),
    )
    assert response.status_code == 302
    provider = IdentityProvider.objects.get(organization=organization)
    assert provider.issuer == crafted_provider.issuer
    assert provider.metadata["token_endpoint"] == f"{crafted_provider.issuer}/token"
    assert provider.allowed_domains == "testvik.test, skole.testvik.test"
    assert provider.email_claim == "email"
    assert not provider.trust_unverified_email
    assert not provider.allow_new_members
    # Encrypted at rest, readable with the key, never shown again.
    assert "very-secret-value" not in provider.client_secret_encrypted
    assert crypto.decrypt(provider.client_secret_encrypted) == "very-secret-value"
    page = admin_client.get(f"/o/{organization.slug}/sign-in/{provider.pk}/").content.decode()
    assert "very-secret-value" not in page
    assert provider.secret_changed_at is not None


def test_saving_without_a_secret_keeps_the_stored_one(admin_client, organization, crafted_provider):
    provider = make_provider(organization, crafted_provider.issuer, allowed_domains="testvik.test")
    response = admin_client.post(
        f"/o/{organization.slug}/sign-in/{provider.pk}/",
        form_data(crafted_provider.issuer, client_secret="", name="Feide"),
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Feide"
    assert provider.client_secret() == CLIENT_SECRET


def test_a_new_provider_needs_a_secret(admin_client, organization, crafted_provider):
    response = create(
        admin_client, organization, form_data(crafted_provider.issuer, client_secret="")
    )
    assert response.status_code == 200
    assert "client_secret" in response.context["form"].errors
    assert not IdentityProvider.objects.exists()


def test_the_secret_may_come_from_an_environment_variable(
    admin_client, organization, crafted_provider, monkeypatch
):
    monkeypatch.setenv("SSO_CLIENT_SECRET_TESTVIK", "from-the-environment")
    response = create(
        admin_client,
        organization,
        form_data(
            crafted_provider.issuer, client_secret="", client_secret_env="SSO_CLIENT_SECRET_TESTVIK"
        ),
    )
    assert response.status_code == 302
    provider = IdentityProvider.objects.get()
    assert provider.client_secret() == "from-the-environment"
    assert provider.client_secret_encrypted == ""


@pytest.mark.parametrize(
    "name", ["SECRET_KEY", "DATABASE_URL", "SSO_CLIENT_SECRET_", "sso_client_secret_x"]
)
def test_only_variables_meant_for_client_secrets_may_be_named(
    admin_client, organization, crafted_provider, name
):
    response = create(
        admin_client,
        organization,
        form_data(crafted_provider.issuer, client_secret="", client_secret_env=name),
    )
    assert "client_secret_env" in response.context["form"].errors
    assert not IdentityProvider.objects.exists()


def test_an_unreachable_issuer_is_refused(admin_client, organization):
    response = create(admin_client, organization, form_data("http://127.0.0.1:9/"))
    assert "could not be read" in str(response.context["form"].errors["issuer"])


def test_plain_http_is_refused_outside_tests(
    admin_client, organization, crafted_provider, settings
):
    settings.SSO_ALLOW_HTTP = False
    response = create(admin_client, organization, form_data(crafted_provider.issuer))
    assert "https://" in str(response.context["form"].errors["issuer"])


def test_a_document_naming_another_issuer_is_refused(admin_client, organization, crafted_provider):
    other = crafted_provider.issuer.replace("127.0.0.1", "localhost")
    response = create(admin_client, organization, form_data(other))
    assert "another issuer" in str(response.context["form"].errors["issuer"])


def test_a_domain_of_another_organisation_is_refused(admin_client, organization, crafted_provider):
    make_provider(OrganizationFactory(), crafted_provider.issuer, allowed_domains="testvik.test")
    response = create(admin_client, organization, form_data(crafted_provider.issuer))
    assert "already signs in people with testvik.test" in str(
        response.context["form"].errors["allowed_domains"]
    )


@pytest.mark.parametrize("domains", ["", "not a domain", "testvik"])
def test_domains_must_be_domains(admin_client, organization, crafted_provider, domains):
    response = create(
        admin_client, organization, form_data(crafted_provider.issuer, allowed_domains=domains)
    )
    assert "allowed_domains" in response.context["form"].errors


def test_groups_map_to_roles(admin_client, organization, crafted_provider):
    data = form_data(
        crafted_provider.issuer,
        group_claim="groups",
        group_roles="abc-123 = coordinator\n\n  alle = viewer ",
    )
    assert create(admin_client, organization, data).status_code == 302
    provider = IdentityProvider.objects.get()
    assert provider.role_mapping == {"abc-123": "coordinator", "alle": "viewer"}
    assert provider.role_for_groups(["alle", "abc-123"]) == Role.COORDINATOR
    assert provider.role_for_groups(["alle"]) == Role.VIEWER
    assert provider.role_for_groups(["andre"]) is None


@pytest.mark.parametrize("line", ["abc = boss", "abc coordinator", " = admin"])
def test_a_bad_group_line_is_refused(admin_client, organization, crafted_provider, line):
    data = form_data(crafted_provider.issuer, group_claim="groups", group_roles=line)
    assert "group_roles" in create(admin_client, organization, data).context["form"].errors


def test_groups_need_their_claim(admin_client, organization, crafted_provider):
    data = form_data(crafted_provider.issuer, group_roles="abc = admin")
    assert "group_claim" in create(admin_client, organization, data).context["form"].errors


def test_passwords_can_be_turned_off_with_a_break_glass_admin(
    admin_client, organization, admin_user, crafted_provider
):
    make_provider(organization, crafted_provider.issuer, allowed_domains="testvik.test")
    response = admin_client.post(
        f"/o/{organization.slug}/sign-in/",
        {"password_login_disabled": "on", "break_glass_admin": admin_user.pk},
    )
    assert response.status_code == 302
    policy = SignInPolicy.objects.get(organization=organization)
    assert policy.password_login_disabled
    assert policy.break_glass_admin == admin_user


def test_passwords_cannot_be_turned_off_without_a_break_glass_admin(
    admin_client, organization, crafted_provider
):
    make_provider(organization, crafted_provider.issuer, allowed_domains="testvik.test")
    response = admin_client.post(
        f"/o/{organization.slug}/sign-in/", {"password_login_disabled": "on"}
    )
    assert "break_glass_admin" in response.context["form"].errors
    assert not SignInPolicy.objects.exists()


def test_passwords_cannot_be_turned_off_without_a_provider_in_use(
    admin_client, organization, admin_user, crafted_provider
):
    make_provider(
        organization, crafted_provider.issuer, allowed_domains="testvik.test", is_active=False
    )
    response = admin_client.post(
        f"/o/{organization.slug}/sign-in/",
        {"password_login_disabled": "on", "break_glass_admin": admin_user.pk},
    )
    assert response.context["form"].non_field_errors()
    assert not SignInPolicy.objects.exists()


def test_only_an_admin_can_be_the_break_glass_admin(
    admin_client, organization, coordinator, crafted_provider
):
    make_provider(organization, crafted_provider.issuer, allowed_domains="testvik.test")
    response = admin_client.post(
        f"/o/{organization.slug}/sign-in/",
        {"password_login_disabled": "on", "break_glass_admin": coordinator.pk},
    )
    assert "break_glass_admin" in response.context["form"].errors


def test_another_organisations_provider_is_not_found(admin_client, organization, crafted_provider):
    other = make_provider(OrganizationFactory(), crafted_provider.issuer, allowed_domains="x.test")
    assert admin_client.get(f"/o/{organization.slug}/sign-in/{other.pk}/").status_code == 404


def test_changes_are_on_the_audit_trail_without_the_secret(
    admin_client, organization, crafted_provider
):
    create(admin_client, organization, form_data(crafted_provider.issuer))
    page = admin_client.get(f"/o/{organization.slug}/audit/").content.decode()
    assert "Entra ID" in page
    assert "very-secret-value" not in page
    assert "gAAAA" not in page  # no Fernet token either
    history = IdentityProvider.history.get()
    assert not hasattr(history, "client_secret_encrypted")


def test_the_settings_page_names_the_addresses_to_register(admin_client, organization):
    page = admin_client.get(f"/o/{organization.slug}/sign-in/").content.decode()
    assert "http://testserver/accounts/sso/callback/" in page
    assert "http://testserver/accounts/login/" in page


def test_it_is_linked_from_the_organisation_settings(admin_client, organization):
    page = admin_client.get(f"/o/{organization.slug}/settings/").content.decode()
    assert f'href="/o/{organization.slug}/sign-in/"' in page
