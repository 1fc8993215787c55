"""Who must give a second factor, and whether this session has.

A person with the role administrator or coordinator in any organisation (an active
membership) must use two-factor authentication when they sign in with a password; anyone else
may turn it on, and is then asked for it too. Sign-ins through single sign-on rely on the
identity provider's own multi-factor authentication and are not asked.

The decision is taken once per sign-in and kept on the session, so pages cost no queries for
it: a person promoted to administrator is asked to set up at their next sign-in.
"""

from __future__ import annotations

from typing import Any, Literal

from django.contrib.auth import load_backend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.models import Membership, Role

# How the person signed in. The password login sets PASSWORD (below); the single sign-on view
# sets SSO *after* calling django.contrib.auth.login(). Any other value, or none, counts as a
# password sign-in: a session must prove it came through single sign-on to skip the factor.
SIGN_IN_METHOD_SESSION_KEY = "sign_in_method"
PASSWORD = "password"  # noqa: S105 - a name for the way in, not a secret
SSO = "sso"
# Set when this sign-in needs no second factor (see record_sign_in).
NOT_NEEDED_SESSION_KEY = "two_factor_not_needed"

REQUIRED_ROLES = (Role.ADMIN, Role.COORDINATOR)

Step = Literal["verify", "setup"]


def is_required(user: Any) -> bool:
    """Two-factor authentication is required of administrators and coordinators."""
    return Membership.objects.active().filter(user=user, role__in=REQUIRED_ROLES).exists()


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def step_for(user: Any) -> Step | None:
    """What a person who signed in with a password must do before any page: give a code
    (they have an authenticator), set one up (required, and they have none), or nothing."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return "verify"
    return "setup" if is_required(user) else None


def is_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def is_sso(request: HttpRequest) -> bool:
    return request.session.get(SIGN_IN_METHOD_SESSION_KEY) == SSO


def pending_step(request: HttpRequest) -> Step | None:
    """The step this session must still take; None once verified, for single sign-on, and for
    people who need no second factor. Costs no query once the answer is known."""
    if not request.user.is_authenticated or is_verified(request) or is_sso(request):
        return None
    if request.session.get(NOT_NEEDED_SESSION_KEY):
        return None
    step = step_for(request.user)
    if step is None:
        request.session[NOT_NEEDED_SESSION_KEY] = True
    return step


def mark_verified(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)


def _signs_in_with_password(user: Any) -> bool:
    path = getattr(user, "backend", None)
    return isinstance(path, str) and isinstance(load_backend(path), ModelBackend)


def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in``: every sign-in starts unverified, and the decision is taken afresh.

    A password sign-in (Django's ModelBackend) is recorded as such; other backends leave the
    method to their view, and without SSO on the session the factor is asked all the same.
    """
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    session.pop(DEVICE_ID_SESSION_KEY, None)
    session.pop(NOT_NEEDED_SESSION_KEY, None)
    if _signs_in_with_password(user):
        session[SIGN_IN_METHOD_SESSION_KEY] = PASSWORD
    if step_for(user) is None:
        session[NOT_NEEDED_SESSION_KEY] = True
