"""Demo programmes and measures: every phase, with goals, indicators, two years of
measurements, evaluations and logic models. Aggregate figures only, never children."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from measures.models import (
    Evaluation,
    EvaluationCycle,
    ExternalContributor,
    FuturePicture,
    Goal,
    Indicator,
    KnowledgeItem,
    LogicColumn,
    LogicElement,
    LogicLink,
    Measure,
    Measurement,
    Program,
    ServiceTransition,
    Tag,
)
from measures.services import indicator_snapshot, next_evaluation_due
from measures.transitions import transition_units
from organizations.models import Organization, Partnership, Unit, User

# Quarterly measuring points over the last two years.
POINTS = [dt.date(2024, 12, 15) + dt.timedelta(days=91 * i) for i in range(8)]

KOMMUNE_PROGRAMS = [
    {
        "name": "Trygt og inkluderende oppvekstmiljø",
        "description": "Felles innsats i barnehage, skole og fritid for at alle barn og unge "
        "skal oppleve å høre til.",
        "status": Program.Status.ACTIVE,
        "start_date": dt.date(2024, 8, 1),
        "end_date": dt.date(2028, 7, 31),
        "coordinator": "koordinator@demo-kommune.no",
        "share_with": "demo-fylke",
    },
    {
        "name": "Tidlig innsats 0–8 år",
        "description": "Oppdage tidlig, handle raskt og følge opp barn og familier som trenger "
        "det, på tvers av tjenestene.",
        "status": Program.Status.ACTIVE,
        "start_date": dt.date(2025, 1, 1),
        "end_date": dt.date(2029, 12, 31),
        "coordinator": "koordinator@demo-kommune.no",
        "share_with": None,
    },
]

# name, programme index, phase, status, explanation, unit, target groups, tags, indicator
KOMMUNE_MEASURES: list[dict[str, Any]] = [
    {
        "name": "Trygge friminutt",
        "program": 0,
        "phase": 3,
        "status": "green",
        "unit": "Nordby skole",
        "target_groups": ["6-12"],
        "tags": ["skole", "inkludering"],
        "description": "Faste, synlige voksne og organiserte aktiviteter i alle friminutt.",
        "indicator": ("Andel elever som trives i friminuttene", "%", "higher", 68, 85, 79),
    },
    {
        "name": "Mobbeombud i ungdomsskolen",
        "program": 0,
        "phase": 2,
        "status": "yellow",
        "unit": "Sentrum ungdomsskole",
        "explanation": "Rekruttering av elevombud er forsinket; ny plan klar i januar.",
        "target_groups": ["13-15"],
        "tags": ["skole", "mobbing"],
        "description": "Elevombud og en fast voksen som elevene kan gå til.",
        "indicator": ("Andel elever som oppgir å bli mobbet", "%", "lower", 9, 5, 8),
    },
    {
        "name": "Inkluderende fritid",
        "program": 0,
        "phase": 4,
        "status": "green",
        "unit": "Kultur og fritid",
        "target_groups": ["13-15", "16-19"],
        "tags": ["fritid", "inkludering"],
        "description": "Fritidskort og lavterskeltilbud etter skoletid.",
        "indicator": (
            "Andel unge i minst én organisert fritidsaktivitet",
            "%",
            "higher",
            55,
            70,
            71,
        ),
    },
    {
        "name": "Felles språkløft i barnehagene",
        "program": 1,
        "phase": 3,
        "status": "red",
        "unit": "Solsiden barnehage",
        "explanation": "Høyt sykefravær har stoppet opplæringen; vikarplan er under arbeid.",
        "target_groups": ["0-5", "staff"],
        "tags": ["barnehage", "språk"],
        "description": "Systematisk språkarbeid med kartlegging og veiledning.",
        "indicator": ("Andel ansatte som har fullført språkopplæringen", "%", "higher", 20, 90, 45),
        "transitions": [
            ("Solsiden barnehage", "Nordby skole", "Språkkartleggingen følger barnet til skolen."),
        ],
    },
    {
        "name": "Foreldreveiledning ICDP",
        "program": 1,
        "phase": 3,
        "status": "green",
        "unit": "Helsestasjon og skolehelsetjeneste",
        "target_groups": ["families", "0-5"],
        "tags": ["foreldre"],
        "description": "Veiledningsgrupper for foreldre til barn 0–5 år.",
        "indicator": (
            "Antall foreldre som har fullført veiledning",
            "antall",
            "higher",
            0,
            120,
            96,
        ),
    },
    {
        "name": "Tverrfaglig stafettlogg",
        "program": 1,
        "phase": 2,
        "status": "green",
        "unit": "PP-tjenesten",
        "target_groups": ["0-5", "6-12", "families"],
        "tags": ["samhandling"],
        "description": "Én felles plan når flere tjenester følger opp samme barn.",
        "indicator": ("Dager fra bekymring til første tiltak", "dager", "lower", 60, 21, 44),
    },
    {
        "name": "Leseglede på småtrinnet",
        "program": 1,
        "phase": 1,
        "status": "green",
        "unit": "Nordby skole",
        "target_groups": ["6-12"],
        "tags": ["skole", "lesing"],
        "description": "Utforsker tiltak for å styrke leseferdighet og leselyst 1.–4. trinn.",
        "indicator": ("Andel elever under kritisk grense i lesing", "%", "lower", 22, 12, 22),
    },
    {
        "name": "Helsesykepleier på ungdomsskolen hver dag",
        "program": 0,
        "phase": 1,
        "status": "yellow",
        "unit": "Helsestasjon og skolehelsetjeneste",
        "explanation": "Finansiering avhenger av budsjettbehandlingen i desember.",
        "target_groups": ["13-15"],
        "tags": ["helse"],
        "description": "Utreder daglig tilstedeværelse for helsesykepleier.",
        "indicator": ("Dager i uka med helsesykepleier til stede", "dager", "higher", 2, 5, 2),
    },
]

HERAD_PROGRAM = {
    "name": "Gode overgangar",
    "description": "Trygge overgangar frå barnehage til skule og frå barneskule til ungdomsskule.",
    "status": Program.Status.ACTIVE,
    "start_date": dt.date(2025, 8, 1),
    "end_date": dt.date(2028, 7, 31),
    "coordinator": "koordinator@demo-herad.no",
    "share_with": None,
}
HERAD_MEASURES: list[dict[str, Any]] = [
    {
        "name": "Overgangsplan barnehage–skule",
        "program": 0,
        "phase": 3,
        "status": "green",
        "unit": "Fjordtun barnehage",
        "target_groups": ["0-5", "6-12"],
        "tags": ["overgangar"],
        "description": "Felles plan og besøk før skulestart for alle fem-åringar.",
        "transitions": [("Fjordtun barnehage", "Heradet skule", "Besøksdagar i mai og juni.")],
        "indicator": ("Del av barna med overføringssamtale", "%", "higher", 60, 100, 92),
    },
    {
        "name": "Fadderordning på ungdomssteget",
        "program": 0,
        "phase": 2,
        "status": "green",
        "unit": "Heradet skule",
        "target_groups": ["13-15"],
        "tags": ["overgangar"],
        "description": "Elevar på 9. trinn er faddrar for nye 8.-klassingar.",
        "indicator": ("Del av elevane som trivst første månaden", "%", "higher", 75, 90, 84),
    },
]

# The county's regional programme, shared with both municipalities (demo/partnerships.py).
FYLKE_PROGRAM = {
    "name": "Regional satsing: tidlig innsats",
    "description": "Fylkeskommunen og kommunene prøver ut tiltak for gode overganger sammen.",
    "status": Program.Status.ACTIVE,
    "start_date": dt.date(2025, 1, 1),
    "end_date": dt.date(2028, 12, 31),
    "coordinator": "koordinator@demo-fylke.no",
    "share_with": None,
}
FYLKE_MEASURES: list[dict[str, Any]] = [
    {
        "name": "Overgang ungdomsskole–videregående",
        "program": 0,
        "phase": 2,
        "status": "yellow",
        "explanation": "Færre elever enn ventet har fått overføringssamtale.",
        "unit": "Kystbyen videregående skole",
        "target_groups": ["13-15", "16-19"],
        "tags": ["overganger"],
        "description": "Overføringssamtale og besøk for elever som trenger ekstra støtte.",
        "indicator": ("Del av elevene med overføringssamtale", "%", "higher", 40, 90, 66),
    },
    {
        "name": "Tannhelse i barnehagen",
        "program": 0,
        "phase": 1,
        "status": "green",
        "unit": "Tannhelsetjenesten",
        "target_groups": ["0-5"],
        "tags": ["helse"],
        "description": "Tannhelsetjenesten besøker barnehagene to ganger i året.",
        "indicator": ("Barnehager med besøk", "%", "higher", 20, 100, 55),
    },
]

# The demo writes in each organisation's own written standard.
TEXTS: dict[str, dict[str, Any]] = {
    "nb": {
        "logic": {
            LogicColumn.RESOURCES: ["Tid til planlegging i personalgruppa", "Kompetanse fra PPT"],
            LogicColumn.ACTIVITIES: ["Opplæring av ansatte", "Faste rutiner og ansvarsfordeling"],
            LogicColumn.OUTPUTS: ["Alle ansatte har gjennomført opplæring"],
            LogicColumn.OUTCOMES: ["Barn og unge opplever trygge voksne"],
            LogicColumn.IMPACTS: ["Flere barn og unge trives og lærer"],
            LogicColumn.ASSUMPTIONS: ["Ledelsen prioriterer tid til arbeidet"],
        },
        "goal": "Bedre resultater: {name}",
        "goal_description": "Målet er satt i planfasen og følges opp hvert semester.",
        "data_source": "Kommunens egne tall",
        "future": "Alle barn og unge har minst én trygg voksen de kan gå til.",
        "knowledge": "Utgangspunkt: {name} var {baseline} {unit}.",
        "knowledge_source": "Ungdata og egne kartlegginger",
        "contributor": ("Brukerrepresentant", "Foreldrerådet (FAU)"),
        "tried": "Tiltaket ble prøvd ut i to grupper med faste ansvarlige.",
        "worked": "Tydelige rutiner og god oppslutning i personalet.",
        "did_not_work": "Vanskelig å finne tid til felles refleksjon.",
        "lessons": "Sett av faste møtepunkter i årshjulet.",
        "next_steps": "Utvide til flere grupper neste semester.",
    },
    "nn": {
        "logic": {
            LogicColumn.RESOURCES: ["Tid til planlegging i personalgruppa", "Kompetanse frå PPT"],
            LogicColumn.ACTIVITIES: ["Opplæring av tilsette", "Faste rutinar og ansvarsfordeling"],
            LogicColumn.OUTPUTS: ["Alle tilsette har gjennomført opplæring"],
            LogicColumn.OUTCOMES: ["Barn og unge opplever trygge vaksne"],
            LogicColumn.IMPACTS: ["Fleire barn og unge trivst og lærer"],
            LogicColumn.ASSUMPTIONS: ["Leiinga prioriterer tid til arbeidet"],
        },
        "goal": "Betre resultat: {name}",
        "goal_description": "Målet vart sett i planfasen og blir følgt opp kvart semester.",
        "data_source": "Kommunen sine eigne tal",
        "future": "Alle barn og unge har minst éin trygg vaksen dei kan gå til.",
        "knowledge": "Utgangspunkt: {name} var {baseline} {unit}.",
        "knowledge_source": "Ungdata og eigne kartleggingar",
        "contributor": ("Brukarrepresentant", "Foreldrerådet (FAU)"),
        "tried": "Tiltaket vart prøvd ut i to grupper med faste ansvarlege.",
        "worked": "Tydelege rutinar og god oppslutnad i personalet.",
        "did_not_work": "Vanskeleg å finne tid til felles refleksjon.",
        "lessons": "Set av faste møtepunkt i årshjulet.",
        "next_steps": "Utvide til fleire grupper neste semester.",
    },
}


def _series(baseline: float, latest: float) -> list[Decimal]:
    """Eight quarterly values moving from the baseline to the latest value."""
    step = (latest - baseline) / (len(POINTS) - 1)
    return [Decimal(str(round(baseline + step * i, 1))) for i in range(len(POINTS))]


def _program(organization: Organization, spec: dict[str, Any], users: dict[str, User]) -> Program:
    fields = {k: v for k, v in spec.items() if k not in {"name", "coordinator", "share_with"}}
    program, _ = Program.objects.update_or_create(
        organization=organization,
        name=spec["name"],
        defaults={**fields, "coordinator": users.get(spec["coordinator"])},
    )
    return program


def _measure(
    organization: Organization,
    program: Program,
    spec: dict[str, Any],
    team_lead: User | None,
    contributor: User | None,
) -> Measure:
    unit = Unit.objects.get(organization=organization, name=spec["unit"])
    measure, created = Measure.objects.update_or_create(
        organization=organization,
        name=spec["name"],
        defaults={
            "program": program,
            "description": spec["description"],
            "phase": spec["phase"],
            "status": spec["status"],
            "status_explanation": spec.get("explanation", ""),
            "responsible_unit": unit,
            "team_lead": team_lead,
            "target_groups": spec["target_groups"],
            "start_date": dt.date(2024, 8, 15),
        },
    )
    measure.tags.set(
        [
            Tag.objects.get_or_create(organization=organization, name=name)[0]
            for name in spec["tags"]
        ]
    )
    if contributor:
        measure.contributors.add(contributor)
    if created:
        _content(measure, spec, team_lead)
    return measure


def _content(measure: Measure, spec: dict[str, Any], author: User | None) -> None:
    """Goals, an indicator with two years of measurements, a logic model and evaluations."""
    name, unit, direction, baseline, target, latest = spec["indicator"]
    text = TEXTS[measure.organization.written_standard]
    elements = {}
    for column, texts in text["logic"].items():
        for position, label in enumerate(texts):
            elements[(column, position)] = LogicElement.objects.create(
                measure=measure, column=column, text=label, position=position
            )
    chain = [
        (LogicColumn.RESOURCES, 0),
        (LogicColumn.ACTIVITIES, 0),
        (LogicColumn.OUTPUTS, 0),
        (LogicColumn.OUTCOMES, 0),
        (LogicColumn.IMPACTS, 0),
    ]
    for source, target_key in itertools.pairwise(chain):
        LogicLink.objects.create(
            measure=measure, source=elements[source], target=elements[target_key]
        )

    goal = Goal.objects.create(
        measure=measure,
        title=text["goal"].format(name=name.lower()),
        description=text["goal_description"],
    )
    goal.logic_elements.add(elements[(LogicColumn.OUTCOMES, 0)])
    indicator = Indicator.objects.create(
        measure=measure,
        goal=goal,
        name=name,
        unit=unit,
        kind=Indicator.Kind.OUTCOME,
        direction=direction,
        baseline_value=Decimal(baseline),
        baseline_date=dt.date(2024, 8, 1),
        target_value=Decimal(target),
        target_date=dt.date(2027, 6, 30),
        data_source=text["data_source"],
        frequency=Indicator.Frequency.QUARTERLY,
    )
    values = _series(baseline, latest) if spec["phase"] >= 2 else []
    for date, value in zip(POINTS, values, strict=False):
        Measurement.objects.create(indicator=indicator, value=value, date=date, entered_by=author)

    FuturePicture.objects.create(
        measure=measure,
        horizon_year=2030,
        description=text["future"],
    ).goals.add(goal)
    KnowledgeItem.objects.create(
        organization=measure.organization,
        measure=measure,
        kind=KnowledgeItem.Kind.LOCAL_FIGURES,
        summary=text["knowledge"].format(name=name.lower(), baseline=baseline, unit=unit),
        source=text["knowledge_source"],
        date=dt.date(2024, 6, 1),
        created_by=author,
    )
    ExternalContributor.objects.create(
        measure=measure, role=text["contributor"][0], organization_name=text["contributor"][1]
    )
    EvaluationCycle.objects.create(
        measure=measure, rhythm=EvaluationCycle.Rhythm.TERM, first_due=dt.date(2024, 12, 20)
    )
    if values:
        # Measures in the roundabout and beyond are evaluated every term; the planning ones
        # missed the last term, so the lists show overdue evaluations too.
        ends = [dt.date(2025, 6, 20), dt.date(2025, 12, 20)]
        if spec["phase"] >= 3:
            ends.append(dt.date(2026, 6, 20))
        for number, period_end in enumerate(ends):
            evaluation = Evaluation.objects.create(
                measure=measure,
                period_start=period_end - dt.timedelta(days=180),
                period_end=period_end,
                tried=text["tried"],
                worked=text["worked"],
                did_not_work=text["did_not_work"],
                lessons=text["lessons"],
                decision="adjust" if number == 0 else "continue",
                next_steps=text["next_steps"],
                indicator_snapshot=indicator_snapshot(measure, on=period_end),
                created_by=author,
            )
            # Recorded a few days after the term it evaluates, as a team would: the status
            # reports compare decisions by when they were recorded as well as by their date.
            recorded = dt.datetime.combine(period_end + dt.timedelta(days=3), dt.time(12))
            Evaluation.objects.filter(pk=evaluation.pk).update(
                created_at=timezone.make_aware(recorded)
            )
    measure.next_evaluation_due = next_evaluation_due(measure)
    measure.save(update_fields=["next_evaluation_due"])


def _seed(
    organization: Organization,
    programs: list[dict[str, Any]],
    measures: list[dict[str, Any]],
    team_lead_email: str,
    contributor_email: str | None,
    organizations: dict[str, Organization],
) -> None:
    users = {
        user.email: user for user in User.objects.filter(memberships__organization=organization)
    }
    made = []
    for spec in programs:
        program = _program(organization, spec, users)
        made.append(program)
        if spec["share_with"]:
            partnership, _ = Partnership.objects.get_or_create(
                grantor=organization,
                partner=organizations[spec["share_with"]],
                defaults={"access": Partnership.Access.READ},
            )
            program.partnerships.add(partnership)
    for spec in measures:
        measure = _measure(
            organization,
            made[spec["program"]],
            spec,
            users.get(team_lead_email),
            users.get(contributor_email) if contributor_email else None,
        )
        if measure.responsible_unit:
            measure.program.units.add(measure.responsible_unit)
        _transitions(measure, spec.get("transitions", []))


def _transitions(measure: Measure, pairs: list[tuple[str, str, str]]) -> None:
    """The hand-overs the measure improves, by unit name among those it may name (its own
    organisation's and its programme partners')."""
    if not pairs:
        return
    units = {u.name: u for u in transition_units(measure.organization, measure.program)}
    for start, end, note in pairs:
        ServiceTransition.objects.get_or_create(
            measure=measure,
            from_unit=units[start],
            to_unit=units[end],
            defaults={"note": note},
        )


def seed_measures(organizations: dict[str, Organization]) -> None:
    _seed(
        organizations["demo-kommune"],
        KOMMUNE_PROGRAMS,
        KOMMUNE_MEASURES,
        "teamleder@demo-kommune.no",
        "medlem@demo-kommune.no",
        organizations,
    )
    _seed(
        organizations["demo-herad"],
        [HERAD_PROGRAM],
        HERAD_MEASURES,
        "koordinator@demo-herad.no",
        None,
        organizations,
    )
    _seed(
        organizations["demo-fylke"],
        [FYLKE_PROGRAM],
        FYLKE_MEASURES,
        "koordinator@demo-fylke.no",
        None,
        organizations,
    )
