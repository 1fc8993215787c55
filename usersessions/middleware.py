"""Idle time-out and absolute lifetime of a signed-in session.

Runs after the authentication and message middleware. A session past either limit is ended
(``logout`` deletes its row) and the request is sent to the login page with a message that
says why, in the person's language (the language middleware has already chosen it).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from organizations.throttle import client_ip
from usersessions.agents import shorten_address
from usersessions.backends import ADDRESS, AGENT, IDLE, LIFETIME, SEEN, STARTED
from usersessions.models import EndedSession, key_digest

# The last-seen stamp is written at most once a minute. Writing it on every request would
# save the session row (and send a new cookie) on every page, image-less as our pages are,
# and htmx requests come several to a page. The price: idle time is counted from the last
# stamp, so a session may end up to a minute before the idle time-out has passed since the
# person's very last request; never after it.
STAMP_INTERVAL = 60


def ending_reason(*, started: int, seen: int, now: int) -> str | None:
    """Why a session has ended at ``now``, or None while it still works. A limit is reached
    at its very second: a session started at 08:00 with a lifetime of ten hours ends at 18:00."""
    if now >= started + settings.SESSION_ABSOLUTE_TIMEOUT:
        return LIFETIME
    if now >= seen + settings.SESSION_IDLE_TIMEOUT:
        return IDLE
    return None


def ending_message(reason: str) -> str:
    if reason == LIFETIME:
        return _(
            "You were logged out because your session had lasted as long as a session may. "
            "Please log in again."
        )
    return _("You were logged out because you had been inactive for too long. Please log in again.")


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = int(time.time())
        if request.user.is_authenticated:
            session = request.session
            started, seen = session.get(STARTED), session.get(SEEN)
            if started is None or seen is None:
                self.start(request, now)
            elif reason := ending_reason(started=started, seen=seen, now=now):
                logout(request)
                messages.info(request, ending_message(reason))
                return redirect_to_login(request.get_full_path())
            elif now - seen >= STAMP_INTERVAL:
                session[SEEN] = now
        elif self.ended_elsewhere(request):
            messages.info(request, self.stale_cookie_message(request))

        response = self.get_response(request)
        # A login during this request (password, invitation, or any other way in) starts
        # the clock; so does the first request of a session signed in before this existed.
        if request.user.is_authenticated and STARTED not in request.session:
            self.start(request, now)
        return response

    @staticmethod
    def start(request: HttpRequest, now: int) -> None:
        session = request.session
        session[STARTED] = now
        session[SEEN] = now
        session[AGENT] = request.headers.get("user-agent", "")[:300]
        session[ADDRESS] = shorten_address(client_ip(request))

    @staticmethod
    def stale_cookie_message(request: HttpRequest) -> str:
        """The reason, when the periodic clearing deleted the session for its time-out;
        said once."""
        digest = key_digest(request.COOKIES[settings.SESSION_COOKIE_NAME])
        ended = EndedSession.objects.filter(key_digest=digest).first()
        if ended is None:
            return _("Your session has ended. Please log in again.")
        EndedSession.objects.filter(key_digest=digest).delete()
        return ending_message(ended.reason)

    @staticmethod
    def ended_elsewhere(request: HttpRequest) -> bool:
        """The browser still holds a session cookie whose session is gone: ended from another
        device, by an administrator, by a password change or by time. (Logging out deletes
        the cookie, so it never lands here.) The response deletes the stale cookie, so the
        message is said once."""
        return bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME)) and (
            request.session.session_key is None
        )
