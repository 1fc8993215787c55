"""The two ends of a sign-in through a provider: the redirect there and the way back.

Authlib checks the answer: the state (against this session), PKCE, the ID token's
signature (the provider's published keys), issuer, audience, expiry and nonce. The claims
it lets through are then judged by ``sso.services``.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from joserfc.errors import JoseError

from sso import crypto
from sso.discovery import client_for
from sso.models import IdentityProvider
from sso.services import SignInRefused, sign_in_from_claims
from sso.views.login import ID_TOKEN_SESSION_KEY, PROVIDER_SESSION_KEY
from twofactor.policy import SIGN_IN_METHOD_SESSION_KEY, SSO

log = logging.getLogger(__name__)

PENDING_PROVIDER = "sso_pending_provider"
PENDING_NEXT = "sso_pending_next"
# Seconds of clock difference accepted between the provider and this server.
CLOCK_LEEWAY = 60


def refuse(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    """The person is told why, in their language, and nothing of a session is left."""
    for key in (PENDING_PROVIDER, PENDING_NEXT):
        request.session.pop(key, None)
    return render(request, "sso/refused.html", {"message": message}, status=status)


@require_GET
def start(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider.objects.usable(), pk=pk)
    request.session[PENDING_PROVIDER] = provider.pk
    request.session[PENDING_NEXT] = request.GET.get("next", "")
    client = client_for(provider, with_secret=False)
    return client.authorize_redirect(request, request.build_absolute_uri(reverse("sso_callback")))


def _claims(provider: IdentityProvider, request: HttpRequest) -> dict[str, Any]:
    client = client_for(provider)
    token = client.authorize_access_token(
        request,
        # Authlib checks the audience only through azp by default: a token for another
        # client that names this one as azp would pass. The audience must be this client.
        claims_options={
            "iss": {"essential": True, "value": provider.metadata["issuer"]},
            "aud": {"essential": True, "value": provider.client_id},
        },
        leeway=CLOCK_LEEWAY,
    )
    if not token.get("userinfo"):
        raise SignInRefused(_("%(provider)s sent no ID token.") % {"provider": provider.name})
    claims = dict(token["userinfo"])
    if provider.email_claim not in claims and provider.metadata.get("userinfo_endpoint"):
        # Feide and others put the address in the userinfo answer rather than the ID token.
        extra = dict(client.userinfo(token=token))
        if extra.get("sub") == claims.get("sub"):
            claims = {**extra, **claims}
    claims["_id_token"] = token["id_token"]
    return claims


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    provider_id = request.session.get(PENDING_PROVIDER)
    provider = (
        IdentityProvider.objects.usable().filter(pk=int(provider_id)).first()
        if provider_id
        else None
    )
    if provider is None:
        return refuse(
            request,
            _("This sign-in has expired or was started in another browser. Start again."),
            status=400,
        )
    try:
        claims = _claims(provider, request)
        signed_in = sign_in_from_claims(provider=provider, claims=claims)
    except SignInRefused as refusal:
        return refuse(request, str(refusal))
    except OAuthError as error:
        log.info("sign-in through provider %s refused: %s", provider.pk, error)
        return refuse(
            request,
            _("%(provider)s did not sign you in (%(reason)s). Start again.")
            % {"provider": provider.name, "reason": error.description or error.error},
        )
    except JoseError as error:
        log.warning("ID token from provider %s rejected: %r", provider.pk, error)
        return refuse(
            request,
            _(
                "The answer from %(provider)s could not be trusted (its ID token was not "
                "valid), so you are not signed in. Start again, and tell your administrator "
                "if it happens again."
            )
            % {"provider": provider.name},
        )
    except (requests.RequestException, crypto.InvalidToken) as error:
        log.error("sign-in through provider %s failed: %r", provider.pk, error)
        return refuse(
            request,
            _(
                "Tiltakshjulet could not complete the sign-in with %(provider)s. Try again "
                "later, and tell your administrator if it goes on."
            )
            % {"provider": provider.name},
            status=502,
        )

    next_url = request.session.pop(PENDING_NEXT, "")
    request.session.pop(PENDING_PROVIDER, None)
    login(request, signed_in.user, backend="django.contrib.auth.backends.ModelBackend")
    # After login(): the sign-in is recorded as single sign-on, so the second factor is left
    # to the provider's own (twofactor/policy.py).
    request.session[SIGN_IN_METHOD_SESSION_KEY] = SSO
    request.session[PROVIDER_SESSION_KEY] = provider.pk
    request.session[ID_TOKEN_SESSION_KEY] = claims["_id_token"]
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("organization_home", org_slug=signed_in.membership.organization.slug)
