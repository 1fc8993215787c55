"""Expectations for single sign-on: the organisation's sign-in settings and the two ends of
a sign-in through a provider."""

from __future__ import annotations

from sso.models import IdentityProvider
from tests.matrix.base import ADMINS, Case, everyone, no_args, org, slug, slug_and

MATRIX: dict[str, Case] = {
    "sso_settings": Case(slug, org(ADMINS, 200), org(ADMINS, 302)),
    "sso_provider_create": Case(slug, org(ADMINS, 200), org(ADMINS, 200)),
    "sso_provider_update": Case(slug_and("identity_provider"), org(ADMINS, 200), org(ADMINS, 200)),
    # Anyone may start a sign-in through a provider in use: the provider decides who it is.
    "sso_start": Case(
        lambda ctx: {"pk": ctx["identity_provider"].pk}, everyone(302), everyone(405)
    ),
    # Without a sign-in started in this session there is nothing to complete.
    "sso_callback": Case(no_args, everyone(400), everyone(405)),
}


def _identity_provider(ctx):
    # The discovery document is stored on the row, so starting a sign-in needs no network.
    return IdentityProvider.objects.create(
        organization=ctx["organization"],
        name="Entra ID",
        issuer="https://login.example.test/tenant/v2.0",
        client_id="client",
        client_secret_env="SSO_CLIENT_SECRET_MATRIX",
        allowed_domains="testvik.test",
        metadata={
            "issuer": "https://login.example.test/tenant/v2.0",
            "authorization_endpoint": "https://login.example.test/authorize",
            "token_endpoint": "https://login.example.test/token",
            "jwks_uri": "https://login.example.test/keys",
        },
    )


BUILDERS = {"identity_provider": _identity_provider}
