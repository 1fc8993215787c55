"""Nothing but the second-factor pages until a password sign-in that needs it is verified."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import urlencode

from twofactor.policy import pending_step

# The pages a person may reach between the password and the second factor.
ALLOWED_URL_NAMES = {"two_factor_verify", "two_factor_setup", "logout", "set_language"}
STEP_URL_NAMES = {"verify": "two_factor_verify", "setup": "two_factor_setup"}


class SecondFactorMiddleware:
    """Sends a signed-in person who still owes a second factor to the code page (or to set-up,
    when they must have one and have none), whatever page they asked for. Must come after
    the session and authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = pending_step(request)
        if step is None or self.is_allowed(request):
            return self.get_response(request)
        url = redirect(STEP_URL_NAMES[step]).url
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)

    @staticmethod
    def is_allowed(request: HttpRequest) -> bool:
        if request.path_info.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in ALLOWED_URL_NAMES
