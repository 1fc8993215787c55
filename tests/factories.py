from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from organizations.models import Invitation, Membership, Organization, Partnership, Role, Unit, User
from organizations.validators import COUNTY_NUMBERS

_COUNTIES = sorted(COUNTY_NUMBERS)


def municipality_number(n: int) -> str:
    """A valid municipality number no real municipality has: county code + 90..99."""
    return f"{_COUNTIES[n % len(_COUNTIES)]}{90 + (n // len(_COUNTIES)) % 10}"


DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@kommune.test")
    full_name = factory.Faker("name", locale="no_NO")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    slug = factory.Sequence(lambda n: f"testkommune-{n}")
    kind = Organization.Kind.MUNICIPALITY
    number = factory.Sequence(municipality_number)
    written_standard = "nb"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")
    kind = Unit.Kind.SCHOOL


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MEMBER


class InvitationFactory(DjangoModelFactory):
    """Use ``InvitationFactory.create_with_token()`` when the raw link token is needed."""

    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@kommune.test")
    role = Role.MEMBER
    token_hash = factory.LazyFunction(lambda: Invitation.new_token()[1])
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(Invitation.default_expiry)

    @classmethod
    def create_with_token(cls, **kwargs) -> tuple[Invitation, str]:
        token, token_hash = Invitation.new_token()
        return cls.create(token_hash=token_hash, **kwargs), token


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    grantor = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.COUNTY, number="46")
    partner = factory.SubFactory(OrganizationFactory)
    access = Partnership.Access.READ


# --- programmes and measures -------------------------------------------------------------------
import datetime as _dt  # noqa: E402
from decimal import Decimal  # noqa: E402

from measures.models import (  # noqa: E402
    Comment,
    Evaluation,
    EvaluationCycle,
    FuturePicture,
    Goal,
    GoalJudgement,
    Indicator,
    KnowledgeItem,
    LogicColumn,
    LogicElement,
    LogicLink,
    Measure,
    Measurement,
    Program,
    Tag,
)


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"stikkord-{n}")


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    status = Program.Status.ACTIVE
    start_date = _dt.date(2026, 1, 1)


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    program = factory.SubFactory(ProgramFactory)
    organization = factory.SelfAttribute("program.organization")
    name = factory.Sequence(lambda n: f"Tiltak {n}")
    target_groups = factory.LazyFunction(lambda: ["6-12"])


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    measure = factory.SubFactory(MeasureFactory)
    author = factory.SubFactory(UserFactory)
    text = "En kommentar"


class KnowledgeItemFactory(DjangoModelFactory):
    class Meta:
        model = KnowledgeItem

    measure = factory.SubFactory(MeasureFactory)
    organization = factory.SelfAttribute("measure.organization")
    kind = KnowledgeItem.Kind.NEED
    summary = "Mange elever melder at de ikke trives i friminuttene."
    source = "Elevundersøkelsen 2025"


class LogicElementFactory(DjangoModelFactory):
    class Meta:
        model = LogicElement

    measure = factory.SubFactory(MeasureFactory)
    column = LogicColumn.ACTIVITIES
    text = factory.Sequence(lambda n: f"Element {n}")
    position = factory.Sequence(lambda n: n)


class LogicLinkFactory(DjangoModelFactory):
    class Meta:
        model = LogicLink

    measure = factory.SubFactory(MeasureFactory)
    source = factory.SubFactory(
        LogicElementFactory,
        measure=factory.SelfAttribute("..measure"),
        column=LogicColumn.ACTIVITIES,
    )
    target = factory.SubFactory(
        LogicElementFactory, measure=factory.SelfAttribute("..measure"), column=LogicColumn.OUTPUTS
    )


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    measure = factory.SubFactory(MeasureFactory)
    title = factory.Sequence(lambda n: f"Mål {n}")


class GoalJudgementFactory(DjangoModelFactory):
    """A goal's judgement as version 1; pass ``number`` and ``correction_reason`` for a
    correction (versions are final once saved)."""

    class Meta:
        model = GoalJudgement

    goal = factory.SubFactory(GoalFactory)
    number = 1
    judgement = GoalJudgement.Judgement.PARTLY_MET
    narrative = "Indikatorene går i riktig retning."


class FuturePictureFactory(DjangoModelFactory):
    class Meta:
        model = FuturePicture

    measure = factory.SubFactory(MeasureFactory)
    horizon_year = 2030
    description = "Alle barn har en trygg voksen på skolen."


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    goal = factory.SubFactory(GoalFactory)
    measure = factory.SelfAttribute("goal.measure")
    name = factory.Sequence(lambda n: f"Indikator {n}")
    unit = "%"
    kind = Indicator.Kind.OUTCOME
    direction = Indicator.Direction.HIGHER
    baseline_value = Decimal("40")
    baseline_date = _dt.date(2025, 8, 1)
    target_value = Decimal("80")
    target_date = _dt.date(2027, 6, 30)


class MeasurementFactory(DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("50")
    date = factory.Sequence(lambda n: _dt.date(2026, 1, 1) + _dt.timedelta(days=n))


class EvaluationCycleFactory(DjangoModelFactory):
    class Meta:
        model = EvaluationCycle

    measure = factory.SubFactory(MeasureFactory)
    rhythm = EvaluationCycle.Rhythm.TERM
    first_due = _dt.date(2026, 12, 15)


class EvaluationFactory(DjangoModelFactory):
    class Meta:
        model = Evaluation

    measure = factory.SubFactory(MeasureFactory)
    period_start = _dt.date(2026, 8, 15)
    period_end = _dt.date(2026, 12, 15)
    tried = "Faste voksne i friminuttene"
    decision = Evaluation.Decision.CONTINUE


# --- phases ----------------------------------------------------------------------------------
from phases.models import (  # noqa: E402
    ContinuationDecision,
    ContinuationRecommendation,
    FactorAssessment,
    PhaseTransition,
    PilotIteration,
    PreparationDecision,
    ServiceComponent,
    StakeholderInput,
    SuccessFactor,
    SuccessFactorVersion,
)


class SuccessFactorFactory(DjangoModelFactory):
    """A factor with its first wording (``text`` sets it)."""

    class Meta:
        model = SuccessFactor
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    phase = 1
    required = True

    @factory.post_generation
    def text(obj, create, extracted, **kwargs):
        if not create:
            return
        words = extracted or f"Suksessfaktor {obj.pk}"
        version = SuccessFactorVersion.objects.create(
            factor=obj, number=1, text_nb=words, text_nn=words, text_en=words
        )
        obj.current_version = version
        obj.save(update_fields=["current_version"])


class FactorAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = FactorAssessment

    measure = factory.SubFactory(MeasureFactory)
    factor = factory.SubFactory(
        SuccessFactorFactory, organization=factory.SelfAttribute("..measure.organization")
    )
    version = factory.SelfAttribute("factor.current_version")
    state = "met"


class PilotIterationFactory(DjangoModelFactory):
    class Meta:
        model = PilotIteration

    measure = factory.SubFactory(MeasureFactory, phase=3)
    number = factory.Sequence(lambda n: n + 1)
    period_start = factory.LazyAttribute(
        lambda o: _dt.date(2025, 1, 1) + _dt.timedelta(days=100 * (o.number - 1))
    )
    period_end = factory.LazyAttribute(lambda o: o.period_start + _dt.timedelta(days=90))
    developed = "Ny rutine for oppfølging"


class ServiceComponentFactory(DjangoModelFactory):
    class Meta:
        model = ServiceComponent

    measure = factory.SubFactory(MeasureFactory, phase=3)
    kind = ServiceComponent.Kind.ROUTINE
    name = factory.Sequence(lambda n: f"Rutine {n}")


class StakeholderInputFactory(DjangoModelFactory):
    class Meta:
        model = StakeholderInput

    measure = factory.SubFactory(MeasureFactory, phase=4)
    kind = StakeholderInput.Kind.USER_REPRESENTATIVE
    who = "Foreldrerådet"
    date = _dt.date(2026, 9, 1)
    said = "Tiltaket bør videreføres."


class ContinuationDecisionFactory(DjangoModelFactory):
    class Meta:
        model = ContinuationDecision

    measure = factory.SubFactory(MeasureFactory, phase=4)
    number = 1
    outcome = ContinuationDecision.Outcome.CONTINUE
    decision_maker = "Kommunestyret"
    decided_on = _dt.date(2026, 10, 15)


class ContinuationRecommendationFactory(DjangoModelFactory):
    class Meta:
        model = ContinuationRecommendation

    measure = factory.SubFactory(MeasureFactory, phase=4)
    number = 1
    recommendation = ContinuationRecommendation.Recommendation.CONTINUE
    reason = "God verdi for barna."


class PreparationDecisionFactory(DjangoModelFactory):
    class Meta:
        model = PreparationDecision

    measure = factory.SubFactory(MeasureFactory)
    number = 1
    decision = PreparationDecision.Decision.GO_ON
    decided_on = _dt.date(2026, 3, 1)


class PhaseTransitionFactory(DjangoModelFactory):
    """A move as the service would write it (a gate move through an open gate)."""

    class Meta:
        model = PhaseTransition

    measure = factory.SubFactory(MeasureFactory, phase=2)
    from_phase = 1
    to_phase = 2
    decided_by = factory.SubFactory(UserFactory)


# --- the annual wheel ------------------------------------------------------------------------
from yearwheel.models import Event, Ring, Wheel  # noqa: E402


class WheelFactory(DjangoModelFactory):
    class Meta:
        model = Wheel

    organization = factory.SubFactory(OrganizationFactory)
    year = 2026
    start_month = factory.LazyAttribute(lambda o: o.organization.planning_year_start_month)


class RingFactory(DjangoModelFactory):
    class Meta:
        model = Ring

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Ring {n}")
    colour = "#1f5f8b"
    position = factory.Sequence(lambda n: n)


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    organization = factory.SubFactory(OrganizationFactory)
    ring = factory.SubFactory(RingFactory, organization=factory.SelfAttribute("..organization"))
    kind = Event.Kind.CHECKPOINT
    title = factory.Sequence(lambda n: f"Sjekkpunkt {n}")
    start_date = _dt.date(2026, 10, 15)


from reflections.models import (  # noqa: E402
    ActionItem,
    Answer,
    LearningMeeting,
    Lesson,
    MeetingDecision,
    MeetingQuestion,
    Question,
    QuestionVersion,
)


class QuestionFactory(DjangoModelFactory):
    """A reflection question with its first wording (``text`` sets it)."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    theme = "learning"
    phase = None

    @factory.post_generation
    def text(obj, create, extracted, **kwargs):
        if not create:
            return
        words = extracted or f"Refleksjonsspørsmål {obj.pk}?"
        version = QuestionVersion.objects.create(
            question=obj, number=1, text_nb=words, text_nn=words, text_en=words
        )
        obj.current_version = version
        obj.save(update_fields=["current_version"])


class LearningMeetingFactory(DjangoModelFactory):
    """A planned meeting on a measure; ``participants`` takes a list of users."""

    class Meta:
        model = LearningMeeting
        skip_postgeneration_save = True

    measure = factory.SubFactory(MeasureFactory)
    organization = factory.SelfAttribute("measure.organization")
    program = factory.SelfAttribute("measure.program")
    title = factory.Sequence(lambda n: f"Lærende møte {n}")
    date = _dt.date(2026, 10, 15)
    start_time = _dt.time(9, 0)
    end_time = _dt.time(11, 0)
    agenda = "1. Oppfølging fra sist\n2. Refleksjon\n3. Veien videre"

    @factory.post_generation
    def participants(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.participants.set(extracted)


class MeetingQuestionFactory(DjangoModelFactory):
    class Meta:
        model = MeetingQuestion

    meeting = factory.SubFactory(LearningMeetingFactory)
    question = factory.SubFactory(
        QuestionFactory, organization=factory.SelfAttribute("..meeting.organization")
    )
    version = factory.SelfAttribute("question.current_version")
    position = factory.Sequence(lambda n: n)


class AnswerFactory(DjangoModelFactory):
    class Meta:
        model = Answer

    meeting_question = factory.SubFactory(MeetingQuestionFactory)
    text = factory.Sequence(lambda n: f"Svar {n}")
    author = factory.SubFactory(UserFactory)


class MeetingDecisionFactory(DjangoModelFactory):
    class Meta:
        model = MeetingDecision

    meeting = factory.SubFactory(LearningMeetingFactory)
    text = factory.Sequence(lambda n: f"Vedtak {n}")
    recorded_by = factory.SubFactory(UserFactory)


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(LearningMeetingFactory)
    organization = factory.SelfAttribute("meeting.organization")
    text = factory.Sequence(lambda n: f"Oppfølgingspunkt {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyAttribute(lambda o: o.meeting.date + _dt.timedelta(days=14))


class LessonFactory(DjangoModelFactory):
    class Meta:
        model = Lesson

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Erfaring {n}")
    lesson = "Korte møter med faste spørsmål ga bedre oppfølging."
    context = "Ungdomsskolen, høsten 2026."
    phase = 3


from reports.models import MeasureSummary, Report, ReportComment  # noqa: E402


class MeasureSummaryFactory(DjangoModelFactory):
    class Meta:
        model = MeasureSummary

    measure = factory.SubFactory(MeasureFactory)
    text = "Tiltaket er i rute. Flere barn deltar enn i fjor."


class ReportFactory(DjangoModelFactory):
    """A report on the whole organisation for the spring term of 2026."""

    class Meta:
        model = Report

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Tertialrapport {n}")
    kind = Report.Kind.FOUR_MONTHS
    period_start = _dt.date(2026, 1, 1)
    period_end = _dt.date(2026, 4, 30)
    introduction = "Rapporten viser status for tiltakene for barn og unge."


class ReportCommentFactory(DjangoModelFactory):
    class Meta:
        model = ReportComment

    report = factory.SubFactory(ReportFactory)
    measure = factory.SubFactory(
        MeasureFactory, program__organization=factory.SelfAttribute("...report.organization")
    )
    text = "Godt i gang."
