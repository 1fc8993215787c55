"""Identity providers for the sign-in tests (fixtures made visible to every test by
tests/conftest.py, so the browser tests share them).

``node_provider``: a real OpenID provider (the npm package ``oidc-provider`` run by Node),
started once per session on loopback (tests/sso/provider.mjs). ``crafted_provider``: a tiny
provider in a thread of this process whose token endpoint hands out whatever ID token a
test crafts (wrong audience, expired, badly signed), signed with a test key.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.conf import settings
from joserfc import jwt
from joserfc.jwk import RSAKey

from organizations.models import Role
from sso.discovery import fetch_discovery
from sso.models import IdentityProvider
from tests.conftest import require_or_skip
from tests.factories import MembershipFactory, UserFactory

PROVIDER_SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "tiltakshjulet"
CLIENT_SECRET = "a-client-secret-for-the-tests"
DOMAIN = "sso-kommune.test"


@pytest.fixture(scope="session")
def node_provider():
    """The issuer URL of a running oidc-provider; stopped at the end of the session."""
    node = shutil.which("node")
    require_or_skip(node is not None, "Node is not installed")
    package = Path(settings.BASE_DIR) / "node_modules" / "oidc-provider"
    require_or_skip(package.is_dir(), "oidc-provider is missing from node_modules; run `npm ci`")
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [
            "http://testserver/accounts/sso/callback/",
            "http://127.0.0.1/accounts/sso/callback/",
            "http://localhost/accounts/sso/callback/",
        ],
        "post_logout_redirect_uris": [
            "http://testserver/accounts/login/",
            "http://127.0.0.1/accounts/login/",
            "http://localhost/accounts/login/",
        ],
    }
    process = subprocess.Popen(
        [node, str(PROVIDER_SCRIPT), json.dumps(config)],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("listening "), f"the provider did not start: {line!r}"
        yield line.split()[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def make_provider(organization, issuer: str, **fields: Any) -> IdentityProvider:
    provider = IdentityProvider(
        organization=organization,
        name=fields.pop("name", "Kommunens Entra ID"),
        issuer=issuer,
        client_id=fields.pop("client_id", CLIENT_ID),
        allowed_domains=fields.pop("allowed_domains", DOMAIN),
        metadata=fetch_discovery(issuer),
        **fields,
    )
    provider.set_client_secret(CLIENT_SECRET)
    provider.save()
    return provider


def member_of(organization, email: str, role: str = Role.MEMBER):
    return MembershipFactory(organization=organization, role=role, user=UserFactory(email=email))


def sign_in_at_provider(client, provider: IdentityProvider, account: str):
    """Starts the sign-in in Django, logs in at the provider as ``account`` the way its
    development login form does, and returns Django's answer to the way back."""
    start = client.get(f"/accounts/sso/{provider.pk}/start/")
    assert start.status_code == 302, start
    browser = requests.Session()
    url = start["Location"]
    for _hop in range(10):
        if url.startswith("http://testserver/"):
            parts = urlsplit(url)
            return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and 'name="prompt" value="login"' in response.text:
            response = browser.post(
                url,
                data={"prompt": "login", "login": account, "password": "x"},
                allow_redirects=False,
                timeout=10,
            )
        assert response.status_code in (302, 303), (response.status_code, response.text[:500])
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("the provider never sent the browser back")


class _CraftedHandler(BaseHTTPRequestHandler):
    provider: CraftedProvider

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _json(self, body: dict, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/.well-known/openid-configuration":
            self._json(self.provider.discovery())
        elif self.path == "/jwks":
            self._json({"keys": [self.provider.key.as_dict(private=False)]})
        elif self.path == "/userinfo":
            self._json(self.provider.userinfo)
        else:
            self._json({"error": "not_found"}, 404)

    def do_POST(self) -> None:
        if self.path != "/token":
            self._json({"error": "not_found"}, 404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        self.provider.token_requests.append(parse_qs(self.rfile.read(length).decode()))
        self._json(
            {
                "access_token": "at",
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.provider.id_token,
            }
        )


class CraftedProvider:
    """A provider whose next ID token is whatever the test sets."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.id_token = ""
        self.userinfo: dict[str, Any] = {}
        self.token_requests: list[dict] = []
        handler = type("Handler", (_CraftedHandler,), {"provider": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "end_session_endpoint": f"{self.issuer}/logout",
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def sign(self, claims: dict[str, Any], key: RSAKey | None = None) -> str:
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key or self.key)

    def claims(self, nonce: str, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": "person-1",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "email": f"kari@{DOMAIN}",
            "email_verified": True,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def crafted_provider():
    provider = CraftedProvider()
    yield provider
    provider.stop()
