"""The personal calendar feed, cached per person and answered conditionally.

Calendar programs poll the feed every few minutes to every hour, and the whole file is
rebuilt from every event of every organisation the person belongs to. So the body is kept
in the cache under a key made of what decides it:

- the data version of each of the person's organisations (dataversion/versions.py: any
  write to a wheel's events, rings, derived sources, measures or names bumps it on commit),
- which organisations those are (a membership given or ended changes the list),
- the person's language and reminder days (read with the token, so a change shows at once),
- and the day: the feed's window (90 days back, 400 ahead) moves at midnight.

The key also gives the ``ETag``: a poll with ``If-None-Match`` is answered 304 from the key
alone, without reading the body from the cache. ``Last-Modified`` is when the body was
built; it is kept next to it for ``If-Modified-Since``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.utils import timezone

from dataversion import versions
from organizations.models import Membership, User
from yearwheel import ical
from yearwheel.feeds import feed_calendar, visible_memberships

# An unchanged feed is kept a day at most (the day is in its key anyway).
KEEP_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class FeedState:
    key: str
    etag: str
    memberships: list[Membership]

    @property
    def built_key(self) -> str:
        return f"{self.key}:built"


def feed_state(user: User, *, today: date) -> FeedState:
    """The key and ETag of the person's feed as it stands: one query (the memberships) and
    one cache round trip (the versions)."""
    memberships = visible_memberships(user)
    organizations = [m.organization_id for m in memberships]
    key = versions.key(
        "feed",
        versions.current(organizations),
        user.pk,
        organizations,
        user.language,
        ical.usable_reminder_days(user.reminder_days),
        ical.site_host(),
        today.isoformat(),
    )
    # Weak: a body built again for the same key differs in its DTSTAMPs only.
    return FeedState(key=key, etag=f'W/"{key.rsplit(":", 1)[1]}"', memberships=memberships)


def built_at(state: FeedState) -> datetime | None:
    found: datetime | None = cache.get(state.built_key)
    return found


def feed_body(user: User, state: FeedState, *, today: date) -> tuple[bytes, datetime]:
    """The feed's text and when it was built: from the cache, or built and kept."""
    found = cache.get_many([state.key, state.built_key])
    body, built = found.get(state.key), found.get(state.built_key)
    if body is None or built is None:
        calendar = feed_calendar(user, today=today, memberships=state.memberships)
        body = ical.to_bytes(calendar)
        # Whole seconds: Last-Modified has no finer grain, and If-Modified-Since compares.
        built = timezone.now().replace(microsecond=0)
        cache.set_many({state.key: body, state.built_key: built}, KEEP_SECONDS)
    return body, built
