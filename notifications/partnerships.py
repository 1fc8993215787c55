"""Telling an organisation's administrators about a partnership: an invitation to answer, an
answer, an end.

Only the in-app notification (no email row): it is about the organisation, not a deadline, and
the administrators find it in their list and on the partnerships page. Each is worded in the
recipient's language, or the organisation's written standard.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation

from notifications.models import Notification
from organizations.models import Membership, Organization, Role


def notify_admins(
    organization: Organization,
    *,
    title: Callable[[], str],
    text: Callable[[], str],
    path: str,
) -> list[Notification]:
    """One notification per active administrator of ``organization``; ``title`` and ``text``
    are called inside each recipient's language."""
    admins = (
        Membership.objects.active()
        .filter(organization=organization, role=Role.ADMIN)
        .select_related("user")
        .order_by("user_id")
    )
    made = []
    for membership in admins:
        person = membership.user
        with translation.override(person.language or organization.written_standard):
            made.append(
                Notification(
                    recipient=person,
                    organization=organization,
                    title=title()[:300],
                    text=text()[:500],
                    path=path,
                )
            )
    return Notification.objects.bulk_create(made)
