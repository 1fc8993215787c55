"""Building blocks for the permission matrix: roles, expectations and lazily built objects.

Each area of the product states its URLs' expectations in a module of this package
(``MATRIX``) together with how to build the objects its URLs need (``BUILDERS``);
``tests/test_permission_matrix.py`` merges them and walks every URL pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


def slug_and(key, kwarg="pk"):
    """URL kwargs for an object of the organisation: ``{"org_slug": …, kwarg: ctx[key].pk}``."""
    return lambda ctx: {"org_slug": ctx["organization"].slug, kwarg: ctx[key].pk}


def measure_and(key=None, kwarg="pk"):
    """URL kwargs under a measure: the measure's pk, and optionally one object's pk."""

    def kwargs(ctx):
        values = {"org_slug": ctx["organization"].slug, "measure_pk": ctx["measure"].pk}
        if key:
            values[kwarg] = ctx[key].pk
        return values

    return kwargs


class LazyContext(dict):
    """Objects for URL kwargs, built on first use by the builder registered under their key."""

    def __init__(self, builders: dict[str, Callable[[LazyContext], Any]], **known: Any) -> None:
        super().__init__(**known)
        self.builders = builders

    def __missing__(self, key: str) -> Any:
        value = self[key] = self.builders[key](self)
        return value


PLANNERS = ["admin", "coordinator"]
# Planners, plus the team lead of the measure (matrix measures are led by the team_lead user).
MEASURE_WORKERS = ["admin", "coordinator", "team_lead"]
EDITORS = ["admin", "coordinator", "team_lead", "member"]
