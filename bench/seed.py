"""The benchmark's data: a large municipality, and optionally a national installation around it.

Rows are written with ``bulk_create`` in large batches (and ``COPY`` for the measurements on
PostgreSQL), never through forms or services, so a full large municipality takes about a
minute and the national set a few minutes. Only the published report goes through the real
``publish`` service, since its frozen content is what the report pages read. What is made is
fixed by :class:`Size` and a seeded random generator: two runs make the same data set.

Seeded rows carry no history (``django-simple-history``) apart from one "created" row for each
measure, indicator and event, which the history sections of their pages read.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from measures.models import (
    EvaluationCycle,
    Goal,
    Indicator,
    Measure,
    Measurement,
    Program,
    Tag,
)
from notifications.models import Notification
from organizations.models import Membership, Organization, Role, Unit, User
from reflections.models import ActionItem, LearningMeeting, Lesson
from reports.models import MeasureSummary, PublishedReport, Report
from yearwheel.feeds import new_secret
from yearwheel.models import CalendarSubscription, Event, Kind, Recurrence, Ring, Wheel

BATCH = 5000
BENCH_SLUG = "bench-kommune"
BENCH_EMAIL = "bench-koordinator@bench-kommune.no"
# Every seeded account shares one password hash: hashing 100 000 passwords would take hours,
# and nobody logs in with a password during the benchmark (the session is made directly).
PASSWORD = "bench-password-not-for-login"  # noqa: S105

WORDS = [
    "tidlig",
    "innsats",
    "språk",
    "lesing",
    "trivsel",
    "mobbing",
    "fritid",
    "foreldre",
    "overgang",
    "barnehage",
    "skole",
    "helsestasjon",
    "tverrfaglig",
    "samarbeid",
    "kartlegging",
    "veiledning",
    "inkludering",
    "mestring",
    "fravær",
    "psykisk",
    "helse",
    "fysisk",
    "aktivitet",
    "kosthold",
    "ungdom",
    "oppfølging",
    "stafettlogg",
    "tillit",
    "medvirkning",
]


@dataclass(frozen=True)
class Size:
    """What one organisation holds. ``municipality()`` is the large municipality of issue 15."""

    programs: int
    measures: int
    indicators_per_measure: int
    measurements_per_indicator: int
    single_events: int
    monthly_events: int
    weekly_events: int
    members: int
    units: int
    lessons: int
    meetings: int
    notifications_per_member: int

    @classmethod
    def municipality(cls, scale: float = 1.0) -> Size:
        def n(value: int, least: int = 1) -> int:
            return max(least, round(value * scale))

        # 2 480 single + 410 monthly (12 a year) + 110 weekly (52 a year): 3 000 events giving
        # about 13 100 occurrences a year.
        return cls(
            programs=n(25),
            measures=n(500, 2),
            indicators_per_measure=10,
            measurements_per_indicator=20,
            single_events=n(2480),
            monthly_events=n(410),
            weekly_events=n(110),
            members=n(300, 5),
            units=n(40, 2),
            lessons=n(2000, 2),
            meetings=n(150),
            notifications_per_member=30,
        )

    @property
    def indicators(self) -> int:
        return self.measures * self.indicators_per_measure

    @property
    def measurements(self) -> int:
        return self.indicators * self.measurements_per_indicator

    @property
    def events(self) -> int:
        return self.single_events + self.monthly_events + self.weekly_events


# Each of the other 371 organisations of a national installation: 25 measures, 250 indicators
# and 5 000 measurements, so the whole holds 372 organisations and about 1.9 million
# measurements.
NATIONAL_ORGANIZATIONS = 372
OTHER_SCALE = 0.05


@dataclass
class Seeded:
    organization: Organization
    user: User
    measure: Measure
    published: PublishedReport
    year: int
    lesson_query: str


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def bulk(model: type[models.Model], rows: list[Any]) -> list[Any]:
    return model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]


def copy_measurements(rows: list[tuple[int, Decimal, date, int | None]]) -> None:
    """Measurements by ``COPY`` on PostgreSQL (several times faster than INSERT), else
    ``bulk_create``."""
    now = timezone.now()
    if connection.vendor != "postgresql":
        bulk(
            Measurement,
            [Measurement(indicator_id=i, value=v, date=d, entered_by_id=u) for i, v, d, u in rows],
        )
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    stamp = now.isoformat()
    for indicator_id, value, day, user_id in rows:
        writer.writerow(
            [
                indicator_id,
                value,
                day.isoformat(),
                "",
                r"\N" if user_id is None else user_id,
                stamp,
                stamp,
            ]
        )
    buffer.seek(0)
    table = Measurement._meta.db_table
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {table} (indicator_id, value, date, comment, entered_by_id, created_at, "
            "updated_at) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )


def seed_organization(
    index: int,
    size: Size,
    *,
    year: int,
    password_hash: str,
    rng: random.Random,
    bench_user: bool,
) -> tuple[Organization, list[User], list[Measure]]:
    """One organisation with everything ``size`` says. Returns it, its members (the bench
    coordinator first when ``bench_user``) and its measures."""
    slug = BENCH_SLUG if bench_user else f"bench-org-{index:03d}"
    organization = Organization.objects.create(
        name="Bench kommune" if bench_user else f"Bench organisasjon {index:03d}",
        slug=slug,
        kind=Organization.Kind.MUNICIPALITY,
        number=f"9{index:03d}",
        written_standard="nb",
        planning_year_start_month=1,
    )
    units = bulk(
        Unit,
        [
            Unit(organization=organization, name=f"Enhet {n}", kind=rng.choice(Unit.Kind.values))
            for n in range(size.units)
        ],
    )
    users = bulk(
        User,
        [
            User(
                email=BENCH_EMAIL if bench_user and n == 0 else f"person{n}@{slug}.no",
                full_name=f"Person {n:03d} {rng.choice(WORDS).capitalize()}",
                password=password_hash,
                language="nb",
            )
            for n in range(size.members)
        ],
    )
    roles = [Role.COORDINATOR] + [
        rng.choices(
            [Role.ADMIN, Role.COORDINATOR, Role.TEAM_LEAD, Role.MEMBER, Role.VIEWER],
            weights=[2, 6, 27, 50, 15],
        )[0]
        for _ in users[1:]
    ]
    bulk(
        Membership,
        [
            Membership(user=user, organization=organization, role=role)
            for user, role in zip(users, roles, strict=True)
        ],
    )
    tags = bulk(Tag, [Tag(organization=organization, name=f"{w} {n}") for n, w in enumerate(WORDS)])
    leads = [
        u for u, r in zip(users, roles, strict=True) if r in (Role.TEAM_LEAD, Role.COORDINATOR)
    ]
    programs = bulk(
        Program,
        [
            Program(
                organization=organization,
                name=f"Program {n:02d}: {text(rng, 3)}",
                description=text(rng, 40),
                coordinator=users[0],
                status=Program.Status.ACTIVE,
                start_date=date(year - 2, 1, 1),
            )
            for n in range(size.programs)
        ],
    )
    measures: list[Measure] = []
    for n in range(size.measures):
        status = rng.choices(["green", "yellow", "red"], weights=[70, 20, 10])[0]
        measures.append(
            Measure(
                organization=organization,
                program=programs[n % len(programs)],
                name=f"Tiltak {n:03d}: {text(rng, 4)}",
                description=text(rng, 60),
                target_groups=["school"] if n % 2 else [],
                responsible_unit=units[n % len(units)],
                team_lead=rng.choice(leads),
                start_date=date(year - 1, 1 + n % 12, 1),
                end_date=date(year + 2, 12, 31),
                phase=1 + n % 4,
                status=status,
                status_explanation="" if status == "green" else text(rng, 20),
                next_evaluation_due=date(year, 1 + n % 12, 15),
            )
        )
    measures = bulk_create_with_history(measures, Measure, batch_size=BATCH)
    measures = list(Measure.objects.filter(organization=organization).order_by("pk"))
    through = Measure.tags.through
    bulk(
        through,
        [
            through(measure_id=m.pk, tag_id=tags[(m.pk + k) % len(tags)].pk)
            for m in measures
            for k in range(2)
        ],
    )
    contributors = Measure.contributors.through
    bulk(
        contributors,
        [
            contributors(measure_id=m.pk, user_id=users[(m.pk * 7 + k) % len(users)].pk)
            for m in measures
            for k in range(3)
            if users[(m.pk * 7 + k) % len(users)].pk != m.team_lead_id
        ],
    )
    bulk(
        EvaluationCycle,
        [
            EvaluationCycle(
                measure=m,
                rhythm=EvaluationCycle.Rhythm.TERM,
                first_due=m.next_evaluation_due or date(year, 6, 15),
            )
            for m in measures
        ],
    )
    goals = bulk(
        Goal,
        [
            Goal(measure=m, title=f"Mål {k + 1}: {text(rng, 6)}", position=k)
            for m in measures
            for k in range(2)
        ],
    )
    goals_by_measure: dict[int, list[Goal]] = {}
    for goal in goals:
        goals_by_measure.setdefault(goal.measure_id, []).append(goal)
    indicators = []
    for m in measures:
        for k in range(size.indicators_per_measure):
            higher = k % 3 != 2
            indicators.append(
                Indicator(
                    measure=m,
                    goal=goals_by_measure[m.pk][k % 2],
                    name=f"Indikator {k + 1}: {text(rng, 4)}",
                    unit="%",
                    kind=rng.choice(Indicator.Kind.values),
                    direction="higher" if higher else "lower",
                    baseline_value=Decimal(40 if higher else 60),
                    baseline_date=date(year - 2, 1, 1),
                    target_value=Decimal(70 if higher else 30),
                    target_date=date(year + 1, 12, 31),
                    frequency=Indicator.Frequency.MONTHLY,
                    plausible_min=Decimal(0),
                    plausible_max=Decimal(100),
                )
            )
    indicators = bulk_create_with_history(indicators, Indicator, batch_size=BATCH)
    indicator_ids = list(
        Indicator.objects.filter(measure__organization=organization)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Monthly measurements ending this month, so trends and attainment have a full history.
    months = []
    y, mo = year, 12
    for _ in range(size.measurements_per_indicator):
        months.append(date(y, mo, 1))
        y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
    rows = []
    entered_by = users[0].pk
    for indicator_id in indicator_ids:
        value = 40.0 + rng.random() * 20
        for month in reversed(months):
            value = min(100.0, max(0.0, value + rng.uniform(-3, 4)))
            rows.append((indicator_id, Decimal(f"{value:.1f}"), month, entered_by))
    copy_measurements(rows)

    rings = bulk(
        Ring,
        [
            Ring(
                organization=organization,
                name=f"Ring {n + 1}: {rng.choice(WORDS)}",
                colour=f"#{rng.randrange(0x202020, 0x808080):06x}",
                position=n,
            )
            for n in range(12)
        ],
    )
    Wheel.objects.create(organization=organization, year=year, start_month=1, created_by=users[0])
    events = []
    kinds = Kind.values
    specs = (
        [(Recurrence.NONE, n) for n in range(size.single_events)]
        + [(Recurrence.MONTHLY, n) for n in range(size.monthly_events)]
        + [(Recurrence.WEEKLY, n) for n in range(size.weekly_events)]
    )
    for recurrence, n in specs:
        start = (
            date(year, 1, 1) + timedelta(days=(n * 7) % 365)
            if recurrence == Recurrence.NONE
            else date(year, 1, 1) + timedelta(days=n % 28)
        )
        measure = measures[n % len(measures)] if n % 3 == 0 else None
        events.append(
            Event(
                organization=organization,
                ring=rings[n % len(rings)],
                kind=kinds[n % len(kinds)],
                title=f"{text(rng, 3)} {n}",
                description=text(rng, 15),
                start_date=start,
                start_time=time(9 + n % 6, 0) if n % 2 else None,
                end_time=time(10 + n % 6, 0) if n % 2 else None,
                place="Rådhuset" if n % 2 else "",
                responsible=users[n % len(users)],
                measure=measure,
                program=None if measure else programs[n % len(programs)],
                recurrence=recurrence,
                repeat_until=date(year + 1, 6, 30) if recurrence else None,
                created_by=users[0],
            )
        )
    events = bulk_create_with_history(events, Event, batch_size=BATCH)
    event_ids = list(
        Event.objects.filter(organization=organization).order_by("pk").values_list("pk", flat=True)
    )
    participants = Event.participants.through
    bulk(
        participants,
        [
            participants(event_id=e, user_id=users[(e * 13 + k) % len(users)].pk)
            for e in event_ids
            for k in range(3)
        ],
    )

    lessons = bulk(
        Lesson,
        [
            Lesson(
                organization=organization,
                title=f"{text(rng, 5)} ({n})",
                lesson=text(rng, 80),
                context=text(rng, 30),
                phase=1 + n % 4,
                measure=measures[n % len(measures)],
                program=None,
                recorded_by=users[n % len(users)],
            )
            for n in range(size.lessons)
        ],
    )
    lesson_tags = Lesson.tags.through
    bulk(
        lesson_tags,
        [
            lesson_tags(lesson_id=lesson.pk, tag_id=tags[lesson.pk % len(tags)].pk)
            for lesson in lessons
        ],
    )
    meetings = bulk(
        LearningMeeting,
        [
            LearningMeeting(
                organization=organization,
                measure=measures[n % len(measures)],
                title=f"Læringsmøte {n}",
                date=date(year, 1, 10) + timedelta(days=(n * 5) % 350),
                start_time=time(13, 0),
                end_time=time(15, 0),
                agenda=text(rng, 30),
                created_by=users[0],
            )
            for n in range(size.meetings)
        ],
    )
    bulk(
        ActionItem,
        [
            ActionItem(
                organization=organization,
                meeting=meeting,
                text=text(rng, 10),
                owner=users[(meeting.pk + k) % len(users)],
                due_date=meeting.date + timedelta(days=30),
                created_by=users[0],
            )
            for meeting in meetings
            for k in range(3)
        ],
    )
    bulk(
        MeasureSummary,
        [MeasureSummary(measure=m, text=text(rng, 40), written_by=users[0]) for m in measures],
    )
    now = timezone.now()
    bulk(
        Notification,
        [
            Notification(
                recipient=user,
                organization=organization,
                title=f"Påminnelse: {text(rng, 4)}",
                text=text(rng, 12),
                path=f"/o/{slug}/wheel/",
                read_at=now if k % 3 else None,
            )
            for user in users
            for k in range(size.notifications_per_member)
        ],
    )
    return organization, users, measures


def publish_report(organization: Organization, user: User, year: int) -> PublishedReport:
    """A yearly report over every measure, published with the real service (its frozen
    content is what the report pages and the PDF read)."""
    from reports.publishing import publish

    report = Report.objects.create(
        organization=organization,
        title=f"Årsrapport {year}",
        kind=Report.Kind.YEARLY,
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        introduction="Årsrapport for alle tiltakene.",
        created_by=user,
    )
    return publish(report, user)


def seed(*, scale: float, year: int, log: Any = print) -> Seeded:
    """Seeds the large municipality at ``scale`` into an empty database (after ``migrate``)."""
    rng = random.Random(15)  # noqa: S311 - test data, not secrets
    size = Size.municipality(scale)
    started = datetime.now()
    with transaction.atomic():
        organization, users, _measures = seed_organization(
            0, size, year=year, password_hash=make_password(PASSWORD), rng=rng, bench_user=True
        )
    log(
        f"  {organization.name}: {size.measures} measures, {size.indicators} indicators, "
        f"{size.measurements} measurements, {size.events} events, {size.members} members "
        f"({(datetime.now() - started).total_seconds():.0f} s)"
    )
    CalendarSubscription.objects.create(user=users[0], secret=new_secret())
    published = publish_report(organization, users[0], year)
    log(f"  published report: {len(published.content.get('measures', []))} measures")
    analyze()
    return existing(year)


def seed_national(*, scale: float, year: int, log: Any = print) -> None:
    """Adds the other organisations of a national installation, each ``OTHER_SCALE`` of the
    large municipality (times ``scale``)."""
    rng = random.Random(372)  # noqa: S311 - test data, not secrets
    password_hash = make_password(PASSWORD)
    size = Size.municipality(OTHER_SCALE * scale)
    started = datetime.now()
    for index in range(1, NATIONAL_ORGANIZATIONS):
        with transaction.atomic():
            seed_organization(
                index, size, year=year, password_hash=password_hash, rng=rng, bench_user=False
            )
        if index % 50 == 0:
            log(f"  {index + 1} organisations ({(datetime.now() - started).total_seconds():.0f} s)")
    analyze()


def analyze() -> None:
    # Fresh statistics, as autovacuum would have them on a database that grew over years.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def has_data() -> bool:
    return Organization.objects.filter(slug=BENCH_SLUG).exists()


def has_national() -> bool:
    return Organization.objects.count() >= NATIONAL_ORGANIZATIONS


def existing(year: int) -> Seeded:
    """The seeded data set's bench organisation, user and chosen objects."""
    organization = Organization.objects.get(slug=BENCH_SLUG)
    measures = list(Measure.objects.filter(organization=organization).order_by("pk").only("pk"))
    title = (
        Lesson.objects.filter(organization=organization)
        .order_by("pk")
        .values_list("title", flat=True)
        .first()
    ) or "innsats"
    return Seeded(
        organization=organization,
        user=User.objects.get(email=BENCH_EMAIL),
        measure=measures[len(measures) // 2],
        published=PublishedReport.objects.filter(organization=organization).latest("pk"),
        year=year,
        lesson_query=title.split()[0],
    )


def sizes() -> dict[str, int]:
    """What the database holds, counted."""
    return {
        "organizations": Organization.objects.count(),
        "members": Membership.objects.count(),
        "measures": Measure.objects.count(),
        "indicators": Indicator.objects.count(),
        "measurements": Measurement.objects.count(),
        "events": Event.objects.count(),
        "lessons": Lesson.objects.count(),
    }
