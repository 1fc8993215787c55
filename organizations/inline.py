"""Rows added, edited and deleted inline on their list page (htmx), with the same forms and
save paths as the per-row pages.

A request sent by htmx carries ``HX-Request: true``: it gets the list's fragment back (with the
form and its errors, or the list with the new row). Any other request is an ordinary form post
and gets a redirect to the list, so every form works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

# Marks, in a fragment, the element that gets focus after the swap (static/js/inline-rows.js):
# an element id, or this value for "the first field with an error".
FOCUS_ERROR = "error"


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def fragment(
    request: HttpRequest, template: str, context: Mapping[str, Any], *, focus: str = ""
) -> HttpResponse:
    """The list's fragment; messages the save added are shown in it (and so consumed), or they
    would wait for the next full page and be shown there out of place."""
    return render(request, template, {**context, "inline_focus": focus})


def answer(
    request: HttpRequest, url: str, template: str, context: Any, *, focus: str = ""
) -> HttpResponse:
    """After a save: the fragment for htmx, a redirect to ``url`` for an ordinary post.
    ``context`` is a callable, so a redirect does not load what only the fragment shows."""
    if is_htmx(request):
        return fragment(request, template, context(), focus=focus)
    return redirect(url)
