"""Per-request resolution of the user's language and of the organisation in the URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from config import logs
from organizations.models import Membership, User
from organizations.rules import remember_membership

SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}
ORGANIZATION_LANGUAGE_SESSION_KEY = "organization_language"


def chosen_language(request: HttpRequest) -> str | None:
    """The language the person picked themselves, if any: their profile when logged in, the
    switcher's cookie otherwise. The cookie never speaks for a logged-in person, so a choice
    made by someone else on a shared computer does not follow the next user."""
    user = request.user
    if user.is_authenticated:
        return user.language or None if isinstance(user, User) else None
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return cookie if cookie in SUPPORTED_LANGUAGES else None


class LanguageMiddleware:
    """UI language: the user's choice, then their organisation's written standard, then the
    browser's preference, then bokmål."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        choice = chosen_language(request)
        request.language_is_chosen = choice is not None  # type: ignore[attr-defined]
        language = (
            choice
            or request.session.get(ORGANIZATION_LANGUAGE_SESSION_KEY)
            or translation.get_language_from_request(request)
        )
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def enter_organization(request: HttpRequest, slug: str) -> Membership | None:
    """Sets ``request.organization`` and ``request.membership`` for the organisation with this
    slug, and its written standard as the language unless the person chose their own; None
    (and nothing set) when the person is not an active member. Writes nothing."""
    if not request.user.is_authenticated:
        return None
    membership = (
        Membership.objects.active()
        .select_related("organization")
        .filter(user=request.user, organization__slug=slug)
        .first()
    )
    if membership is None:
        return None
    organization = membership.organization
    request.organization = organization  # type: ignore[attr-defined]
    request.membership = membership  # type: ignore[attr-defined]
    logs.update(organization=organization.slug)
    remember_membership(request.user, membership)
    if not getattr(request, "language_is_chosen", False):
        translation.activate(organization.written_standard)
        request.LANGUAGE_CODE = organization.written_standard
    return membership


class OrganizationMiddleware:
    """Resolves ``/o/<org_slug>/…`` once per request.

    Sets ``request.organization`` and ``request.membership``. A logged-in person who is not an
    active member gets 404 for every page of that organisation, so its existence never leaks;
    anonymous visitors fall through to the view, which sends them to the login page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organization = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        slug = view_kwargs.get("org_slug")
        if slug is None or not request.user.is_authenticated:
            return
        membership = enter_organization(request, slug)
        if membership is None:
            raise Http404("No such organisation")
        organization = membership.organization

        # Remembered so pages outside the organisation (profile, login) keep its language;
        # written only on change, since every write costs a session save.
        if request.session.get(ORGANIZATION_LANGUAGE_SESSION_KEY) != organization.written_standard:
            request.session[ORGANIZATION_LANGUAGE_SESSION_KEY] = organization.written_standard

        user = request.user
        if isinstance(user, User) and user.last_organization_id != organization.pk:
            User.objects.filter(pk=user.pk).update(last_organization=organization)
            user.last_organization = organization
