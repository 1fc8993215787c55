"""Every URL in the project, for every role, an outsider and an anonymous visitor, GET and POST.

The expectations live in ``tests/matrix/`` (one module per area). A URL pattern that is missing
there fails ``test_every_url_pattern_is_in_the_matrix``, so new pages cannot be added without
deciding who may see them.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.matrix
from tests.conftest import ROLE_FIXTURES
from tests.matrix.base import LOGIN, ROLES, Case, LazyContext

MATRIX: dict[str, Case] = {}
BUILDERS: dict = {}
for _info in pkgutil.iter_modules(tests.matrix.__path__):
    _module = importlib.import_module(f"tests.matrix.{_info.name}")
    for _name in getattr(_module, "MATRIX", {}):
        assert _name not in MATRIX, f"{_name} is in two matrix modules"
    MATRIX.update(getattr(_module, "MATRIX", {}))
    BUILDERS.update(getattr(_module, "BUILDERS", {}))


def all_url_names(patterns=None, namespace="") -> set[str]:
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= all_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name"
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_pattern_is_in_the_matrix():
    missing = all_url_names() - MATRIX.keys()
    stale = MATRIX.keys() - all_url_names()
    assert not missing, f"URL patterns without permission expectations: {sorted(missing)}"
    assert not stale, f"Expectations for URLs that no longer exist: {sorted(stale)}"


@pytest.fixture
def ctx(organization):
    return LazyContext(BUILDERS, organization=organization)


CASES = [
    pytest.param(name, method, role, id=f"{name}-{method}-{role}")
    for name in sorted(MATRIX)
    for method in ("get", "post")
    for role in ROLES
]


@pytest.mark.parametrize(("url_name", "method", "role"), CASES)
def test_permission_matrix(url_name, method, role, ctx, client, request, login):
    case = MATRIX[url_name]
    if role != "anonymous":
        login(request.getfixturevalue(ROLE_FIXTURES[role]))
    url = reverse(url_name, kwargs=case.kwargs(ctx))
    response = getattr(client, method)(url)
    expected = getattr(case, method)[role]

    if expected == LOGIN:
        assert response.status_code == 302, f"{method.upper()} {url} as {role}"
        assert response["Location"].startswith(reverse("login")), response["Location"]
    else:
        assert response.status_code == expected, f"{method.upper()} {url} as {role}"


# Reading that is asked for with a POST: a file made for the person by a worker (a file job,
# docs/heavy-work.md), which changes nothing in the organisation.
READ_BY_POST = {"wheel_pdf"}


def test_viewers_can_change_nothing_in_an_organisation():
    """Politicians and top management read; no organisation URL accepts their POST (except to
    ask for a file to read). Someone else's file is not found (404)."""
    for name, case in MATRIX.items():
        if case.get["outsider"] == 404 and name not in READ_BY_POST:  # an organisation page
            assert case.post["viewer"] in (403, 404, 405), name


# The URLs whose forms are also sent inline by htmx (docs/measures.md, "Inline editing").
# Asked by htmx they answer with a fragment instead of a redirect, and never to anyone else.
INLINE = [
    *(f"logic_element_{action}" for action in ("create", "update", "move", "delete")),
    "logic_link_create",
    "logic_link_delete",
    *(
        f"{name}_{action}"
        for name in ("planned_activity", "plan_role", "budget_line")
        for action in ("create", "update", "delete")
    ),
    "maintenance_routine_create",
    "maintenance_routine_update",
    "maintenance_routine_delete",
]


@pytest.mark.parametrize(
    ("url_name", "method", "role"),
    [
        pytest.param(name, method, role, id=f"{name}-{method}-{role}")
        for name in INLINE
        for method in ("get", "post")
        for role in ROLES
    ],
)
def test_htmx_requests_are_allowed_to_the_same_roles(
    url_name, method, role, ctx, client, request, login
):
    case = MATRIX[url_name]
    if role != "anonymous":
        login(request.getfixturevalue(ROLE_FIXTURES[role]))
    url = reverse(url_name, kwargs=case.kwargs(ctx))
    response = getattr(client, method)(url, HTTP_HX_REQUEST="true")
    expected = getattr(case, method)[role]

    if expected == LOGIN:
        assert response.status_code == 302, f"{method.upper()} {url} as {role}"
        assert response["Location"].startswith(reverse("login")), response["Location"]
    elif expected == 302:
        # What redirects an ordinary post answers htmx with the list's fragment.
        assert response.status_code == 200, f"{method.upper()} {url} as {role}"
        assert b"<html" not in response.content
    else:
        assert response.status_code == expected, f"{method.upper()} {url} as {role}"
