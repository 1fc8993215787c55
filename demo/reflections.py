"""Demo learning meetings and lessons: for each demo measure two held meetings (with answers
to the questions suggested for its phase, decisions, and action items both done and open)
and one planned meeting; a lesson from each measure's latest meeting, one from its latest
pilot lap; and a partnership over which Demo kommune shares two lessons with Demo herad.

Written in each organisation's written standard. Run after the measures and phases. Safe to
run again: a measure's meetings are matched by date, and lessons by where they came from.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from measures.models import Measure, Tag
from organizations.models import Organization, Partnership, User
from phases.models import PilotIteration
from reflections.models import (
    ActionItem,
    Answer,
    LearningMeeting,
    Lesson,
    MeetingDecision,
    MeetingQuestion,
    Question,
)
from reflections.questions import suggested_questions

DEMO_DAY = dt.date(2026, 11, 22)
# Days from the demo day: two meetings held, one ahead. The first question is asked in every
# meeting, so "reflection over time" has a row to show.
MEETING_DAYS = (-70, -21, 14)
QUESTIONS_OF = ((0, 1, 2), (0, 3, 4), (0, 1))

TAGS = {"nb": ["refleksjon", "lærende møter"], "nn": ["refleksjon", "lærande møte"]}
TEXT: dict[str, dict[str, Any]] = {
    "nb": {
        "title": "Lærende møte: {name}",
        "place": "Møterom 2, rådhuset",
        "agenda": "1. Oppfølging av punkter fra forrige møte\n2. Refleksjonsspørsmål\n"
        "3. Vedtak\n4. Oppfølgingspunkter\n5. Sjekkliste for lærende møte",
        "answers": [
            [
                "Vi er i gang, men har ikke felles bilde av hva som skal være annerledes om et "
                "halvår. Vi må bli enige om det før neste runde.",
                "Vi har delt erfaringer fra to enheter. De gjør det ulikt, og begge mener egen "
                "måte fungerer.",
                "Vi bruker årshjulet til frister, men ikke ennå til å planlegge refleksjon.",
            ],
            [
                "Nå har vi et felles bilde: færre barn som faller utenfor. Tallene fra høsten "
                "peker riktig vei, men det er for tidlig å si at det er tiltaket som virker.",
                "Foreldrerepresentantene ga oss innspill vi ikke hadde fått ellers.",
                "Vi har skrevet ned rutinen, og to nye ansatte har brukt den uten hjelp.",
            ],
        ],
        "decisions": [
            "Vi prøver ut den nye rutinen i én enhet til før vi vurderer den på nytt.",
            "Teamet legger fast refleksjon inn i hvert tredje teammøte i årshjulet.",
        ],
        "actions": [
            ("Samle tallene fra høsten og legge dem fram for teamet", "team_lead"),
            ("Invitere foreldreutvalget til neste møte", "member"),
            ("Skrive ned rutinen slik den brukes nå", "team_lead"),
            ("Avtale opplæring for nye ansatte i januar", "member"),
        ],
        "notes": "Godt oppmøte. Alle fikk ordet i runden om spørsmålene.",
        # (title, what we learned, context): from a meeting, then from a pilot lap; each
        # measure gets the next one in turn.
        "meeting_lessons": [
            (
                "Faste spørsmål gjør refleksjonen lettere",
                "Når vi brukte de samme spørsmålene i to møter, så vi tydelig hva som hadde "
                "endret seg, og diskusjonen ble kortere og mer konkret.",
                "Lærende møter i teamet høsten 2026.",
            ),
            (
                "Foreldrene ser andre ting enn vi gjør",
                "Innspillene fra foreldreutvalget pekte på hindringer vi ikke hadde sett fra "
                "innsiden. Vi inviterer dem fast til hvert tredje møte.",
                "Foreldreutvalget deltok i ett av høstens møter.",
            ),
            (
                "Tallene alene forteller ikke hvorfor",
                "Indikatorene viste bedring, men først da vi spurte de ansatte forsto vi hva "
                "som hadde gjort forskjellen. Vi samler nå korte erfaringer sammen med tallene.",
                "Halvårsvurderingen og det påfølgende lærende møtet.",
            ),
            (
                "Oppfølgingspunkter uten eier blir liggende",
                "Punkter vi ble enige om uten å sette navn og frist på, var ikke gjort til neste "
                "møte. Nå får hvert punkt en eier før møtet slutter.",
                "Gjennomgang av oppfølgingspunkter fra to møter.",
            ),
        ],
        "lap_lessons": [
            (
                "Utprøving i liten skala først",
                "Å prøve ut i én enhet før vi spredte tiltaket ga oss tid til å rette opp "
                "rutinen uten at mange måtte lære den på nytt.",
                "Første utprøvingsrunde i én enhet.",
            ),
            (
                "Skriv ned rutinen mens den prøves ut",
                "Rutinen vi skrev ned underveis var lettere å lære bort enn den vi prøvde å "
                "beskrive i ettertid.",
                "Andre utprøvingsrunde, med nye ansatte.",
            ),
        ],
    },
    "nn": {
        "title": "Lærande møte: {name}",
        "place": "Møterommet på heradshuset",
        "agenda": "1. Oppfølging av punkt frå førre møte\n2. Refleksjonsspørsmål\n"
        "3. Vedtak\n4. Oppfølgingspunkt\n5. Sjekkliste for lærande møte",
        "answers": [
            [
                "Vi er i gang, men har ikkje eit felles bilete av kva som skal vere annleis om "
                "eit halvår. Det må vi bli samde om før neste runde.",
                "Vi har delt erfaringar frå to einingar. Dei gjer det ulikt, og begge meiner "
                "eigen måte fungerer.",
                "Vi brukar årshjulet til fristar, men ikkje enno til å planleggje refleksjon.",
            ],
            [
                "No har vi eit felles bilete: tryggare overgangar for alle barna. Tala frå "
                "hausten peikar rett veg, men det er for tidleg å seie kva som verkar.",
                "Foreldrerepresentantane gav oss innspel vi ikkje hadde fått elles.",
                "Vi har skrive ned rutinen, og to nye tilsette har brukt han utan hjelp.",
            ],
        ],
        "decisions": [
            "Vi prøver ut den nye rutinen i éi eining til før vi vurderer han på nytt.",
            "Teamet legg fast refleksjon inn i kvart tredje teammøte i årshjulet.",
        ],
        "actions": [
            ("Samle tala frå hausten og leggje dei fram for teamet", "team_lead"),
            ("Invitere foreldreutvalet til neste møte", "member"),
            ("Skrive ned rutinen slik han blir brukt no", "team_lead"),
            ("Avtale opplæring for nye tilsette i januar", "member"),
        ],
        "notes": "Godt oppmøte. Alle fekk ordet i runden om spørsmåla.",
        "meeting_lessons": [
            (
                "Faste spørsmål gjer refleksjonen lettare",
                "Då vi brukte dei same spørsmåla i to møte, såg vi tydeleg kva som hadde "
                "endra seg, og diskusjonen vart kortare og meir konkret.",
                "Lærande møte i teamet hausten 2026.",
            ),
            (
                "Foreldra ser andre ting enn vi gjer",
                "Innspela frå foreldreutvalet peika på hindringar vi ikkje hadde sett frå "
                "innsida. Vi inviterer dei fast til kvart tredje møte.",
                "Foreldreutvalet var med på eitt av møta i haust.",
            ),
        ],
        "lap_lessons": [
            (
                "Utprøving i liten skala først",
                "Å prøve ut i éi eining før vi spreidde tiltaket gav oss tid til å rette opp "
                "rutinen utan at mange måtte lære han på nytt.",
                "Første utprøvingsrunde i éi eining.",
            ),
        ],
    },
}


def seed_reflections(organizations: dict[str, Organization]) -> None:
    for slug in ("demo-kommune", "demo-herad"):
        organization = organizations[slug]
        text = TEXT[organization.written_standard]
        measures = (
            Measure.objects.active()
            .filter(organization=organization)
            .select_related("program", "team_lead")
            .order_by("pk")
        )
        for turn, measure in enumerate(measures):
            _seed_measure(organization, measure, text, turn)
    _share_lessons(organizations["demo-kommune"], organizations["demo-herad"])


def _people(organization: Organization, measure: Measure) -> dict[str, User]:
    lead = measure.team_lead or measure.program.coordinator
    assert lead is not None  # noqa: S101 - every demo measure has a lead or a coordinator
    member = User.objects.filter(email="medlem@demo-kommune.no").first()
    if organization.slug != "demo-kommune" or member is None:
        member = lead
    return {"team_lead": lead, "member": member}


def _seed_measure(
    organization: Organization, measure: Measure, text: dict[str, Any], turn: int
) -> None:
    """Three meetings and a lesson or two; ``turn`` picks this measure's lessons."""
    questions = suggested_questions(organization, measure.phase)
    people = _people(organization, measure)
    meetings = []
    for index, days in enumerate(MEETING_DAYS):
        day = DEMO_DAY + dt.timedelta(days=days)
        meeting = LearningMeeting.objects.filter(measure=measure, date=day).first()
        if meeting is None:
            meeting = _meeting(organization, measure, day, index, questions, people, text)
        meetings.append(meeting)
    meeting_lessons, lap_lessons = text["meeting_lessons"], text["lap_lessons"]
    words = meeting_lessons[turn % len(meeting_lessons)]
    _lesson(organization, measure, words, meeting=meetings[1])
    lap = PilotIteration.objects.filter(measure=measure).order_by("-number").first()
    if lap is not None:
        _lesson(organization, measure, lap_lessons[turn % len(lap_lessons)], iteration=lap)


def _meeting(
    organization: Organization,
    measure: Measure,
    day: dt.date,
    index: int,
    questions: list[Question],
    people: dict[str, User],
    text: dict[str, Any],
) -> LearningMeeting:
    held = day < DEMO_DAY
    meeting = LearningMeeting.objects.create(
        organization=organization,
        measure=measure,
        title=text["title"].format(name=measure.name),
        date=day,
        start_time=dt.time(13, 0),
        end_time=dt.time(14, 30),
        place=text["place"],
        agenda=text["agenda"],
        created_by=people["team_lead"],
    )
    meeting.participants.set(set(people.values()))
    chosen = [questions[at] for at in QUESTIONS_OF[index] if at < len(questions)]
    for position, question in enumerate(chosen):
        assert question.current_version is not None  # noqa: S101 - every question is worded
        asked = MeetingQuestion.objects.create(
            meeting=meeting,
            question=question,
            version=question.current_version,
            position=position,
        )
        if held:
            answers = text["answers"][index]
            Answer.objects.create(
                meeting_question=asked,
                text=answers[position % len(answers)],
                author=people["team_lead" if position % 2 == 0 else "member"],
            )
    if not held:
        return meeting
    MeetingDecision.objects.create(
        meeting=meeting, text=text["decisions"][index], recorded_by=people["team_lead"]
    )
    for offset, (what, owner) in enumerate(text["actions"][index * 2 : index * 2 + 2]):
        # The first meeting's items are done; of the second's, one is done and one open.
        done = index == 0 or offset == 1
        ActionItem.objects.create(
            organization=organization,
            meeting=meeting,
            text=what,
            owner=people[owner],
            due_date=day + dt.timedelta(days=28 + 7 * offset),
            status=ActionItem.Status.DONE if done else ActionItem.Status.OPEN,
            completed_at=timezone.now() if done else None,
            created_by=people["team_lead"],
        )
    meeting.notes = text["notes"]
    meeting.state = LearningMeeting.State.CLOSED
    meeting.questions_prepared = True
    meeting.actions_followed_up = index > 0
    meeting.decisions_recorded = True
    meeting.everyone_heard = True
    meeting.closed_by = people["team_lead"]
    meeting.closed_at = timezone.now()
    meeting.save()
    return meeting


def _lesson(
    organization: Organization,
    measure: Measure,
    words: tuple[str, str, str],
    **source: Any,
) -> None:
    """The lesson learned from ``source`` (a meeting or a pilot lap), once."""
    if Lesson.objects.filter(organization=organization, measure=measure, **source).exists():
        return
    title, learned, context = words
    lesson = Lesson.objects.create(
        organization=organization,
        title=title,
        lesson=learned,
        context=context,
        phase=measure.phase,
        program=measure.program,
        measure=measure,
        recorded_by=measure.team_lead or measure.program.coordinator,
        **source,
    )
    lesson.tags.set(
        Tag.objects.get_or_create(organization=organization, name=name)[0]
        for name in TAGS[organization.written_standard]
    )


def _share_lessons(kommune: Organization, herad: Organization) -> None:
    """Neighbours share what they learn: Demo kommune shares its lessons from pilot laps."""
    partnership, _created = Partnership.objects.get_or_create(
        grantor=kommune,
        partner=herad,
        defaults={
            "access": Partnership.Access.READ,
            "description": "Interkommunalt samarbeid om erfaringer fra utprøving",
        },
    )
    lessons = Lesson.objects.filter(organization=kommune, iteration__isnull=False)
    for lesson in lessons.order_by("pk")[:2]:
        lesson.shared_with.add(partnership)
