"""Every URL in the project, for every role, an outsider and an anonymous visitor, GET and POST.

A URL pattern that is missing here fails ``test_every_url_pattern_is_in_the_matrix``, so new
pages cannot be added without deciding who may see them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organizations.models import Role
from tests.factories import InvitationFactory, MembershipFactory, UnitFactory

MEMBER_ROLES = ["viewer", "member", "team_lead", "coordinator", "admin"]
LOGGED_IN = ["outsider", *MEMBER_ROLES]
ROLES = ["anonymous", *LOGGED_IN]
LOGIN = "login"  # a 302 to the login page


def everyone(status) -> dict:
    return dict.fromkeys(ROLES, status)


def logged_in(status, anonymous=LOGIN) -> dict:
    return {"anonymous": anonymous, **dict.fromkeys(LOGGED_IN, status)}


def org(allowed: list[str], ok: int) -> dict:
    """An organisation page: login first, 404 for outsiders, 403 for roles not allowed."""
    return {
        "anonymous": LOGIN,
        "outsider": 404,
        **{role: ok if role in allowed else 403 for role in MEMBER_ROLES},
    }


ALL_MEMBERS = MEMBER_ROLES
ADMINS = ["admin"]


@dataclass
class Case:
    kwargs: Callable[[dict], dict]
    get: dict
    post: dict


def no_args(ctx):
    return {}


def slug(ctx):
    return {"org_slug": ctx["organization"].slug}


def slug_and(key):
    return lambda ctx: {"org_slug": ctx["organization"].slug, "pk": ctx[key].pk}


MATRIX: dict[str, Case] = {
    # public pages
    "home": Case(no_args, logged_in(302), logged_in(302)),
    "healthz": Case(no_args, everyone(200), everyone(405)),
    "set_language": Case(no_args, everyone(405), everyone(302)),
    "accessibility_statement": Case(no_args, everyone(200), everyone(405)),
    # accounts
    "login": Case(no_args, logged_in(302, anonymous=200), logged_in(302, anonymous=200)),
    "logout": Case(no_args, everyone(405), everyone(302)),
    "password_change": Case(no_args, logged_in(200), logged_in(200)),
    "password_change_done": Case(no_args, logged_in(200), logged_in(405)),
    "password_reset": Case(no_args, everyone(200), everyone(200)),
    "password_reset_done": Case(no_args, everyone(200), everyone(405)),
    "password_reset_confirm": Case(
        lambda ctx: {"uidb64": "MQ", "token": "not-a-token"}, everyone(200), everyone(200)
    ),
    "password_reset_complete": Case(no_args, everyone(200), everyone(405)),
    "profile": Case(no_args, logged_in(200), logged_in(200)),
    # The link is the credential: anyone holding it sees the page (see test_invitations.py).
    "invitation_accept": Case(lambda ctx: {"token": ctx["token"]}, everyone(200), everyone(200)),
    "organization_list": Case(no_args, logged_in(200), logged_in(405)),
    # inside an organisation
    "organization_home": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "organization_settings": Case(slug, org(ADMINS, 200), org(ADMINS, 200)),
    "organization_history": Case(slug, org(ADMINS, 200), org(ADMINS, 405)),
    "member_list": Case(slug, org(ADMINS, 200), org(ADMINS, 405)),
    "member_invite": Case(slug, org(ADMINS, 200), org(ADMINS, 200)),
    "membership_role": Case(slug_and("membership"), org(ADMINS, 200), org(ADMINS, 200)),
    "membership_deactivate": Case(slug_and("membership"), org(ADMINS, 405), org(ADMINS, 302)),
    "membership_reactivate": Case(slug_and("membership"), org(ADMINS, 405), org(ADMINS, 302)),
    "invitation_revoke": Case(slug_and("invitation"), org(ADMINS, 405), org(ADMINS, 302)),
    "unit_list": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "unit_create": Case(slug, org(ADMINS, 200), org(ADMINS, 200)),
    "unit_update": Case(slug_and("unit"), org(ADMINS, 200), org(ADMINS, 200)),
    "unit_archive": Case(slug_and("unit"), org(ADMINS, 405), org(ADMINS, 302)),
    "unit_restore": Case(slug_and("unit"), org(ADMINS, 405), org(ADMINS, 302)),
}


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
    invitation, token = InvitationFactory.create_with_token(organization=organization)
    return {
        "organization": organization,
        "unit": UnitFactory(organization=organization),
        "membership": MembershipFactory(organization=organization, role=Role.MEMBER),
        "invitation": invitation,
        "token": token,
    }


CASES = [
    pytest.param(name, method, role, id=f"{name}-{method}-{role}")
    for name in sorted(MATRIX)
    for method in ("get", "post")
    for role in ROLES
]


@pytest.mark.parametrize(("url_name", "method", "role"), CASES)
def test_permission_matrix(url_name, method, role, ctx, client, request, password):
    case = MATRIX[url_name]
    if role != "anonymous":
        from tests.conftest import ROLE_FIXTURES

        user = request.getfixturevalue(ROLE_FIXTURES[role])
        assert client.login(username=user.email, password=password)
    url = reverse(url_name, kwargs=case.kwargs(ctx))
    response = getattr(client, method)(url)
    expected = getattr(case, method)[role]

    if expected == LOGIN:
        assert response.status_code == 302, f"{method.upper()} {url} as {role}"
        assert response["Location"].startswith(reverse("login")), response["Location"]
    else:
        assert response.status_code == expected, f"{method.upper()} {url} as {role}"


def test_viewers_can_change_nothing_in_an_organisation():
    """Politicians and top management read; no organisation URL accepts their POST."""
    for name, case in MATRIX.items():
        if case.get["outsider"] == 404:  # an organisation page
            assert case.post["viewer"] in (403, 405), name
