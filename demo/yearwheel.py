"""Demo annual wheels: Demo kommune's year with the municipal planning cycle, rings per
service area and the events around the demo measures (a weekly meeting place for a term with
one week off, a monthly team meeting, checkpoints on the measures' goals, deadlines, two days
of training); and a smaller wheel for Demo herad's school year, in nynorsk.

Each organisation also gets next planning year's wheel the way every organisation does: the
wheel rolls on by itself (yearwheel/rolling.py), made by the system with the planning cycle,
its items placed on working days, so the routines and recurring events of 2027 are already
there to look at.

Run after the measures: events point at demo measures and goals by name. Safe to run again:
the wheel is made once, rings are matched by name and events by their demo key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max
from django.db.models.functions import Coalesce

from measures.models import Goal, Measure
from organizations.models import Organization, User
from yearwheel.models import Event, Kind, Recurrence, Ring, Wheel
from yearwheel.services import wheel_create, wheel_roll_on

# The wheels contain this day, which the demo is written around.
DEMO_DAY = dt.date(2026, 11, 22)

KOMMUNE: dict[str, Any] = {
    "slug": "demo-kommune",
    "coordinator": "koordinator@demo-kommune.no",
    "title": "Årshjul for oppvekst",
    "introduction": "Frister, sjekkpunkter, møteplasser og aktiviteter for tiltakene for barn "
    "og unge, sammen med kommunens plan- og budsjettår.",
    "rings": [
        ("Barnehage", "#2e6b30", Kind.ACTIVITY),
        ("Skole", "#1f5f8b", Kind.CHECKPOINT),
        ("Helsestasjon og skolehelsetjeneste", "#8a5a00", Kind.MEETING),
        ("Møteplasser", "#5a4fcf", Kind.MEETING),
    ],
    "events": [
        {
            "key": "open-hall",
            "ring": "Møteplasser",
            "kind": Kind.MEETING,
            "title": "Åpen hall for ungdom",
            "description": "Lavterskeltilbud hver onsdag kveld: idrett, spill og en voksen å "
            "snakke med. Ingen påmelding.",
            "start_date": dt.date(2026, 8, 19),
            "start_time": dt.time(18, 0),
            "end_time": dt.time(21, 0),
            "place": "Sentrum ungdomsskole, gymsalen",
            "recurrence": Recurrence.WEEKLY,
            "repeat_until": dt.date(2026, 12, 16),
            "exceptions": ["2026-09-30"],  # the autumn break
            "measure": "Inkluderende fritid",
            "responsible": "teamleder@demo-kommune.no",
            "participants": ["medlem@demo-kommune.no"],
        },
        {
            "key": "icdp-team",
            "ring": "Helsestasjon og skolehelsetjeneste",
            "kind": Kind.MEETING,
            "title": "Teammøte for ICDP-veilederne",
            "description": "Erfaringsdeling og planlegging av neste veiledningsgruppe.",
            "start_date": dt.date(2026, 1, 8),
            "start_time": dt.time(14, 0),
            "end_time": dt.time(15, 30),
            "place": "Helsestasjonen, møterom 2",
            "recurrence": Recurrence.MONTHLY,
            "repeat_until": dt.date(2026, 12, 31),
            "measure": "Foreldreveiledning ICDP",
            "responsible": "teamleder@demo-kommune.no",
            "participants": ["medlem@demo-kommune.no", "koordinator@demo-kommune.no"],
        },
        {
            "key": "break-checkpoint",
            "ring": "Skole",
            "kind": Kind.CHECKPOINT,
            "title": "Sjekkpunkt: trivsel i friminuttene",
            "description": "Teamet ser på trivselsmålingen fra høsten og bestemmer om "
            "aktivitetene i friminuttene skal justeres.",
            "start_date": dt.date(2026, 11, 27),
            "measure": "Trygge friminutt",
            "goal": True,
            "responsible": "teamleder@demo-kommune.no",
        },
        {
            "key": "language-checkpoint",
            "ring": "Barnehage",
            "kind": Kind.CHECKPOINT,
            "title": "Sjekkpunkt: språkkartleggingen er fullført",
            "description": "Alle barnehagene har kartlagt språket til barna som skal ha "
            "ekstra oppfølging.",
            "start_date": dt.date(2026, 10, 30),
            "measure": "Felles språkløft i barnehagene",
            "goal": True,
            "responsible": "teamleder@demo-kommune.no",
        },
        {
            "key": "language-training",
            "ring": "Barnehage",
            "kind": Kind.ACTIVITY,
            "title": "Kursdager: språkløft for alle ansatte",
            "description": "To dager med opplæring og veiledning for alle ansatte i barnehagene.",
            "start_date": dt.date(2026, 11, 19),
            "end_date": dt.date(2026, 11, 20),
            "start_time": dt.time(8, 30),
            "end_time": dt.time(15, 30),
            "place": "Kommunehuset, store sal",
            "measure": "Felles språkløft i barnehagene",
            "responsible": "teamleder@demo-kommune.no",
        },
        {
            "key": "leisure-card-deadline",
            "ring": "Møteplasser",
            "kind": Kind.DEADLINE,
            "title": "Frist: søknad om fritidskort for våren",
            "start_date": dt.date(2026, 12, 1),
            "measure": "Inkluderende fritid",
        },
        {
            "key": "special-needs-deadline",
            "ring": "Barnehage",
            "kind": Kind.DEADLINE,
            "title": "Frist for å melde behov for spesialpedagogisk hjelp",
            "description": "Barnehagene melder behov for neste barnehageår til PP-tjenesten.",
            "start_date": dt.date(2026, 3, 1),
        },
        {
            "key": "screen-meeting",
            "ring": "Skole",
            "kind": Kind.MEETING,
            "title": "Foreldremøte om skjermbruk",
            "start_date": dt.date(2026, 11, 24),
            "start_time": dt.time(18, 0),
            "end_time": dt.time(19, 30),
            "place": "Nordby skole, aulaen",
        },
    ],
}

HERAD: dict[str, Any] = {
    "slug": "demo-herad",
    "coordinator": "koordinator@demo-herad.no",
    "title": "Årshjul for oppvekst",
    "introduction": "Skuleåret med fristar, sjekkpunkt og møte for gode overgangar.",
    "rings": [("Overgangar", "#0b6e4f", Kind.CHECKPOINT)],
    "events": [
        {
            "key": "buddy-day",
            "ring": "Overgangar",
            "kind": Kind.ACTIVITY,
            "title": "Fadderdag for nye 8.-klassingar",
            "start_date": dt.date(2026, 8, 19),
            "place": "Heradet skule",
            "measure": "Fadderordning på ungdomssteget",
        },
        {
            "key": "transition-network",
            "ring": "Overgangar",
            "kind": Kind.MEETING,
            "title": "Nettverksmøte i overgangsteamet",
            "start_date": dt.date(2026, 9, 10),
            "start_time": dt.time(13, 0),
            "end_time": dt.time(14, 30),
            "place": "Fjordtun barnehage",
            "recurrence": Recurrence.MONTHLY,
            "repeat_until": dt.date(2027, 6, 10),
            "measure": "Overgangsplan barnehage–skule",
            "responsible": "koordinator@demo-herad.no",
        },
        {
            "key": "transition-plan-deadline",
            "ring": "Overgangar",
            "kind": Kind.DEADLINE,
            "title": "Frist for overgangsplan for alle fem-åringar",
            "start_date": dt.date(2027, 3, 1),
            "measure": "Overgangsplan barnehage–skule",
        },
        {
            "key": "transition-checkpoint",
            "ring": "Overgangar",
            "kind": Kind.CHECKPOINT,
            "title": "Sjekkpunkt: overføringssamtalane er gjennomførte",
            "start_date": dt.date(2027, 5, 14),
            "measure": "Overgangsplan barnehage–skule",
            "goal": True,
        },
    ],
}

LINKS = ("measure", "goal", "responsible", "participants")


def _rings(organization: Organization, specs: list[tuple[str, str, str]]) -> dict[str, Ring]:
    """The service areas' rings, matched by name; new ones go outside the existing rings."""
    rings = {}
    for name, colour, kind in specs:
        ring = Ring.objects.filter(
            organization=organization, source=Ring.Source.OWN, name__iexact=name
        ).first()
        if ring is None:
            last = Ring.objects.filter(organization=organization).aggregate(
                last=Coalesce(Max("position"), 0)
            )["last"]
            ring = Ring.objects.create(
                organization=organization,
                name=name,
                colour=colour,
                default_kind=kind,
                position=last + 1,
            )
        rings[name] = ring
    return rings


def _event(
    organization: Organization, spec: dict[str, Any], rings: dict[str, Ring], author: User
) -> None:
    uid = f"demo:{spec['key']}"
    if Event.objects.filter(organization=organization, external_uid=uid).exists():
        return
    fields = {key: value for key, value in spec.items() if key not in {"key", "ring", *LINKS}}
    measure = None
    if spec.get("measure"):
        measure = Measure.objects.get(organization=organization, name=spec["measure"])
    goal = None
    if measure is not None and spec.get("goal"):
        goal = Goal.objects.filter(measure=measure).order_by("position", "pk").first()
    responsible = None
    if spec.get("responsible"):
        responsible = User.objects.get(email=spec["responsible"])
    event = Event(
        organization=organization,
        ring=rings[spec["ring"]],
        external_uid=uid,
        measure=measure,
        program=measure.program if measure else None,
        goal=goal,
        responsible=responsible,
        created_by=author,
        **fields,
    )
    event.full_clean()  # the demo follows the same rules as the forms
    event.save()
    if spec.get("participants"):
        event.participants.set(User.objects.filter(email__in=spec["participants"]))


def _seed(organization: Organization, spec: dict[str, Any]) -> Wheel:
    coordinator = User.objects.get(email=spec["coordinator"])
    start = organization.planning_year_start_month
    year = DEMO_DAY.year if DEMO_DAY.month >= start else DEMO_DAY.year - 1
    wheel = Wheel.objects.filter(organization=organization, year=year).first()
    if wheel is None:
        wheel = wheel_create(
            organization=organization,
            user=coordinator,
            year=year,
            start_month=start,
            title=spec["title"],
            introduction=spec["introduction"],
            apply_template=True,
        )
    rings = _rings(organization, spec["rings"])
    for event in spec["events"]:
        _event(organization, event, rings, coordinator)
    return wheel


def seed_yearwheel(organizations: dict[str, Organization]) -> None:
    for spec in (KOMMUNE, HERAD):
        organization = organizations[spec["slug"]]
        _seed(organization, spec)
        # Rolled on from the demo's day rather than the clock's, so the demo looks the same
        # whenever it is seeded.
        wheel_roll_on(organization=organization, today=DEMO_DAY)
