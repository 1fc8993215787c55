"""The page for a request the product cannot take (Django's ``handler400``).

Django refuses some requests before any view sees them: form text over
``DATA_UPLOAD_MAX_MEMORY_SIZE``, more fields than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``, more files
than ``DATA_UPLOAD_MAX_NUMBER_FILES``, a host not allowed. Without this view the person got
Django's bare English "Bad Request (400)" and lost what they had typed. Here they get a page in
their language, inside the product's layout, that names the limit and tells them how to get
back to their text (the browser's Back button keeps it).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organizations.limits import megabytes, whole_number
from organizations.middleware import enter_organization

# 413 Content Too Large says exactly what happened; the rest are plain bad requests.
CONTENT_TOO_LARGE = 413
BAD_REQUEST = 400


def _enter_organization_of_the_url(request: HttpRequest) -> None:
    """The organisation in the URL, for the menu and its written standard, as on every page
    (the request was refused before the middleware got to it)."""
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if match is None or user is None or not user.is_authenticated:
        return
    slug = match.kwargs.get("org_slug")
    if slug:
        enter_organization(request, slug)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    _enter_organization_of_the_url(request)
    organization = getattr(request, "organization", None)
    context = {"organization": organization}
    if isinstance(exception, RequestDataTooBig):
        context["limit"] = megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return render(request, "413.html", context, status=CONTENT_TOO_LARGE)
    if isinstance(exception, TooManyFieldsSent):
        context.update(reason="fields", limit=whole_number(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS))
    elif isinstance(exception, TooManyFilesSent):
        context.update(reason="files", limit=whole_number(settings.DATA_UPLOAD_MAX_NUMBER_FILES))
    return render(request, "400.html", context, status=BAD_REQUEST)
