"""Named permissions and the role predicates behind them.

Permissions are checked against the organisation (or an object that belongs to one):
``user.has_perm("organizations.manage_members", organization)``. The membership is looked
up once per request by the middleware and cached on the user, so checks cost no queries.
"""

from __future__ import annotations

from typing import Any

import rules

from organizations.models import Membership, Organization, Role


def organization_of(obj: Any) -> Organization | None:
    if isinstance(obj, Organization):
        return obj
    return getattr(obj, "organization", None)


def membership_for(user: Any, obj: Any) -> Membership | None:
    """The user's active membership in the organisation ``obj`` belongs to, if any."""
    organization = organization_of(obj)
    if organization is None or not getattr(user, "is_authenticated", False):
        return None
    cache = _membership_cache(user)
    if organization.pk not in cache:
        cache[organization.pk] = (
            Membership.objects.active().filter(user=user, organization=organization).first()
        )
    return cache[organization.pk]


def _membership_cache(user: Any) -> dict[int, Membership | None]:
    # getattr/setattr (not __dict__) so the cache lands on the real user behind
    # request.user's lazy wrapper, where permission checks will look for it.
    cache = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = {}
        user._membership_cache = cache
    return cache


def remember_membership(user: Any, membership: Membership) -> None:
    _membership_cache(user)[membership.organization_id] = membership


def has_role(*roles: str) -> Any:
    names = "_or_".join(roles)

    @rules.predicate(name=f"has_role_{names}")
    def predicate(user: Any, obj: Any) -> bool:
        membership = membership_for(user, obj)
        return membership is not None and membership.role in roles

    return predicate


is_member = has_role(*Role.values)
is_admin = has_role(Role.ADMIN)
is_coordinator = has_role(Role.COORDINATOR)
is_team_lead = has_role(Role.TEAM_LEAD)
# Viewers (politicians, top management) read everything and never change anything.
can_edit_content = has_role(Role.ADMIN, Role.COORDINATOR, Role.TEAM_LEAD, Role.MEMBER)

rules.add_perm("organizations.view_organization", is_member)
rules.add_perm("organizations.view_units", is_member)
rules.add_perm("organizations.change_organization", is_admin)
rules.add_perm("organizations.manage_units", is_admin)
rules.add_perm("organizations.manage_members", is_admin)
# The audit trail names people and what they changed: administrators and coordinators, who
# answer for the organisation's records (read only: nothing on it can be changed).
rules.add_perm("organizations.view_audit_trail", has_role(Role.ADMIN, Role.COORDINATOR))
