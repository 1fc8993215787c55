"""Browser policy headers on every response (see docs/security-headers.md).

- ``Content-Security-Policy`` comes from django-csp (``CONTENT_SECURITY_POLICY`` in the
  settings); :class:`ContentSecurityPolicyMiddleware` adds the origins that forms may be sent
  to besides our own: ``CSP_FORM_ACTION_EXTRA`` and whatever the functions named in
  ``CSP_FORM_ACTION_SOURCES`` return for the request (identity providers a sign-in form
  redirects to: browsers apply ``form-action`` to the redirects after a form post too).
- ``Permissions-Policy`` turns off the browser features the product never uses, so neither
  an injected script nor an embedded page can ask for the camera or the position.
- ``Cache-Control: private, no-store`` on every response to a logged-in person that does not
  say otherwise: pages, exports and PDFs hold the organisation's records and people's names,
  and must stay neither in a shared cache nor on a shared computer's disk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.module_loading import import_string

from config.env import ORIGIN

logger = logging.getLogger(__name__)

# Features no page of the product uses. Only names Chromium and Firefox know: an unknown one
# is reported in the browser's console on every page.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def _form_action_sources() -> list[Callable[[HttpRequest], Iterable[str]]]:
    return [import_string(path) for path in getattr(settings, "CSP_FORM_ACTION_SOURCES", [])]


def form_action_origins(request: HttpRequest) -> list[str]:
    """The origins besides our own that forms may be sent to for this request. An origin a
    source returns that is not a plain origin is left out (and logged), never trusted."""
    origins = list(getattr(settings, "CSP_FORM_ACTION_EXTRA", []))
    for source in _form_action_sources():
        for origin in source(request):
            if ORIGIN.match(origin):
                origins.append(origin)
            else:
                logger.error("CSP form-action: %r from %s is not an origin", origin, source)
    return list(dict.fromkeys(origins))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the identity providers' origins in ``form-action``."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        extra = form_action_origins(request)
        if extra:
            parts.update = {**(parts.update or {}), "form-action": extra}
        return parts


class BrowserPolicyMiddleware:
    """``Permissions-Policy`` on every response; ``Cache-Control: private, no-store`` on a
    logged-in person's responses unless the view set its own (then at least ``private``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if "Cache-Control" not in response:
                response["Cache-Control"] = "private, no-store"
            elif "private" not in response["Cache-Control"]:
                patch_cache_control(response, private=True)
        return response
