"""Querysets for form choices, always limited to one organisation: a form never offers another
organisation's units, people or programmes."""

from __future__ import annotations

from django.db.models import QuerySet

from measures.models import Program
from organizations.models import Organization, Partnership, Role, Unit, User


def people(organization: Organization, roles: list[str] | None = None) -> QuerySet[User]:
    memberships = {
        "memberships__organization": organization,
        "memberships__is_active": True,
    }
    queryset = User.objects.filter(is_active=True, **memberships)
    if roles:
        queryset = queryset.filter(memberships__role__in=roles)
    return queryset.distinct().order_by("full_name", "email")


def leaders(organization: Organization) -> QuerySet[User]:
    return people(organization, [Role.ADMIN, Role.COORDINATOR, Role.TEAM_LEAD])


def contributors(organization: Organization) -> QuerySet[User]:
    return people(organization, [Role.ADMIN, Role.COORDINATOR, Role.TEAM_LEAD, Role.MEMBER])


def units(organization: Organization) -> QuerySet[Unit]:
    return Unit.objects.filter(organization=organization, is_archived=False)


def programs(organization: Organization) -> QuerySet[Program]:
    return Program.objects.filter(organization=organization, is_archived=False)


def partnerships(organization: Organization) -> QuerySet[Partnership]:
    return Partnership.objects.filter(grantor=organization, is_active=True).select_related(
        "partner"
    )
