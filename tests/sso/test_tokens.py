"""ID tokens that must not sign anyone in, from a provider that hands out crafted ones:
each is refused with a message and leaves no session."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc.jwk import RSAKey

from organizations.models import Role
from tests.sso.providers import CLIENT_ID, make_provider, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(sso_organization, crafted_provider):
    member_of(sso_organization, "kari@sso-kommune.test", Role.MEMBER)
    return make_provider(sso_organization, crafted_provider.issuer)


def start(client, provider) -> dict[str, str]:
    """Starts a sign-in; the parameters of the redirect to the provider."""
    response = client.get(f"/accounts/sso/{provider.pk}/start/")
    assert response.status_code == 302
    assert response["Location"].startswith(provider.metadata["authorization_endpoint"] + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}


def come_back(client, params, code="the-code"):
    return client.get("/accounts/sso/callback/", {"code": code, "state": params["state"]})


def sign_in_with(client, provider, crafted_provider, key=None, **claims):
    params = start(client, provider)
    crafted_provider.id_token = crafted_provider.sign(
        crafted_provider.claims(params["nonce"], **claims), key
    )
    return come_back(client, params)


def assert_refused(client, response, text):
    assert response.status_code == 403, response.content.decode()[:500]
    assert text in response.content.decode()
    assert "_auth_user_id" not in client.session


UNTRUSTED = "could not be trusted"


def test_a_good_token_signs_in(client, provider, crafted_provider):
    params = start(client, provider)
    assert params["client_id"] == CLIENT_ID
    assert params["code_challenge_method"] == "S256"
    assert params["redirect_uri"] == "http://testserver/accounts/sso/callback/"
    assert params["scope"] == "openid email profile"
    crafted_provider.id_token = crafted_provider.sign(crafted_provider.claims(params["nonce"]))
    response = come_back(client, params)
    assert response.status_code == 302
    assert client.session["sign_in_method"] == "sso"
    exchange = crafted_provider.token_requests[-1]
    assert exchange["code"] == ["the-code"]
    assert exchange["code_verifier"]  # PKCE


def test_it_refuses_a_token_for_another_audience(client, provider, crafted_provider):
    response = sign_in_with(client, provider, crafted_provider, aud="another-client")
    assert_refused(client, response, UNTRUSTED)


def test_it_refuses_a_token_for_another_audience_that_names_this_client_as_azp(
    client, provider, crafted_provider
):
    response = sign_in_with(client, provider, crafted_provider, aud="another-client", azp=CLIENT_ID)
    assert_refused(client, response, UNTRUSTED)


def test_it_accepts_an_audience_list_with_this_client_and_azp(client, provider, crafted_provider):
    response = sign_in_with(
        client, provider, crafted_provider, aud=[CLIENT_ID, "api"], azp=CLIENT_ID
    )
    assert response.status_code == 302


def test_it_refuses_an_expired_token(client, provider, crafted_provider):
    # Past the accepted clock difference of 60 seconds …
    now = int(time.time())
    response = sign_in_with(client, provider, crafted_provider, iat=now - 600, exp=now - 61)
    assert_refused(client, response, UNTRUSTED)


def test_it_accepts_a_token_within_the_clock_leeway(client, provider, crafted_provider):
    # … and within it.
    now = int(time.time())
    response = sign_in_with(client, provider, crafted_provider, iat=now - 600, exp=now - 50)
    assert response.status_code == 302


def test_it_refuses_a_token_with_a_bad_signature(client, provider, crafted_provider):
    stranger = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    response = sign_in_with(client, provider, crafted_provider, key=stranger)
    assert_refused(client, response, UNTRUSTED)


def test_it_refuses_a_token_from_another_issuer(client, provider, crafted_provider):
    response = sign_in_with(client, provider, crafted_provider, iss="https://evil.test")
    assert_refused(client, response, UNTRUSTED)


def test_it_refuses_a_token_with_another_nonce(client, provider, crafted_provider):
    params = start(client, provider)
    crafted_provider.id_token = crafted_provider.sign(crafted_provider.claims("replayed"))
    assert_refused(client, come_back(client, params), UNTRUSTED)


def test_it_refuses_an_unverified_email(client, provider, crafted_provider):
    response = sign_in_with(client, provider, crafted_provider, email_verified=None)
    assert_refused(client, response, "has not confirmed")


def test_it_refuses_an_email_verified_as_the_string_true(client, provider, crafted_provider):
    response = sign_in_with(client, provider, crafted_provider, email_verified="true")
    assert_refused(client, response, "has not confirmed")


def test_it_refuses_an_email_outside_the_allowed_domains(client, provider, crafted_provider):
    response = sign_in_with(client, provider, crafted_provider, email="kari@sso-kommune.test.evil")
    assert_refused(client, response, "is not an address")


def test_it_refuses_an_unknown_person(client, provider, crafted_provider):
    response = sign_in_with(client, provider, crafted_provider, email="ny@sso-kommune.test")
    assert_refused(client, response, "invite you")


def test_it_refuses_a_state_it_did_not_issue(client, provider, crafted_provider):
    start(client, provider)
    response = client.get("/accounts/sso/callback/", {"code": "x", "state": "forged"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_way_back_without_a_sign_in_started(client):
    response = client.get("/accounts/sso/callback/", {"code": "x", "state": "y"})
    assert response.status_code == 400
    assert "Start again" in response.content.decode()


def test_it_tells_when_the_provider_says_no(client, provider):
    params = start(client, provider)
    response = client.get(
        "/accounts/sso/callback/",
        {"error": "access_denied", "error_description": "User cancelled", "state": params["state"]},
    )
    assert_refused(client, response, "User cancelled")


def test_it_reads_the_email_from_userinfo_when_the_id_token_lacks_it(
    client, provider, crafted_provider
):
    crafted_provider.userinfo = {
        "sub": "person-1",
        "email": "kari@sso-kommune.test",
        "email_verified": True,
    }
    response = sign_in_with(client, provider, crafted_provider, email=None, email_verified=None)
    assert response.status_code == 302


def test_it_ignores_userinfo_about_someone_else(client, provider, crafted_provider):
    crafted_provider.userinfo = {
        "sub": "person-2",
        "email": "kari@sso-kommune.test",
        "email_verified": True,
    }
    response = sign_in_with(client, provider, crafted_provider, email=None, email_verified=None)
    assert_refused(client, response, "did not tell us your email address")


def test_it_reads_the_email_from_the_configured_claim(client, provider, crafted_provider):
    provider.email_claim = "preferred_username"
    provider.trust_unverified_email = True
    provider.save()
    response = sign_in_with(
        client,
        provider,
        crafted_provider,
        email=None,
        email_verified=None,
        preferred_username="Kari@SSO-kommune.test",
    )
    assert response.status_code == 302


def test_it_follows_a_safe_next_address_only(client, provider, crafted_provider, sso_organization):
    response = client.get(f"/accounts/sso/{provider.pk}/start/", {"next": "https://evil.test/"})
    params = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    crafted_provider.id_token = crafted_provider.sign(crafted_provider.claims(params["nonce"]))
    assert come_back(client, params)["Location"] == f"/o/{sso_organization.slug}/"

    client.logout()
    response = client.get(f"/accounts/sso/{provider.pk}/start/", {"next": "/o/"})
    params = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    crafted_provider.id_token = crafted_provider.sign(crafted_provider.claims(params["nonce"]))
    assert come_back(client, params)["Location"] == "/o/"


def test_an_inactive_provider_cannot_be_started(client, provider):
    provider.is_active = False
    provider.save()
    assert client.get(f"/accounts/sso/{provider.pk}/start/").status_code == 404


def test_a_secret_stored_under_another_key_stops_the_sign_in_with_a_message(
    client, provider, crafted_provider, settings
):
    settings.SSO_ENCRYPTION_KEY = "a-new-key-after-a-rotation"
    response = sign_in_with(client, provider, crafted_provider)
    assert response.status_code == 502
    assert "could not complete the sign-in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_secret_is_sent_to_the_token_endpoint_only(client, provider, crafted_provider):
    params = start(client, provider)
    assert "client_secret" not in params
    crafted_provider.id_token = crafted_provider.sign(crafted_provider.claims(params["nonce"]))
    come_back(client, params)
    assert "client_secret" not in crafted_provider.token_requests[-1]  # HTTP Basic instead
