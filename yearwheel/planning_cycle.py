"""The municipal planning cycle: a template of the dates most municipalities plan around.

Written in our own words, in bokmål, nynorsk and English; an organisation gets the texts of its
written standard (like phases/defaults.py). Applying the template to a wheel
(``yearwheel.services.planning_cycle_apply``) makes ordinary events, which people may edit,
move or archive afterwards. Each carries ``external_uid = "planning-cycle:<key>:<year>"``, so
applying the template again adds only what is missing, never an item already made (even when
it was edited or archived since).

Months are relative to the planning year: in a wheel that starts in August, January to July
fall in the calendar year after the wheel's ``year``. ``month = None`` means the wheel's first
month (the start-of-year planning meeting).

``key`` never changes once shipped: it is how a wheel's events are matched to the template.

A date that falls on a weekend moves to the nearest working day (:func:`working_day`):
Saturday to the Friday before, Sunday to the Monday after. Nobody holds a planning meeting or
an evaluation on a Sunday, and a Saturday item is a Friday's work in practice. Public holidays
are not known here, so an item on one stays put; the preview lists every item that moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NotRequired, TypedDict

from yearwheel.models import Event, Kind, Ring, Wheel

UID_PREFIX = "planning-cycle"


class TemplateRing(TypedDict):
    key: str
    nb: str
    nn: str
    en: str
    colour: str
    kind: str


class TemplateItem(TypedDict):
    key: str
    ring: str  # a TemplateRing key
    kind: str
    month: int | None  # None: the wheel's first month
    day: int
    end_month: NotRequired[int]
    end_day: NotRequired[int]
    title: dict[str, str]  # nb, nn, en
    description: dict[str, str]


RINGS: list[TemplateRing] = [
    {
        "key": "politics",
        "nb": "Politisk styring",
        "nn": "Politisk styring",
        "en": "Political governance",
        "colour": "#8b1e3f",
        "kind": Kind.DEADLINE,
    },
    {
        "key": "upbringing",
        "nb": "Oppvekst",
        "nn": "Oppvekst",
        "en": "Childhood and education",
        "colour": "#005f73",
        "kind": Kind.ACTIVITY,
    },
    {
        "key": "quality",
        "nb": "Kvalitetsarbeid",
        "nn": "Kvalitetsarbeid",
        "en": "Quality work",
        "colour": "#6b4e16",
        "kind": Kind.CHECKPOINT,
    },
]

ITEMS: list[TemplateItem] = [
    {
        "key": "planning_meeting",
        "ring": "upbringing",
        "kind": Kind.MEETING,
        "month": None,
        "day": 10,
        "title": {
            "nb": "Planleggingsmøte for året",
            "nn": "Planleggingsmøte for året",
            "en": "Planning meeting for the year",
        },
        "description": {
            "nb": "Ledere og koordinatorer går gjennom årshjulet: frister, sjekkpunkter og hvem "
            "som har ansvaret for hva.",
            "nn": "Leiarar og koordinatorar går gjennom årshjulet: fristar, sjekkpunkt og kven "
            "som har ansvaret for kva.",
            "en": "Leaders and coordinators go through the annual wheel: deadlines, checkpoints "
            "and who is responsible for what.",
        },
    },
    {
        "key": "school_start",
        "ring": "upbringing",
        "kind": Kind.ACTIVITY,
        "month": 8,
        "day": 17,
        "title": {"nb": "Skolestart", "nn": "Skulestart", "en": "School starts"},
        "description": {
            "nb": "Nytt skoleår. Sjekk at tiltakene som følger skoleåret, er klare til oppstart.",
            "nn": "Nytt skuleår. Sjekk at tiltaka som følgjer skuleåret, er klare til oppstart.",
            "en": "A new school year. Check that the measures that follow the school year are "
            "ready to start.",
        },
    },
    {
        "key": "budget_input",
        "ring": "politics",
        "kind": Kind.DEADLINE,
        "month": 9,
        "day": 15,
        "title": {
            "nb": "Frist for budsjettinnspill fra tjenesteområdene",
            "nn": "Frist for budsjettinnspel frå tenesteområda",
            "en": "Deadline for the service areas' budget input",
        },
        "description": {
            "nb": "Tjenesteområdene melder inn behov og forslag til budsjett og økonomiplan, "
            "også for tiltak som skal videreføres.",
            "nn": "Tenesteområda melder inn behov og framlegg til budsjett og økonomiplan, òg "
            "for tiltak som skal vidareførast.",
            "en": "The service areas report their needs and proposals for the budget and "
            "economic plan, including measures that are to continue.",
        },
    },
    {
        "key": "budget_proposal",
        "ring": "politics",
        "kind": Kind.ACTIVITY,
        "month": 10,
        "day": 25,
        "end_month": 11,
        "end_day": 20,
        "title": {
            "nb": "Kommunedirektørens budsjettforslag legges fram og behandles i utvalgene",
            "nn": "Kommunedirektøren sitt budsjettframlegg vert lagt fram og handsama i utvala",
            "en": "The chief executive's budget proposal is presented and discussed in the "
            "committees",
        },
        "description": {
            "nb": "Forslaget til budsjett og økonomiplan blir offentlig. Se hva det betyr for "
            "tiltakene for barn og unge.",
            "nn": "Framlegget til budsjett og økonomiplan vert offentleg. Sjå kva det tyder for "
            "tiltaka for born og unge.",
            "en": "The proposed budget and economic plan is made public. See what it means for "
            "the measures for children and young people.",
        },
    },
    {
        "key": "budget_decision",
        "ring": "politics",
        "kind": Kind.DEADLINE,
        "month": 12,
        "day": 15,
        "title": {
            "nb": "Kommunestyret vedtar budsjett og økonomiplan",
            "nn": "Kommunestyret vedtek budsjett og økonomiplan",
            "en": "The council adopts the budget and economic plan",
        },
        "description": {
            "nb": "Budsjettet for neste år må være vedtatt før årsskiftet.",
            "nn": "Budsjettet for neste år må vere vedteke før årsskiftet.",
            "en": "Next year's budget must be adopted before the turn of the year.",
        },
    },
    {
        "key": "term_evaluation_autumn",
        "ring": "quality",
        "kind": Kind.CHECKPOINT,
        "month": 12,
        "day": 20,
        "title": {
            "nb": "Evaluering av høsthalvåret",
            "nn": "Evaluering av hausthalvåret",
            "en": "Evaluation of the autumn term",
        },
        "description": {
            "nb": "Teamene ser på hva som er prøvd ut, hva som virket, og hva som endres.",
            "nn": "Teama ser på kva som er prøvd ut, kva som verka, og kva som vert endra.",
            "en": "The teams look at what was tried, what worked and what will change.",
        },
    },
    {
        "key": "annual_accounts",
        "ring": "politics",
        "kind": Kind.DEADLINE,
        "month": 2,
        "day": 22,
        "title": {
            "nb": "Frist for årsregnskapet",
            "nn": "Frist for årsrekneskapen",
            "en": "Deadline for the annual accounts",
        },
        "description": {
            "nb": "Årsregnskapet for året som gikk, skal være avlagt.",
            "nn": "Årsrekneskapen for året som gjekk, skal vere avlagd.",
            "en": "The accounts for the past year are to be presented.",
        },
    },
    {
        "key": "status_report_preparation",
        "ring": "quality",
        "kind": Kind.ACTIVITY,
        "month": 3,
        "day": 1,
        "end_month": 4,
        "end_day": 30,
        "title": {
            "nb": "Arbeid med tilstandsrapporten",
            "nn": "Arbeid med tilstandsrapporten",
            "en": "Work on the status report",
        },
        "description": {
            "nb": "Samle tall, resultater og vurderinger fra tiltakene til den årlige "
            "rapporten om tilstanden i oppveksten.",
            "nn": "Samle tal, resultat og vurderingar frå tiltaka til den årlege rapporten om "
            "tilstanden i oppveksten.",
            "en": "Gather figures, results and judgements from the measures for the yearly "
            "report on the state of childhood and education.",
        },
    },
    {
        "key": "annual_report",
        "ring": "politics",
        "kind": Kind.DEADLINE,
        "month": 3,
        "day": 31,
        "title": {
            "nb": "Frist for årsberetningen",
            "nn": "Frist for årsmeldinga",
            "en": "Deadline for the annual report",
        },
        "description": {
            "nb": "Årsberetningen forteller hva kommunen fikk til i året som gikk.",
            "nn": "Årsmeldinga fortel kva kommunen fekk til i året som gjekk.",
            "en": "The annual report tells what the municipality achieved in the past year.",
        },
    },
    {
        "key": "status_report",
        "ring": "politics",
        "kind": Kind.DEADLINE,
        "month": 6,
        "day": 15,
        "title": {
            "nb": "Tilstandsrapporten behandles i kommunestyret",
            "nn": "Tilstandsrapporten vert handsama i kommunestyret",
            "en": "The council discusses the yearly status report",
        },
        "description": {
            "nb": "Kommunestyret drøfter den årlige rapporten om tilstanden i oppveksten og "
            "hva som skal prioriteres.",
            "nn": "Kommunestyret drøftar den årlege statusrapporten om oppveksten og kva som "
            "skal prioriterast.",
            "en": "The council discusses the yearly report on the state of childhood and "
            "education, and what to give priority.",
        },
    },
    {
        "key": "term_evaluation_spring",
        "ring": "quality",
        "kind": Kind.CHECKPOINT,
        "month": 6,
        "day": 20,
        "title": {
            "nb": "Evaluering av vårhalvåret",
            "nn": "Evaluering av vårhalvåret",
            "en": "Evaluation of the spring term",
        },
        "description": {
            "nb": "Teamene ser på hva som er prøvd ut, hva som virket, og hva som endres.",
            "nn": "Teama ser på kva som er prøvd ut, kva som verka, og kva som vert endra.",
            "en": "The teams look at what was tried, what worked and what will change.",
        },
    },
]


def language_of(wheel: Wheel) -> str:
    standard = wheel.organization.written_standard
    return standard if standard in ("nb", "nn") else "en"


def uid(item_key: str, wheel: Wheel) -> str:
    return f"{UID_PREFIX}:{item_key}:{wheel.year}"


SATURDAY, SUNDAY = 5, 6


def working_day(day: date) -> date:
    """The nearest working day: Saturday becomes the Friday before, Sunday the Monday after,
    a weekday stays."""
    if day.weekday() == SATURDAY:
        return day - timedelta(days=1)
    if day.weekday() == SUNDAY:
        return day + timedelta(days=1)
    return day


def place(wheel: Wheel, month: int | None, day: int) -> date:
    """The date of a month and day in the wheel's planning year."""
    month = month or wheel.start_month
    year = wheel.year if month >= wheel.start_month else wheel.year + 1
    return date(year, month, day)


@dataclass(frozen=True)
class PlannedItem:
    """A template item placed in one wheel, in the organisation's written standard."""

    key: str
    uid: str
    title: str
    description: str
    kind: str
    ring_key: str
    ring_name: str
    ring_exists: bool
    start: date
    end: date | None
    present: bool  # already made in this wheel (perhaps edited or archived since)
    # The template's own date when it fell on a weekend and ``start`` is the working day
    # it moved to; None when the item keeps its date.
    moved_from: date | None = None

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)


def template_ring_names(language: str) -> dict[str, str]:
    return {ring["key"]: ring[language] for ring in RINGS}  # type: ignore[literal-required]


def existing_rings(wheel: Wheel) -> dict[str, Ring]:
    """The organisation's own rings the template's rings match, by name (case-insensitive);
    a ring in use is preferred to an archived one of the same name."""
    names = {name.lower(): key for key, name in template_ring_names(language_of(wheel)).items()}
    found: dict[str, Ring] = {}
    rings = Ring.objects.filter(organization=wheel.organization, source=Ring.Source.OWN)
    for ring in rings.order_by("is_archived", "position", "pk"):
        key = names.get(ring.name.lower())
        if key and key not in found:
            found[key] = ring
    return found


def plan(wheel: Wheel) -> list[PlannedItem]:
    """Every template item placed in the wheel, marked when already made; two queries."""
    language = language_of(wheel)
    names = template_ring_names(language)
    rings = existing_rings(wheel)
    made = set(
        Event.objects.filter(
            organization=wheel.organization, external_uid__startswith=f"{UID_PREFIX}:"
        ).values_list("external_uid", flat=True)
    )
    items = []
    for item in ITEMS:
        written = place(wheel, item["month"], item["day"])
        start = working_day(written)
        end = None
        if "end_month" in item:
            # Counted from the start, so a range never ends before it starts, even in a wheel
            # whose first month falls inside the range.
            end_year = written.year + (1 if item["end_month"] < written.month else 0)
            end = working_day(date(end_year, item["end_month"], item["end_day"]))
            # A short range between two weekend days could otherwise turn inside out.
            end = max(end, start)
        items.append(
            PlannedItem(
                key=item["key"],
                uid=uid(item["key"], wheel),
                title=item["title"][language],
                description=item["description"][language],
                kind=item["kind"],
                ring_key=item["ring"],
                ring_name=names[item["ring"]],
                ring_exists=item["ring"] in rings,
                start=start,
                end=end,
                present=uid(item["key"], wheel) in made,
                moved_from=written if written != start else None,
            )
        )
    items.sort(key=lambda planned: (planned.start, planned.key))
    return items
