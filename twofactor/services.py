"""Setting up, checking, renewing and removing a person's second factor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from organizations.models import Membership, User
from twofactor.models import SecondFactorReset

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery"
TOTP_DIGITS = 6  # django-otp's default, which set-up keeps


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a code: accepted, or refused (and until when, when throttled)."""

    accepted: bool
    # Refused unread: too many wrong codes in a row, locked until this time.
    throttled: bool = False
    locked_until: datetime | None = None


def normalize_code(code: str) -> str:
    """Codes are typed with spaces or hyphens (``123 456``, ``abcd-efgh``) and any case."""
    return "".join(code.split()).replace("-", "").lower()


def _check(device: Any, code: str) -> CodeCheck:
    # django-otp throttles each device: after n wrong codes in a row the next attempt must
    # wait 2^(n-1) seconds; an attempt while locked is refused without being counted.
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return CodeCheck(False, throttled=True, locked_until=(details or {}).get("locked_until"))
    if device.verify_token(code):
        return CodeCheck(True)
    _allowed, details = device.verify_is_allowed()
    return CodeCheck(False, locked_until=(details or {}).get("locked_until"))


def code_check(*, user: User, code: str) -> tuple[CodeCheck, Any]:
    """Checks a six-digit code from the authenticator or a recovery code (used up when it
    works). Returns the outcome and the device that accepted it."""
    code = normalize_code(code)
    # Six digits are the app's; recovery codes are eight base32 characters (even all digits).
    if code.isdigit() and len(code) == TOTP_DIGITS:
        device: Any = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    else:
        device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
    if device is None:
        return CodeCheck(False), None
    with transaction.atomic():
        # Locked so two requests cannot both use one recovery code or one time step.
        device = type(device).objects.select_for_update().get(pk=device.pk)
        return _check(device, code), device


def setup_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up; the same one (and QR code) on every
    reload of the set-up page, until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def setup_confirm(*, device: TOTPDevice, code: str) -> tuple[CodeCheck, list[str]]:
    """Confirms the authenticator with a code from it; then it counts, and the person gets
    fresh recovery codes (returned, to be shown once)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        check = _check(device, normalize_code(code))
        if not check.accepted:
            return check, []
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        return check, recovery_codes_renew(user=device.user)


def recovery_codes_renew(*, user: Any) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(*, user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


def second_factor_remove(*, user: Any) -> None:
    """Removes the authenticator and the recovery codes."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def second_factor_reset(*, membership: Membership) -> SecondFactorReset:
    """An administrator's reset of a member's second factor: the member sets it up again at
    their next sign-in (if it is required of them). Recorded for the audit trail."""
    with transaction.atomic():
        second_factor_remove(user=membership.user)
        return SecondFactorReset.objects.create(
            organization=membership.organization, user=membership.user
        )
