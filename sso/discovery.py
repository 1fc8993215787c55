"""Talking to a provider: its discovery document and an Authlib client built from a row.

Authlib's Django client is made for providers registered once in settings; here each
organisation has its own, so a client is built per request from the provider's row, with
the discovery document stored on the row (no fetch before the redirect).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.conf import settings
from django.utils.translation import gettext as _

from sso.models import IdentityProvider

WELL_KNOWN = "/.well-known/openid-configuration"
SCOPES = "openid email profile"
REQUIRED_METADATA = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


class DiscoveryError(Exception):
    """The discovery document could not be fetched or is not usable; the message says why."""


def issuer_from(url: str) -> str:
    """The issuer for an address given as the issuer or as its discovery document."""
    url = url.strip()
    if url.endswith(WELL_KNOWN):
        url = url[: -len(WELL_KNOWN)]
    return url.rstrip("/")


def check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme
    if scheme == "https" or (scheme == "http" and settings.SSO_ALLOW_HTTP):
        return
    raise DiscoveryError(_("The address must start with https://."))


def fetch_discovery(url: str) -> dict[str, Any]:
    """The provider's discovery document, checked as OpenID Connect Discovery requires: its
    issuer must be the one asked for, and the endpoints sign-in needs must be there."""
    issuer = issuer_from(url)
    check_scheme(issuer)
    try:
        response = requests.get(issuer + WELL_KNOWN, timeout=settings.SSO_HTTP_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise DiscoveryError(
            _("The discovery document at %(url)s could not be read: %(error)s")
            % {"url": issuer + WELL_KNOWN, "error": error}
        ) from error
    if not isinstance(document, dict):
        raise DiscoveryError(_("The discovery document is not a JSON object."))
    missing = [key for key in REQUIRED_METADATA if not document.get(key)]
    if missing:
        raise DiscoveryError(
            _("The discovery document lacks %(names)s.") % {"names": ", ".join(missing)}
        )
    if str(document["issuer"]).rstrip("/") != issuer:
        raise DiscoveryError(
            _("The discovery document names another issuer: %(issuer)s.")
            % {"issuer": document["issuer"]}
        )
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        check_scheme(str(document[key]))
    return document


def client_for(provider: IdentityProvider, *, with_secret: bool = True) -> DjangoOAuth2App:
    """An Authlib client for this provider: authorization code flow with PKCE (S256).

    ``with_secret=False`` for what needs no secret (the redirects to the provider)."""
    metadata = {k: v for k, v in provider.metadata.items() if k != "jwks"}
    return DjangoOAuth2App(
        DjangoIntegration(f"sso{provider.pk}"),
        name=f"sso{provider.pk}",
        client_id=provider.client_id,
        client_secret=provider.client_secret() if with_secret else None,
        client_kwargs={
            "scope": SCOPES,
            "code_challenge_method": "S256",
            "default_timeout": settings.SSO_HTTP_TIMEOUT,
            "token_endpoint_auth_method": "client_secret_basic",
        },
        **metadata,
    )
