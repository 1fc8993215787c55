"""Demo phase histories: every demo measure got to its phase through the gates, with the
material each phase asks for. One measure is in its third lap with components still to
pilot, one has finished phase IV with stakeholder input and a decision, and one went back
from IV to III for another lap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from measures.models import EvaluationCycle, Lifecycle, Measure, Phase
from organizations.models import Organization, User
from phases.continuation import continuation_recommend, continuation_record_decision
from phases.models import (
    BudgetLine,
    ContinuationAssessment,
    ContinuationDecision,
    ContinuationRecommendation,
    FactorAssessment,
    GoverningDocument,
    ImplementationPlan,
    MaintenanceRoutine,
    PhaseTransition,
    PilotIteration,
    PlannedActivity,
    Preparation,
    PreparationDecision,
    RoleResponsibility,
    ServiceComponent,
    StakeholderInput,
)
from phases.preparation import preparation_decide
from phases.services import factors_for, measure_move_phase, measure_register_phase

THIRD_LAP = "Felles språkløft i barnehagene"
BACK_FROM_IV = "Trygge friminutt"
DECIDED = "Inkluderende fritid"
REGISTERED = "Tverrfaglig stafettlogg"
# The demo is written around this day; the last move into a measure's current phase lies some
# weeks or months before it (so "time in phase" reads as it would), earlier moves five months
# apart. Two measures moved on a known day: the status reports of May and September tell it.
DEMO_DAY = dt.date(2026, 11, 22)
LAST_MOVE = {BACK_FROM_IV: dt.date(2026, 9, 21), DECIDED: dt.date(2026, 6, 15)}

TEXTS: dict[str, dict[str, Any]] = {
    "nb": {
        "key_people": "Enhetsleder, to pedagogiske ledere og en rådgiver fra PPT.",
        "fit": "Kartleggingen viser et tydelig behov, og tiltaket passer med planene i kommunen.",
        "needs": "Opplæring av alle ansatte og faste møtepunkter i teamet.",
        "evidence": "Drøftet og dokumentert i teammøte.",
        "develop": "En fast arbeidsform med felles rutiner og tydelig ansvar.",
        "activities": [
            "Oppstartsmøte med alle ansatte",
            "Opplæring del 1",
            "Evaluering av første runde",
        ],
        "roles": [
            ("Teamleder", "Leder implementeringsteamet og følger opp planen"),
            ("Enhetsleder", "Setter av tid og forankrer arbeidet i ledergruppen"),
        ],
        "budget": [
            ("Kurs og veiledning", Decimal("85000")),
            ("Frikjøp av ansatte", Decimal("120000")),
        ],
        "lap": "Rutinene ble prøvd ut i to grupper.",
        "findings": "Rutinene fungerer, men trenger en enklere sjekkliste.",
        "learned": "Korte, faste møter gir bedre oppfølging enn lange.",
        "components": [
            ("work_process", "Felles arbeidsmåte i gruppene"),
            ("role", "Ressursperson i hver gruppe"),
            ("responsibility", "Enhetsleder følger opp framdriften"),
            ("routine", "Ukentlig kort refleksjonsmøte"),
        ],
        "back": "Justeringene etter vedtaket krever en ny runde med utprøving.",
        "registered": "Planlagt og vedtatt i 2025, før kommunen tok i bruk Tiltakshjulet. "
        "Implementeringsplanen ble vedtatt i oppvekstutvalget, sak 2025/311.",
        "correction": "Feil saksnummer ved første registrering; rettet etter kontroll mot "
        "saksarkivet.",
        "stakeholders": [
            (
                "user_representative",
                "Foreldrerådet (FAU)",
                "Tiltaket har gjort fritiden mer tilgjengelig for flere.",
            ),
            (
                "politician",
                "Hovedutvalg for oppvekst",
                "Ønsker at tiltaket blir en fast del av budsjettet.",
            ),
            (
                "service_leader",
                "Leder for kulturtjenesten",
                "Samarbeidet med skolene bør fortsette.",
            ),
        ],
        "value": "Tiltaket har nådd målet for deltakelse og har bred støtte.",
        "turnover": "Nye ansatte får opplæring i løpet av første måned.",
        "leadership": "Tiltaket er forankret i planverket og står i tilstandsrapporten hvert år.",
        "maintenance": [
            ("training", "Opplæring av nyansatte"),
            ("supervision", "Veiledning for ansatte hvert semester"),
        ],
        "body": "Kommunestyret",
    },
    "nn": {
        "key_people": "Einingsleiar, to pedagogiske leiarar og ein rådgjevar frå PPT.",
        "fit": "Kartlegginga viser eit tydeleg behov, og tiltaket passar med planane i kommunen.",
        "needs": "Opplæring av alle tilsette og faste møtepunkt i teamet.",
        "evidence": "Drøfta og dokumentert i teammøte.",
        "develop": "Ei fast arbeidsform med felles rutinar og tydeleg ansvar.",
        "activities": [
            "Oppstartsmøte med alle tilsette",
            "Opplæring del 1",
            "Evaluering av første runde",
        ],
        "roles": [
            ("Teamleiar", "Leier implementeringsteamet og følgjer opp planen"),
            ("Einingsleiar", "Set av tid og forankrar arbeidet i leiargruppa"),
        ],
        "budget": [
            ("Kurs og rettleiing", Decimal("60000")),
            ("Frikjøp av tilsette", Decimal("90000")),
        ],
        "lap": "Rutinane vart prøvde ut i to grupper.",
        "findings": "Rutinane fungerer, men treng ei enklare sjekkliste.",
        "learned": "Korte, faste møte gir betre oppfølging enn lange.",
        "components": [
            ("work_process", "Felles arbeidsmåte i gruppene"),
            ("role", "Ressursperson i kvar gruppe"),
            ("responsibility", "Einingsleiar følgjer opp framdrifta"),
            ("routine", "Kort refleksjonsmøte kvar veke"),
        ],
        "back": "",
        "registered": "",
        "correction": "",
        "stakeholders": [],
        "value": "",
        "turnover": "",
        "leadership": "",
        "maintenance": [],
        "body": "Kommunestyret",
    },
}


def _assess_all(measure: Measure, phase: int, user: User) -> None:
    for factor in factors_for(measure.organization, phase):
        FactorAssessment.objects.update_or_create(
            measure=measure,
            factor=factor,
            defaults={
                "version": factor.current_version,
                "state": "met",
                "evidence": TEXTS[measure.organization.written_standard]["evidence"],
                "assessed_by": user,
                "assessed_at": timezone.now(),
            },
        )


def _prepare(measure: Measure, text: dict[str, Any], user: User, decided: bool) -> None:
    Preparation.objects.get_or_create(
        measure=measure,
        defaults={
            "key_people": text["key_people"],
            "scope": Preparation.Scope.LASTING,
            "fit_with_local_needs": text["fit"],
            "competence": text["needs"],
            "structures": text["needs"],
            "resources": text["needs"],
        },
    )
    if decided and not PreparationDecision.objects.filter(measure=measure).exists():
        decision = preparation_decide(
            measure=measure,
            user=user,
            data={
                "decision": PreparationDecision.Decision.GO_ON,
                "decided_by": user,
                "decided_on": dt.date(2024, 10, 1),
                "decision_note": "",
            },
        )
        _date_the_record(PreparationDecision, decision.pk, dt.date(2024, 10, 1))


def _plan(measure: Measure, text: dict[str, Any], user: User) -> None:
    plan, created = ImplementationPlan.objects.get_or_create(
        measure=measure,
        defaults={
            "to_develop": text["develop"],
            "target_group": ", ".join(measure.target_group_labels()),
            "training_plan": text["needs"],
            "information_plan": text["needs"],
            "evaluation_plan": text["learned"],
        },
    )
    if not created:
        return
    for month, what in zip((1, 3, 6), text["activities"], strict=False):
        PlannedActivity.objects.create(plan=plan, what=what, month=month, responsible=user)
    for role, responsibility in text["roles"]:
        RoleResponsibility.objects.create(plan=plan, role=role, responsibility=responsibility)
    for description, amount in text["budget"]:
        BudgetLine.objects.create(plan=plan, description=description, year=2026, amount=amount)


def _roundabout(
    measure: Measure, text: dict[str, Any], user: User, laps: int, piloted: int
) -> None:
    iterations = []
    for number in range(1, laps + 1):
        start = dt.date(2025, 1, 6) + dt.timedelta(days=120 * (number - 1))
        iteration = PilotIteration.objects.create(
            measure=measure,
            number=number,
            period_start=start,
            period_end=start + dt.timedelta(days=100),
            developed=text["develop"],
            piloted_note=text["lap"],
            findings=text["findings"],
            learned=text["learned"],
            decision_next=text["learned"],
            logged_by=measure.team_lead,
        )
        if measure.responsible_unit:
            iteration.piloted_where.add(measure.responsible_unit)
        iterations.append(iteration)
    for index, (kind, name) in enumerate(text["components"]):
        ServiceComponent.objects.create(
            measure=measure,
            kind=kind,
            name=name,
            description=text["develop"],
            described_on=dt.date(2025, 3, 1),
            described_by=user,
            piloted_in=iterations[min(index, len(iterations) - 1)] if index < piloted else None,
        )


def _continuation(measure: Measure, text: dict[str, Any], user: User) -> None:
    ContinuationAssessment.objects.get_or_create(
        measure=measure,
        defaults={
            "value_judgement": text["value"],
            "turnover_handling": text["turnover"],
            "leadership_change_handling": text["leadership"],
        },
    )
    for kind, who, said in text["stakeholders"]:
        StakeholderInput.objects.create(
            measure=measure,
            kind=kind,
            who=who,
            date=dt.date(2026, 8, 20),
            said=said,
            recorded_by=user,
        )
    recommendation = continuation_recommend(
        measure=measure, user=user, recommendation="continue", why=text["value"]
    )
    _date_the_record(ContinuationRecommendation, recommendation.pk, dt.date(2026, 9, 1))
    decision = {
        "outcome": ContinuationDecision.Outcome.CONTINUE,
        "decision_maker": text["body"],
        "decided_on": dt.date(2026, 9, 24),
        # Recorded first with a wrong case number and corrected a week later: the demo shows
        # a decision with two versions and the reason for the correction.
        "case_reference": "2026/1234",
    }
    first = continuation_record_decision(measure=measure, user=user, data=decision)
    _date_the_record(ContinuationDecision, first.decision.pk, dt.date(2026, 9, 24))
    corrected = continuation_record_decision(
        measure=measure,
        user=user,
        data={**decision, "case_reference": "2026/1432"},
        reason=text["correction"],
    )
    _date_the_record(ContinuationDecision, corrected.decision.pk, dt.date(2026, 10, 1))
    for kind, description in text["maintenance"]:
        MaintenanceRoutine.objects.create(
            measure=measure,
            kind=kind,
            description=description,
            owner=measure.team_lead,
            recurrence=EvaluationCycle.Rhythm.TERM,
            first_date=dt.date(2026, 12, 20),
        )
    for kind, year in (("economy_plan", 2027), ("status_report", 2026)):
        GoverningDocument.objects.create(
            measure=measure,
            kind=kind,
            year=year,
            reference="Vedtatt i kommunestyret",
        )


def _date_the_record(model: Any, pk: int, day: dt.date) -> None:
    """Gives a record made now its day in the demo's past (a version is final, so through
    an update of the row rather than a save)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    model.objects.filter(pk=pk).update(recorded_at=moment)


def _walk(measure: Measure, to_phase: int, user: User) -> None:
    """Moves the measure from phase I through every gate, meeting each gate on the way."""
    text = TEXTS[measure.organization.written_standard]
    target = to_phase
    back_from_iv = measure.name == BACK_FROM_IV
    if back_from_iv:
        target = Phase.CONTINUE
    Measure.objects.filter(pk=measure.pk).update(phase=Phase.PREPARE)
    measure.phase = Phase.PREPARE
    _prepare(measure, text, user, decided=target > Phase.PREPARE)
    if target >= Phase.PLAN:
        _plan(measure, text, user)
    if measure.name == REGISTERED and text["registered"]:
        # Under way before the municipality used the product: registered, not walked.
        measure_register_phase(
            measure=measure, to_phase=target, user=user, reason=text["registered"]
        )
        _date_the_moves(measure)
        return
    if target >= Phase.IMPLEMENT:
        third_lap = measure.name == THIRD_LAP
        _roundabout(measure, text, user, laps=3 if third_lap else 2, piloted=2 if third_lap else 4)
    for phase in range(Phase.PREPARE, target):
        _assess_all(measure, phase, user)
        measure_move_phase(measure=measure, to_phase=phase + 1, user=user)
    if target == Phase.CONTINUE and text["stakeholders"]:
        _continuation(measure, text, user)
        if measure.name == DECIDED:
            _assess_all(measure, Phase.CONTINUE, user)
            Measure.objects.filter(pk=measure.pk).update(lifecycle=Lifecycle.ORDINARY)
    if back_from_iv:
        measure_move_phase(
            measure=measure, to_phase=Phase.IMPLEMENT, user=user, reason=text["back"]
        )
    _date_the_moves(measure)


def _date_the_moves(measure: Measure) -> None:
    """Gives the moves just made their place in the past (the service stamps each with the
    moment it is made)."""
    default = DEMO_DAY - dt.timedelta(days=45 + 30 * (len(measure.name) % 6))
    last = LAST_MOVE.get(measure.name, default)
    moves = list(measure.transitions.order_by("decided_at", "pk").values_list("pk", flat=True))
    for steps_back, pk in enumerate(reversed(moves)):
        day = last - dt.timedelta(days=150 * steps_back)
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
        PhaseTransition.objects.filter(pk=pk).update(decided_at=moment)


def seed_phases(organizations: dict[str, Organization]) -> None:
    for slug, coordinator_email in (
        ("demo-kommune", "koordinator@demo-kommune.no"),
        ("demo-herad", "koordinator@demo-herad.no"),
        ("demo-fylke", "koordinator@demo-fylke.no"),
    ):
        organization = organizations[slug]
        coordinator = User.objects.get(email=coordinator_email)
        for measure in Measure.objects.filter(organization=organization).select_related(
            "organization", "team_lead", "responsible_unit"
        ):
            if not measure.transitions.exists():
                _walk(measure, measure.phase, coordinator)
