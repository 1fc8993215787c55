"""One small throttle for every public door that can be hammered: password reset requests,
invitation links, calendar feeds and shared reports (failed logins have django-axes).

A throttle counts events per key (a client address, an email address) in fixed windows of
``THROTTLE_PERIOD_MINUTES`` in the cache, which is Redis when ``REDIS_URL`` is set, so every
web process sees the same counts. A refused request gets 429, a page in the person's language
and ``Retry-After``: the seconds until the window ends.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind our proxy (``BEHIND_PROXY``) it is the last address in
    X-Forwarded-For, the one the proxy itself added; anything before it the client could
    have written. Without a proxy the header is never read."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return str(request.META.get("REMOTE_ADDR", ""))


@dataclass(frozen=True)
class Throttle:
    """``name`` separates the counters; ``limit`` names the setting holding the number of
    events allowed per period, read at each use so tests and deployments can change it."""

    name: str
    limit: str

    def _window(self) -> tuple[int, int]:
        period = settings.THROTTLE_PERIOD_MINUTES * 60
        now = int(time.time())
        start = now - now % period
        return start, start + period - now

    def _key(self, value: str, start: int) -> str:
        # Hashed: the cache never holds email addresses or client addresses in clear.
        digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
        return f"throttle:{self.name}:{digest}:{start}"

    def count(self, value: str) -> int:
        start, _ = self._window()
        return int(cache.get(self._key(value, start), 0))

    def record(self, value: str) -> int:
        """Counts one event and returns the count in this window (atomic in Redis)."""
        start, remaining = self._window()
        key = self._key(value, start)
        cache.add(key, 0, timeout=remaining + 1)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr: a new window has begun
            cache.add(key, 1, timeout=remaining + 1)
            return 1

    def blocked(self, value: str) -> int | None:
        """Seconds to wait when the limit is already used up in this window, else None."""
        if self.count(value) >= getattr(settings, self.limit):
            return self._window()[1]
        return None

    def attempt(self, value: str) -> int | None:
        """Counts one event; seconds to wait when it is over the limit, else None."""
        if self.record(value) > getattr(settings, self.limit):
            return self._window()[1]
        return None


PASSWORD_RESET_BY_ADDRESS = Throttle("password-reset-ip", "PASSWORD_RESET_LIMIT")
PASSWORD_RESET_BY_EMAIL = Throttle("password-reset-email", "PASSWORD_RESET_EMAIL_LIMIT")
WRONG_TOKENS = Throttle("wrong-token", "TOKEN_FAILURE_LIMIT")


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponse:
    """429 inside the product's layout, saying when to try again, with ``Retry-After``."""
    until = timezone.localtime() + timedelta(seconds=wait)
    response = render(request, "429.html", {"until": until}, status=429)
    response["Retry-After"] = str(wait)
    return response


def guard_tokens(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wraps a view whose URL holds a secret token (an invitation, a calendar feed, a shared
    report): every 404 it gives counts as a wrong guess from the client's address, and an
    address that has guessed ``TOKEN_FAILURE_LIMIT`` times is refused until the period ends.
    Only wrong tokens count, so an office full of calendar programs is never refused."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        address = client_ip(request)
        wait = WRONG_TOKENS.blocked(address)
        if wait is not None:
            return too_many_requests(request, wait)
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            WRONG_TOKENS.record(address)
            raise
        if response.status_code == 404:
            WRONG_TOKENS.record(address)
        return response

    return guarded
