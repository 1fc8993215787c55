"""Ending sessions. Ending deletes the session's row: the cookie in the browser then names
nothing, and its next request is anonymous."""

from __future__ import annotations

from django.db import transaction

from organizations.models import Membership, User
from usersessions.models import ForcedSignOut, UserSession


def sessions_end(*, user: User, keep: str | None = None) -> int:
    """Ends the person's sessions, all of them or all but ``keep`` (a session key);
    returns how many were ended."""
    sessions = UserSession.objects.filter(user=user)
    if keep is not None:
        sessions = sessions.exclude(session_key=keep)
    deleted, _by_model = sessions.delete()
    return deleted


def member_sign_out(*, membership: Membership) -> ForcedSignOut:
    """An administrator ends every session of a member of their organisation. A session is
    the person's, not the organisation's: they are signed out of every organisation they
    belong to. Recorded on the organisation's audit trail."""
    with transaction.atomic():
        count = sessions_end(user=membership.user)
        return ForcedSignOut.objects.create(
            organization=membership.organization, user=membership.user, session_count=count
        )
