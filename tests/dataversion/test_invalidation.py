"""Caches with exact invalidation: after each kind of write, the next reader of the status
dashboard and of the calendar feed sees exactly what a fresh build gives; a write elsewhere
changes nothing here; a rolled-back transaction bumps nothing.

How a test compares: it reads the dashboard and the feed (which fills the cache), writes,
reads again (from the cache, or built afresh if the write bumped the version), then empties
the cache and builds once more. The second and third readings must be equal, and differ from
the first where the write shows on that page.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from dataversion import versions
from measures.exchange.imports import ImportRow
from measures.services import measurements_import
from organizations.models import Membership, Role, User
from organizations.services import membership_set_active
from phases.models import MaintenanceRoutine, PhaseTransition
from reports.models import MeasureSummary
from tests.conftest import require_or_skip
from tests.factories import (
    EvaluationCycleFactory,
    EventFactory,
    IndicatorFactory,
    MeasureFactory,
    MeasurementFactory,
    MembershipFactory,
    ProgramFactory,
    RingFactory,
    UnitFactory,
)
from yearwheel import feeds
from yearwheel.ical_import import apply_import, match_existing
from yearwheel.ical_read import read_calendar
from yearwheel.models import Event, Recurrence
from yearwheel.occurrences import Scope, occurrences_between
from yearwheel.services import event_skip

pytestmark = pytest.mark.django_db

SITE = "https://tiltak.kommune.test"
STAMP = re.compile(rb"^DTSTAMP:.*\r\n", re.MULTILINE)


@pytest.fixture(autouse=True)
def _site():
    with override_settings(SITE_URL=SITE):
        yield


def today():
    return timezone.localdate()


class World:
    """An organisation with a measure that has an indicator with a value, an evaluation cycle
    (a derived occurrence in the feed) and an own event on the wheel; and a neighbour."""

    def __init__(self, organization, other_organization, coordinator, member):
        self.organization = organization
        self.coordinator = coordinator
        self.member = member
        self.program = ProgramFactory(organization=organization, name="Trygg oppvekst")
        self.unit = UnitFactory(organization=organization, name="Skole")
        self.measure = MeasureFactory(program=self.program, name="Leksehjelp", phase=1)
        self.indicator = IndicatorFactory(goal__measure=self.measure, name="Deltakelse")
        self.measurement = MeasurementFactory(
            indicator=self.indicator, date=today() - dt.timedelta(days=20), value=Decimal(55)
        )
        EvaluationCycleFactory(measure=self.measure, first_due=today() + dt.timedelta(days=30))
        self.ring = RingFactory(organization=organization)
        self.event = EventFactory(
            organization=organization,
            ring=self.ring,
            measure=self.measure,
            title="Foreldremøte",
            start_date=today() + dt.timedelta(days=3),
        )
        self.weekly = EventFactory(
            organization=organization,
            ring=self.ring,
            title="Teammøte",
            start_date=today() + dt.timedelta(days=1),
            recurrence=Recurrence.WEEKLY,
        )
        self.other = other_organization
        self.other_measure = MeasureFactory(
            program=ProgramFactory(organization=other_organization), name="Nabotiltak"
        )
        self.other_event = EventFactory(
            organization=other_organization, title="Nabomøte", start_date=today()
        )
        # A minute old, so a write in the test changes the events' LAST-MODIFIED (whole
        # seconds) even when it falls in the second they were made.
        Event.objects.filter(organization=organization).update(
            updated_at=timezone.now() - dt.timedelta(minutes=1)
        )
        self.feed = feeds.feed_path(feeds.create_or_regenerate(member)[0])
        self.dashboard = reverse("status_dashboard", kwargs={"org_slug": organization.slug})


@pytest.fixture
def world(organization, other_organization, coordinator, member):
    return World(organization, other_organization, coordinator, member)


def read(client, world):
    """What a reader sees now: the dashboard's content and the feed's text (without DTSTAMP,
    the moment of building)."""
    page = client.get(world.dashboard)
    assert page.status_code == 200
    feed = client.get(world.feed)
    assert feed.status_code == 200
    return (page.context["measures"], page.context["totals"]), STAMP.sub(b"", feed.content)


def fresh(client, world):
    cache.clear()
    return read(client, world)


# --- each kind of write ---------------------------------------------------------------------


def measure_status(w):
    w.measure.status = "red"
    w.measure.save()


def measure_phase(w):
    w.measure.phase = 2
    w.measure.save()
    PhaseTransition.objects.create(
        measure=w.measure, from_phase=1, to_phase=2, decided_by=w.coordinator, reason="Klar"
    )


def measure_name(w):
    w.measure.name = "Leksehjelp for alle"
    w.measure.save()


def measure_responsible_unit(w):
    w.measure.responsible_unit = w.unit
    w.measure.save()


def indicator_value(w):
    MeasurementFactory(indicator=w.indicator, date=today() - dt.timedelta(days=2), value=70)


def measurement_corrected(w):
    w.measurement.value = Decimal(60)
    w.measurement.save()


def measurement_deleted(w):
    w.measurement.delete()


def indicator_renamed(w):
    w.indicator.name = "Oppmøte"
    w.indicator.save()


def summary_written(w):
    MeasureSummary.objects.create(measure=w.measure, text="Godt i gang.", written_by=w.coordinator)


def event_created(w):
    EventFactory(organization=w.organization, ring=w.ring, title="Ny", start_date=today())


def event_changed(w):
    w.event.title = "Foreldremøte i aulaen"
    w.event.save()


def event_deleted(w):
    w.event.delete()


def occurrence_moved(w):
    w.event.start_date = today() + dt.timedelta(days=5)
    w.event.save()


def occurrence_skipped(w):
    event_skip(event=w.weekly, day=w.weekly.start_date + dt.timedelta(days=7))


def ring_hidden(w):
    w.ring.is_visible = False
    w.ring.save()


def event_responsible(w):
    w.event.responsible = w.coordinator
    w.event.save()


def responsible_renamed(w):
    event_responsible(w)
    cache.clear()  # the responsible is known to the cache before the name changes
    w.coordinator.full_name = "Kari Koordinator"
    w.coordinator.save()


def membership_ended(w):
    membership_set_active(
        membership=Membership.objects.get(user=w.member, organization=w.organization),
        active=False,
    )


def membership_added(w):
    MembershipFactory(user=w.member, organization=w.other, role=Role.VIEWER)


def organization_renamed(w):
    w.organization.name = "Nye Testvik kommune"
    w.organization.save()


def language_switched(w):
    # The language switcher writes with a queryset update, which sends no signal: the feed's
    # key holds the person's language.
    User.objects.filter(pk=w.member.pk).update(language="en")


def program_units_changed(w):
    # A many-to-many set changed from the other side (the unit's programmes).
    w.unit.program_set.add(w.program)


def measurements_imported(w):
    # The import saves with bulk_create, which sends no signal.
    row = ImportRow(
        number=2,
        indicator_id=w.indicator.pk,
        date=today() - dt.timedelta(days=1),
        value=Decimal(77),
    )
    measurements_import(organization=w.organization, user=w.coordinator, rows=[row])


def events_imported(w):
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\n"
        "UID:import-1@test\r\nDTSTAMP:20260101T000000Z\r\n"
        f"DTSTART;VALUE=DATE:{today() + dt.timedelta(days=4):%Y%m%d}\r\n"
        "SUMMARY:Importert møte\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    parsed = read_calendar(BytesIO(text.encode()))
    match_existing(parsed, w.organization)
    apply_import(
        organization=w.organization,
        user=w.coordinator,
        ring=w.ring,
        kind=Event.Kind.MEETING,
        rows=parsed.importable,
    )


# (write, shows on the dashboard, shows in the feed)
WRITES = [
    (measure_status, True, False),
    (measure_phase, True, False),
    (measure_name, True, True),
    (measure_responsible_unit, True, False),
    (indicator_value, True, False),
    (measurement_corrected, True, False),
    (measurement_deleted, True, False),
    (indicator_renamed, True, False),
    (summary_written, True, False),
    (event_created, False, True),
    (event_changed, True, True),
    (event_deleted, True, True),
    (occurrence_moved, True, True),
    (occurrence_skipped, False, True),
    (ring_hidden, False, True),
    # Neither page names the person responsible; the feed changes by the event's
    # LAST-MODIFIED, and both must still equal a fresh build.
    (event_responsible, False, True),
    (responsible_renamed, False, True),
    (membership_ended, False, True),
    (membership_added, False, True),
    (organization_renamed, False, True),
    (language_switched, False, True),
    (program_units_changed, False, False),
    (measurements_imported, True, False),
    (events_imported, False, True),
]


@pytest.mark.parametrize(
    ("write", "on_dashboard", "in_feed"), WRITES, ids=[w[0].__name__ for w in WRITES]
)
def test_the_next_reader_sees_each_kind_of_write(
    write, on_dashboard, in_feed, login, world, coordinator
):
    client = login(coordinator)
    before = read(client, world)
    assert read(client, world) == before  # from the cache now
    write(world)
    after = read(client, world)
    assert after == fresh(client, world)
    assert (after[0] != before[0]) is on_dashboard
    assert (after[1] != before[1]) is in_feed


def test_a_write_in_another_organisation_leaves_the_cache_alone(login, world, coordinator):
    client = login(coordinator)
    before = versions.current([world.organization.pk])
    read(client, world)
    world.other_measure.name = "Endret nabotiltak"
    world.other_measure.save()
    EventFactory(organization=world.other, title="Enda et nabomøte", start_date=today())
    assert versions.current([world.organization.pk]) == before
    dashboard, feed = read(client, world)
    assert "Nabo" not in repr(dashboard)
    assert b"Nabo" not in feed


def test_writes_bump_only_their_own_organisation(world):
    mine, theirs = world.organization.pk, world.other.pk
    before = versions.current([mine, theirs])
    world.other_measure.status = "red"
    world.other_measure.save()
    after = versions.current([mine, theirs])
    assert after[mine] == before[mine]
    assert after[theirs] == before[theirs] + 1


# --- commits and rollbacks ------------------------------------------------------------------


@pytest.mark.real_commits
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_bumps_nothing_and_a_commit_bumps_once_done():
    from tests.factories import OrganizationFactory

    organization = OrganizationFactory()
    measure = MeasureFactory(program=ProgramFactory(organization=organization))
    before = versions.current([organization.pk])[organization.pk]

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        measure.name = "Aldri lagret"
        measure.save()
        raise Refused
    assert versions.current([organization.pk])[organization.pk] == before

    with transaction.atomic():
        measure.name = "Lagret"
        measure.save()
        # Not yet: a reader now still sees the data as committed.
        assert versions.current([organization.pk])[organization.pk] == before
    assert versions.current([organization.pk])[organization.pk] > before


def test_an_evicted_version_starts_above_every_earlier_value(organization):
    first = versions.current([organization.pk])[organization.pk]
    versions.bump([organization.pk])
    cache.delete(versions._key(organization.pk))
    assert versions.current([organization.pk])[organization.pk] > first + 1
    cache.delete(versions._key(organization.pk))
    versions.bump([organization.pk])  # a bump of a missing version starts afresh, too
    assert versions.current([organization.pk])[organization.pk] > first + 1


def test_the_versions_work_on_redis(organization, settings):
    redis_url = settings.REDIS_URL
    require_or_skip(bool(redis_url), "REDIS_URL is not set")
    from django.core.cache import caches

    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "tiltakshjulet-test-dataversion",
        }
    }
    with override_settings(CACHES=redis):
        caches["default"].clear()
        try:
            first = versions.current([organization.pk])[organization.pk]
            versions.bump([organization.pk])
            assert versions.current([organization.pk])[organization.pk] == first + 1
            cache_key = versions._key(organization.pk)
            caches["default"].delete(cache_key)
            assert versions.current([organization.pk])[organization.pk] > first + 1
        finally:
            caches["default"].clear()


# --- the wheel's occurrences (yearwheel/occurrences.py: a memo per process) ------------------


def evaluation_cycle_changed(w):
    cycle = w.measure.evaluation_cycle
    cycle.rhythm = "quarterly" if cycle.rhythm != "quarterly" else "monthly"
    cycle.save()


def routine_added(w):
    MaintenanceRoutine.objects.create(
        measure=w.measure,
        kind="training",
        description="Opplæring",
        recurrence="monthly",
        first_date=today() + dt.timedelta(days=2),
    )


def measure_ended(w):
    # The measure's life bounds its evaluation due dates.
    w.measure.end_date = today() + dt.timedelta(days=10)
    w.measure.save()


def ring_archived(w):
    w.ring.is_archived = True
    w.ring.save()


# (write, changes the wheel's occurrences)
WHEEL_WRITES = [
    (event_created, True),
    (event_changed, True),
    (event_deleted, True),
    (occurrence_moved, True),
    (occurrence_skipped, True),
    (event_responsible, True),
    (responsible_renamed, True),
    (measure_name, True),
    (evaluation_cycle_changed, True),
    (routine_added, True),
    (measure_ended, True),
    (ring_archived, True),
    (events_imported, True),
    (measure_status, False),
    (organization_renamed, False),
]


def wheel_occurrences(world, *, cached=True):
    start = today() - dt.timedelta(days=30)
    return occurrences_between(
        world.organization, start, start + dt.timedelta(days=400), cached=cached
    )


@pytest.mark.parametrize(
    ("write", "changes"), WHEEL_WRITES, ids=[w[0].__name__ for w in WHEEL_WRITES]
)
def test_the_wheel_sees_each_kind_of_write_at_once(
    write, changes, world, django_assert_num_queries
):
    before = wheel_occurrences(world)
    with django_assert_num_queries(0):  # from the memo: the version is read from the cache
        assert wheel_occurrences(world) == before
    write(world)
    after = wheel_occurrences(world)
    assert after == wheel_occurrences(world, cached=False)
    assert (after != before) is changes


def test_the_wheel_memo_is_kept_apart_by_period_scope_and_language(world):
    with translation.override("nb"):
        bokmål = {o.title for o in wheel_occurrences(world)}
    with translation.override("en"):
        english = {o.title for o in wheel_occurrences(world)}
    assert "Evalueringsfrist: Leksehjelp" in bokmål
    assert "Evaluation due: Leksehjelp" in english
    narrowed = occurrences_between(
        world.organization,
        today(),
        today() + dt.timedelta(days=400),
        Scope(program_id=world.program.pk),
        cached=True,
    )
    assert "Teammøte" not in {o.title for o in narrowed}  # a common event, not the programme's
    assert "Teammøte" in {o.title for o in wheel_occurrences(world)}
