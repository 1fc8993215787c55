"""How django-axes counts failed logins here (configured in config/settings.py), and the
lockouts an administrator sees and lifts.

Attempts are kept per account (the email address, in lower case, as the login form takes it)
and client address. The wait grows with the failures: ``LOGIN_COOLOFF_MINUTES`` up to the
limit, then doubled for every further attempt, at most ``LOGIN_COOLOFF_MAX_HOURS``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone


def username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The account an attempt was for: "A@x.no" and "a@x.no " count together."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()


def wait_after(failures: int) -> timedelta:
    """How long the attempts are remembered, and so the lockout lasts, after ``failures``."""
    base = timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    longest = timedelta(hours=settings.LOGIN_COOLOFF_MAX_HOURS)
    doublings = min(max(0, failures - settings.LOGIN_FAILURE_LIMIT), 32)
    return min(base * 2**doublings, longest)


def _failures(account: str | None, address: str | None) -> int:
    total = AccessAttempt.objects.filter(username=account, ip_address=address).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return int(total or 0)


def cool_off(request: HttpRequest | None) -> timedelta:
    """``AXES_COOLOFF_TIME``: the wait for the account and address of this request."""
    address = getattr(request, "axes_ip_address", None)
    if request is None or address is None:
        return wait_after(0)
    return wait_after(_failures(username(request, None), address))


def locked_until(account: str | None, address: str | None) -> datetime | None:
    """When the lockout of this account from this address ends, or None if it is not locked."""
    attempts = AccessAttempt.objects.filter(
        username=account, ip_address=address, expiration__expires_at__gt=timezone.now()
    ).aggregate(total=Sum("failures_since_start"), until=Max("expiration__expires_at"))
    if (attempts["total"] or 0) < settings.LOGIN_FAILURE_LIMIT:
        return None
    until: datetime = attempts["until"]
    return until


@dataclass(frozen=True)
class Lockout:
    """One account locked from one address (axes keeps a row per browser; summed here)."""

    attempt_id: int  # names the lockout in the release URL
    username: str
    ip_address: str | None
    failures: int
    last_attempt: datetime
    until: datetime


def current_lockouts(accounts: Iterable[str]) -> list[Lockout]:
    """The lockouts in force of these accounts, newest first, in one query."""
    rows = (
        AccessAttempt.objects.filter(
            username__in=list(accounts), expiration__expires_at__gt=timezone.now()
        )
        .values("username", "ip_address")
        .annotate(
            latest_id=Max("id"),
            total=Sum("failures_since_start"),
            last_attempt=Max("attempt_time"),
            until=Max("expiration__expires_at"),
        )
        .order_by("-last_attempt")
    )
    return [
        Lockout(
            attempt_id=row["latest_id"],
            username=row["username"],
            ip_address=row["ip_address"],
            failures=row["total"],
            last_attempt=row["last_attempt"],
            until=row["until"],
        )
        for row in rows
        if row["total"] >= settings.LOGIN_FAILURE_LIMIT
    ]
