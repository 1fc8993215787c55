"""Sessions as rows a person can see and end, and the record of an administrator ending them.

The session table is Django's own, extended (``AbstractBaseSession``) with who it belongs to,
when it started, when it was last used and from which browser, so that "my sessions" and
"end this person's sessions" are plain queries and ending a session deletes its row.
The columns are copies of values kept in the session's data (``usersessions/backends.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession, BaseSessionManager
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Organization, TimeStamped

if TYPE_CHECKING:
    from usersessions.backends import SessionStore


def ended_condition(now: datetime) -> Q:
    """The sessions that have ended by time: Django's own expiry (the cookie's age), or a
    signed-in session past its idle time-out or its absolute lifetime. ``live`` is exactly
    the signed-in rest, so a session is never both listed and treated as ended."""
    return (
        Q(expire_date__lte=now)
        | Q(started_at__lte=now - timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT))
        | Q(last_activity__lte=now - timedelta(seconds=settings.SESSION_IDLE_TIMEOUT))
    )


class UserSessionQuerySet(models.QuerySet["UserSession"]):
    def live(self, now: datetime) -> UserSessionQuerySet:
        """Signed-in sessions that still work."""
        return self.filter(user__isnull=False, started_at__isnull=False).exclude(
            ended_condition(now)
        )

    def ended(self, now: datetime) -> UserSessionQuerySet:
        return self.filter(ended_condition(now))


class UserSessionManager(BaseSessionManager.from_queryset(UserSessionQuerySet)):  # type: ignore[misc]
    pass


class UserSession(AbstractBaseSession):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        related_name="sessions",
        verbose_name=_("user"),
    )
    started_at = models.DateTimeField(_("signed in"), null=True)
    last_activity = models.DateTimeField(_("last activity"), null=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    # Only a shortened address is kept (the last part of it hidden): enough for a person to
    # recognise "that is the office" or "that is not me", less personal data to hold.
    address = models.CharField(_("address"), max_length=60, blank=True)

    objects: ClassVar[UserSessionManager] = UserSessionManager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["user", "last_activity"])]

    @classmethod
    def get_session_store_class(cls) -> type[SessionStore]:
        from usersessions.backends import SessionStore

        return SessionStore

    @property
    def public_id(self) -> str:
        """What names the session on the page: the key itself is the credential and never
        leaves the cookie, so forms carry this one-way digest of it instead."""
        return salted_hmac("usersessions.public_id", self.session_key).hexdigest()[:24]


def key_digest(session_key: str) -> str:
    return salted_hmac("usersessions.ended", session_key).hexdigest()


class EndedSession(models.Model):
    """Why a session that ended by time was deleted, kept only while its cookie may still
    come back: the periodic clearing deletes the session itself, and the login page can still
    say "because you had been inactive". Holds no session data and not the key (only a
    digest of it), so nothing here can be used to sign in."""

    key_digest = models.CharField(max_length=64, primary_key=True)
    reason = models.CharField(max_length=20)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.reason


class ForcedSignOut(TimeStamped):
    """An administrator ended all of a member's sessions. Kept with a history so that it
    shows on the organisation's audit trail with who did it and when."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed out"),
    )
    session_count = models.PositiveIntegerField(_("sessions ended"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sign-out everywhere")
        verbose_name_plural = _("sign-outs everywhere")

    def __str__(self) -> str:
        return str(self.user)
