"""The session engine (``SESSION_ENGINE = "usersessions.backends"``): Django's database
sessions, stored in ``UserSession`` with its columns filled from the session's data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from usersessions.models import UserSession

# What the middleware keeps in a signed-in session (seconds since the epoch, and text).
STARTED = "usersessions.started"
SEEN = "usersessions.seen"
AGENT = "usersessions.agent"
ADDRESS = "usersessions.address"


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
        UserSession.objects.ended(timezone.now()).delete()
