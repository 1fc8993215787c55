from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from organizations.models import Membership, Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The organisation switcher's list, fetched only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    return {
        "nav_memberships": SimpleLazyObject(
            lambda: list(
                Membership.objects.active()
                .filter(user=user)
                .select_related("organization")
                .order_by("organization__name")
            )
        ),
        "nav_is_admin": membership is not None and membership.role == Role.ADMIN,
        # The membership is cached on the user by the middleware: no query.
        "nav_audit_trail": membership is not None
        and user.has_perm("organizations.view_audit_trail", request.organization),  # type: ignore[attr-defined]
    }
