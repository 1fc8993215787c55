"""The session engine (``SESSION_ENGINE = "usersessions.backends"``): Django's database
sessions, stored in ``UserSession`` with its columns filled from the session's data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import transaction
from django.utils import timezone

from usersessions.models import EndedSession, UserSession, key_digest

# What the middleware keeps in a signed-in session (seconds since the epoch, and text).
STARTED = "usersessions.started"
SEEN = "usersessions.seen"
AGENT = "usersessions.agent"
ADDRESS = "usersessions.address"

# Why a session ended by time.
IDLE = "idle"
LIFETIME = "lifetime"


def _moment(value: Any) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if isinstance(value, int | float) else None


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        session = super().create_model_instance(data)
        assert isinstance(session, UserSession)  # noqa: S101 - get_model_class above
        user_id = data.get(SESSION_KEY)
        session.user_id = int(user_id) if user_id is not None else None
        session.started_at = _moment(data.get(STARTED))
        session.last_activity = _moment(data.get(SEEN))
        session.user_agent = str(data.get(AGENT, ""))[:300]
        session.address = str(data.get(ADDRESS, ""))[:60]
        return session

    @classmethod
    def clear_expired(cls) -> None:
        # ``manage.py clearsessions`` and the periodic task: besides Django's own expiry, the
        # sessions past their idle time-out or lifetime, which no request may use any more.
        # What ended them is kept, by a digest of the key, until the cookie itself expires.
        now = timezone.now()
        with transaction.atomic():
            ended = UserSession.objects.ended(now).filter(
                user__isnull=False, started_at__isnull=False, expire_date__gt=now
            )
            lifetime_start = now - timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
            EndedSession.objects.bulk_create(
                [
                    EndedSession(
                        key_digest=key_digest(key),
                        reason=LIFETIME if started_at <= lifetime_start else IDLE,
                        expires_at=expire_date,
                    )
                    for key, started_at, expire_date in ended.values_list(
                        "session_key", "started_at", "expire_date"
                    )
                ],
                ignore_conflicts=True,
            )
            UserSession.objects.ended(now).delete()
            EndedSession.objects.filter(expires_at__lte=now).delete()
