"""Queries about learning meetings that several pages share, and what a new meeting starts
with: its title and default agenda, in the organisation's written standard."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from measures.models import Measure, Program
from organizations.models import Organization
from organizations.records import ShownVersion, shown_event_versions
from reflections.models import (
    ActionItem,
    LearningMeeting,
    MeetingDecision,
    MeetingDecisionCorrection,
)

# The agenda a new meeting starts with: the order the method asks for (look back at what was
# promised, reflect, decide, agree who does what, then judge whether it was a learning
# meeting). Written in our own words; people edit it freely.
DEFAULT_AGENDA: dict[str, str] = {
    "nb": (
        "1. Oppfølging av åpne oppfølgingspunkter fra forrige møte\n"
        "2. Refleksjonsspørsmål: hva har vi erfart, og hva lærer vi av det?\n"
        "3. Beslutninger\n"
        "4. Nye oppfølgingspunkter: hva, hvem og innen når\n"
        "5. Sjekkliste for et lærende møte: var spørsmålene forberedt, ble punktene fra "
        "forrige møte fulgt opp, ble beslutningene skrevet ned, ble alle hørt?"
    ),
    "nn": (
        "1. Oppfølging av opne oppfølgingspunkt frå førre møte\n"
        "2. Refleksjonsspørsmål: kva har vi erfart, og kva lærer vi av det?\n"
        "3. Avgjerder\n"
        "4. Nye oppfølgingspunkt: kva, kven og innan når\n"
        "5. Sjekkliste for eit lærande møte: var spørsmåla førebudde, vart punkta frå førre "
        "møte følgde opp, vart avgjerdene skrivne ned, vart alle høyrde?"
    ),
    "en": (
        "1. Follow-up of open action items from the last meeting\n"
        "2. Reflection questions: what have we experienced, and what do we learn from it?\n"
        "3. Decisions\n"
        "4. New action items: what, who and by when\n"
        "5. Learning checklist: were the questions prepared, were the last meeting's items "
        "followed up, were the decisions written down, was everyone heard?"
    ),
}


def default_agenda(organization: Organization) -> str:
    return DEFAULT_AGENDA.get(organization.written_standard, DEFAULT_AGENDA["nb"])


def default_title(organization: Organization, subject: Measure | Program) -> str:
    """The title a new meeting on a measure or programme is offered (stored, so in the
    written standard)."""
    with translation.override(organization.written_standard):
        return _("Learning meeting: %(measure)s") % {"measure": subject.name}


def with_open_item_counts(queryset: QuerySet[LearningMeeting]) -> QuerySet[LearningMeeting]:
    """Annotates ``open_items``: the number of the meeting's action items still open (in the
    same query as the meetings)."""
    return queryset.annotate(
        open_items=Count("action_items", filter=Q(action_items__status=ActionItem.Status.OPEN))
    )


def earlier_meetings(meeting: LearningMeeting) -> QuerySet[LearningMeeting]:
    """The active meetings on the same subject (the measure, or the programme for a programme
    meeting) held before this one."""
    subject = (
        Q(measure_id=meeting.measure_id)
        if meeting.measure_id
        else Q(program_id=meeting.program_id, measure__isnull=True)
    )
    before = Q(date__lt=meeting.date) | Q(date=meeting.date, pk__lt=meeting.pk)
    return (
        LearningMeeting.objects.active()
        .filter(subject, before, organization_id=meeting.organization_id)
        .exclude(pk=meeting.pk)
    )


def open_items_before(meeting: LearningMeeting) -> QuerySet[ActionItem]:
    """The action items earlier meetings on the same subject left open: the next meeting opens
    with them (one query)."""
    return (
        ActionItem.objects.open()
        .filter(meeting__in=earlier_meetings(meeting).values("pk"))
        .select_related("owner", "meeting")
        .order_by("due_date", "pk")
    )


def meeting_decisions_queryset(meeting: LearningMeeting) -> QuerySet[MeetingDecision]:
    """The meeting's decisions with who recorded them and their corrections (two queries)."""
    corrections = MeetingDecisionCorrection.objects.select_related("recorded_by")
    return (
        MeetingDecision.objects.filter(meeting=meeting)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("corrections", queryset=corrections))
        .order_by("created_at", "pk")
    )


def meeting_decisions(meeting: LearningMeeting) -> list[MeetingDecision]:
    """The meeting's decisions, each with ``versions`` (newest first) for the pages."""
    decisions = list(meeting_decisions_queryset(meeting))
    for decision in decisions:
        decision.versions = decision_versions(decision)  # type: ignore[attr-defined]
    return decisions


def decision_versions(decision: MeetingDecision) -> list[ShownVersion]:
    """The decision's versions, newest first: its corrections, then the decision as recorded."""
    return shown_event_versions(
        decision, recorded_at=decision.created_at, recorded_by=decision.recorded_by
    )
