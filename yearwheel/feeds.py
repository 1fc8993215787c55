"""A person's private calendar feed: the token in its URL, and making and checking it.

The feed URL is ``/calendar/<token>.ics``; calendar programs fetch it without logging in, so
the token is the credential. It is ``<user pk>.<mac>``, where the MAC is an HMAC (keyed with
the site's SECRET_KEY) of the user's id and their subscription's random ``secret``. Nothing
secret is stored in a form that can be used on its own: a database dump without the
SECRET_KEY gives no working URL, and a new secret (or a new SECRET_KEY) revokes every URL
handed out before.

Every way a token can fail (malformed, unknown or inactive user, no subscription, wrong MAC)
gives the same answer, ``None``, which the view turns into the ordinary 404 page.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from organizations.models import Membership, Organization, User
from yearwheel import ical
from yearwheel.models import CalendarSubscription, Event, Ring
from yearwheel.occurrences import Occurrence, Scope, sources

SALT = "yearwheel.calendar-feed"
MAC_LENGTH = 40
# A fetch is recorded at most this often: calendar programs poll every few minutes.
FETCH_RECORDED_EVERY = timedelta(minutes=10)
# Primary keys are big integers: at most 18 digits, so the lookup never overflows.
_TOKEN = re.compile(rf"^([1-9][0-9]{{0,17}})\.([0-9a-f]{{{MAC_LENGTH}}})$")


def _mac(user_pk: int, secret: str) -> str:
    value = salted_hmac(SALT, f"{user_pk}:{secret}", algorithm="sha256")
    return value.hexdigest()[:MAC_LENGTH]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def token_for(subscription: CalendarSubscription) -> str:
    return f"{subscription.user_id}.{_mac(subscription.user_id, subscription.secret)}"


def feed_path(subscription: CalendarSubscription) -> str:
    return reverse("calendar_feed", kwargs={"token": token_for(subscription)})


def feed_url(subscription: CalendarSubscription) -> str:
    """The absolute https:// (or http://) address calendar programs subscribe to."""
    return f"{settings.SITE_URL}{feed_path(subscription)}"


def webcal_url(subscription: CalendarSubscription) -> str:
    """The same address as ``webcal://``: a click opens the calendar program to subscribe."""
    return "webcal://" + feed_url(subscription).split("://", 1)[1]


def subscription_for_token(token: str) -> CalendarSubscription | None:
    """The subscription (with its user) the token belongs to, or None however it fails."""
    match = _TOKEN.match(token)
    if match is None:
        return None
    user_pk, mac = int(match.group(1)), match.group(2)
    subscription = (
        CalendarSubscription.objects.select_related("user")
        .filter(user_id=user_pk, user__is_active=True)
        .first()
    )
    if subscription is None or not subscription.secret:
        # Spend the same work as for a real subscription: the answer's timing tells nothing.
        constant_time_compare(mac, _mac(user_pk, "-"))
        return None
    if not constant_time_compare(mac, _mac(user_pk, subscription.secret)):
        return None
    return subscription


def create_or_regenerate(user: User) -> tuple[CalendarSubscription, bool]:
    """The person's subscription with a new secret, and whether it was made now. A new secret
    replaces the old one at once: every URL made from the old one stops working."""
    subscription, created = CalendarSubscription.objects.get_or_create(
        user=user, defaults={"secret": new_secret()}
    )
    if not created:
        subscription.secret = new_secret()
        subscription.regenerated_at = timezone.now()
        subscription.save(update_fields=["secret", "regenerated_at"])
    return subscription, created


def record_fetch(subscription: CalendarSubscription) -> None:
    """Notes when the feed was last fetched, with one conditional update that writes at most
    once per ``FETCH_RECORDED_EVERY`` (and no query at all within it)."""
    now = timezone.now()
    last = subscription.last_fetched_at
    if last is not None and now - last < FETCH_RECORDED_EVERY:
        return
    CalendarSubscription.objects.filter(pk=subscription.pk).filter(
        Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lt=now - FETCH_RECORDED_EVERY)
    ).update(last_fetched_at=now)
    subscription.last_fetched_at = now


# --- what the feed holds --------------------------------------------------------------------

# Derived occurrences are expanded from three months back to a little over a year ahead; own
# events are sent as series, unless archived or over for more than a year.
FEED_PAST = timedelta(days=90)
FEED_FUTURE = timedelta(days=400)
FEED_REFRESH = timedelta(hours=1)
ENDED_LONG_AGO = timedelta(days=365)
_FAR_FUTURE = date(9999, 12, 31)


def visible_memberships(user: User) -> list[Membership]:
    """The person's active memberships of active organisations: every role may see the wheel,
    and nothing of any other organisation ever goes into the feed."""
    return list(
        Membership.objects.active()
        .filter(user=user)
        .select_related("organization")
        .order_by("organization__name", "organization__pk")
    )


def _is_shown(ring: Ring) -> bool:
    """The feed holds what the wheel shows when nothing is chosen in its filter."""
    return ring.is_visible and not ring.is_archived


def _has_occurrence_since(event: Event, day: date) -> bool:
    if not event.is_recurring:
        return True  # the query has already left out single events that ended before
    try:
        rule = event.rule()
    except (ValueError, TypeError, OverflowError):
        return False
    window = datetime.combine(day - timedelta(days=event.duration_days), time.min)
    return rule.after(window, inc=True) is not None


def feed_events(organization: Organization, rings: list[Ring], today: date) -> list[Event]:
    """The organisation's own events for the feed, as series: one query."""
    shown = [ring.pk for ring in rings if not ring.source and _is_shown(ring)]
    cutoff = today - ENDED_LONG_AGO
    events = (
        Event.objects.active()
        .filter(organization=organization, ring__in=shown)
        .touching(cutoff, _FAR_FUTURE)
        .select_related("measure", "program", "measure__program", "goal")
        # Only what an entry shows (yearwheel/ical.py, event_entry): thousands of events
        # with every column of five tables cost more in conversions than the entries.
        .only(*FEED_EVENT_FIELDS)
        .order_by("start_date", "start_time", "pk")
    )
    return [event for event in events if _has_occurrence_since(event, cutoff)]


FEED_EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "start_date",
    "end_date",
    "start_time",
    "end_time",
    "place",
    "recurrence",
    "rrule",
    "repeat_until",
    "exceptions",
    "reminder_days",
    "created_at",
    "updated_at",
    "measure__name",
    "measure__program__name",
    "program__name",
    "goal__title",
)


def feed_occurrences(
    organization: Organization, rings: list[Ring], today: date
) -> list[Occurrence]:
    """The organisation's derived occurrences for the feed: one query per source. A source is
    left out when its system ring is hidden or archived (a ring not made yet is shown)."""
    hidden = {ring.source for ring in rings if ring.source and not _is_shown(ring)}
    found: list[Occurrence] = []
    for source in sources():
        if not source.key or source.key in hidden:
            continue
        found.extend(
            source.occurrences(organization, today - FEED_PAST, today + FEED_FUTURE, Scope())
        )
    found.sort(key=lambda o: (o.start, o.title, o.key))
    return found


def feed_language(user: User, memberships: list[Membership]) -> str:
    if user.language:
        return user.language
    if memberships:
        return memberships[0].organization.written_standard
    return str(settings.LANGUAGE_CODE)


def feed_calendar(
    user: User, *, today: date, memberships: list[Membership] | None = None
) -> ical.Calendar:
    """Everything the person may see on the wheels of their organisations, as one calendar.

    A fixed number of queries per organisation (rings, events, one per derived source)."""
    if memberships is None:
        memberships = visible_memberships(user)
    several = len(memberships) > 1
    with translation.override(feed_language(user, memberships)):
        if len(memberships) == 1:
            name = _("Annual wheel – %(name)s") % {"name": memberships[0].organization.name}
        else:
            name = _("Annual wheel – Tiltakshjulet")
        calendar = ical.new_calendar(
            name,
            description=_("Your checkpoints, meeting places, activities and deadlines."),
            refresh=FEED_REFRESH,
        )
        host, stamp = ical.site_host(), ical.now_stamp()
        reminder_days = ical.usable_reminder_days(user.reminder_days)
        for membership in memberships:
            organization = membership.organization
            # Rings are read, never made here: the feed is a GET from a calendar program.
            rings = list(Ring.objects.filter(organization=organization))
            ical.add_entries(
                calendar,
                org_slug=organization.slug,
                events=feed_events(organization, rings, today),
                occurrences=feed_occurrences(organization, rings, today),
                reminder_days=reminder_days,
                host=host,
                stamp=stamp,
                prefix=f"{organization.name}: " if several else "",
            )
    return calendar
