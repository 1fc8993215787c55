from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from formonce.services import posted_token, run_once
from organizations.models import User


class FormOnceMiddleware:
    """Runs a POST carrying a one-time form token (``{% form_once %}``) at most once.

    It calls the view itself from ``process_view``, so it must be the last middleware with a
    ``process_view``: the CSRF check, the second factor and the organisation have run by then.
    A POST without a token (a page opened before this was deployed, a script) runs as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        token = posted_token(request)
        user = getattr(request, "user", None)
        if token is None or not isinstance(user, User) or not user.is_authenticated:
            return None
        return run_once(request, user, token, lambda: view_func(request, *view_args, **view_kwargs))
