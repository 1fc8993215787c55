"""Expectations for the annual wheel: wheels, the agenda, print and calendar files, rings,
events, calendar import and the personal calendar feed.

Every member reads the wheel, politicians included. Coordinators and admins plan it (wheels,
rings, the planning cycle, imports). Team leads add events and change those of the measures
they lead (the matrix event belongs to the matrix measure, led by the team_lead user). Empty
POSTs to forms re-render with errors (200), except the wheel's edit form, whose fields are all
optional, and the POST-only actions, which redirect (302) with a message.
"""

from __future__ import annotations

from organizations.models import Role
from tests.factories import (
    EventFactory,
    MembershipFactory,
    RingFactory,
    UserFactory,
    WheelFactory,
)
from tests.matrix.base import (
    ALL_MEMBERS,
    MEASURE_WORKERS,
    PLANNERS,
    Case,
    everyone,
    logged_in,
    no_args,
    org,
    slug,
    slug_and,
)
from yearwheel.models import CalendarSubscription, Event

ADDERS = ["admin", "coordinator", "team_lead"]


def wheel_kwargs(ctx):
    return {"org_slug": ctx["organization"].slug, "year": ctx["wheel"].year}


def read():
    return (org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405))


def action(allowed):
    """POST only: 405 for a GET by those allowed, a redirect for their POST."""
    return (org(allowed, 405), org(allowed, 302))


MATRIX = {
    # Wheels
    "wheel_index": Case(slug, *read()),
    "wheel_create": Case(slug, org(PLANNERS, 200), org(PLANNERS, 200)),
    "wheel_detail": Case(wheel_kwargs, *read()),
    "wheel_agenda": Case(wheel_kwargs, *read()),
    "wheel_print": Case(wheel_kwargs, *read()),
    # Every member asks for the PDF (POST only): a redirect to their file job's page.
    "wheel_pdf": Case(wheel_kwargs, *action(ALL_MEMBERS)),
    "wheel_ics": Case(wheel_kwargs, *read()),
    "wheel_update": Case(wheel_kwargs, org(PLANNERS, 200), org(PLANNERS, 302)),
    "wheel_apply_template": Case(wheel_kwargs, org(PLANNERS, 200), org(PLANNERS, 302)),
    # Rings
    "ring_list": Case(slug, *read()),
    "ring_create": Case(slug, org(PLANNERS, 200), org(PLANNERS, 200)),
    "ring_update": Case(slug_and("ring"), org(PLANNERS, 200), org(PLANNERS, 200)),
    "ring_move": Case(slug_and("ring"), *action(PLANNERS)),
    "ring_archive": Case(slug_and("ring"), *action(PLANNERS)),
    "ring_restore": Case(slug_and("ring"), *action(PLANNERS)),
    # Events
    "event_create": Case(slug, org(ADDERS, 200), org(ADDERS, 200)),
    "event_detail": Case(slug_and("event"), *read()),
    "event_update": Case(slug_and("event"), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)),
    "event_skip": Case(slug_and("event"), *action(MEASURE_WORKERS)),
    "event_move": Case(slug_and("event"), *action(MEASURE_WORKERS)),
    "event_archive": Case(slug_and("event"), *action(MEASURE_WORKERS)),
    "event_restore": Case(slug_and("event"), *action(MEASURE_WORKERS)),
    # Calendars
    "event_import": Case(slug, org(PLANNERS, 200), org(PLANNERS, 200)),
    "event_import_confirm": Case(slug, *action(PLANNERS)),
    "calendar_subscription": Case(no_args, logged_in(200), logged_in(302)),
    "calendar_feed": Case(lambda ctx: {"token": ctx["feed_token"]}, everyone(200), everyone(405)),
}


def _event(ctx) -> Event:
    return EventFactory(
        organization=ctx["organization"],
        ring=ctx["ring"],
        measure=ctx["measure"],
        program=ctx["measure"].program,
        recurrence="weekly",
        start_date=ctx["wheel"].start,
    )


def _feed_token(ctx) -> str:
    """A valid feed token of a coordinator of the matrix organisation (a user of its own, so
    it exists whichever role is under test)."""
    from yearwheel import feeds

    user = MembershipFactory(
        organization=ctx["organization"],
        role=Role.COORDINATOR,
        user=UserFactory(email="kalender@testvik.test"),
    ).user
    make = getattr(feeds, "feed_token", None)
    if make is not None:
        return str(make(user))
    subscription, _created = CalendarSubscription.objects.get_or_create(
        user=user, defaults={"secret": feeds.new_secret()}
    )
    return str(feeds.token_for(subscription))


BUILDERS = {
    "wheel": lambda ctx: WheelFactory(organization=ctx["organization"], year=2026),
    "ring": lambda ctx: RingFactory(organization=ctx["organization"], name="Skole"),
    "event": _event,
    "feed_token": _feed_token,
}
