"""Learning meetings and their open action items on the annual wheel
(``settings.YEARWHEEL_SOURCES``; see yearwheel/sources.py).

A meeting is a meeting place on its date, in the system ring of learning meetings; an open
action item is a deadline on its due date, in the ring of action items. Nothing is copied:
moving a meeting moves it on the wheel, and an item marked done or dropped leaves it.

Both keys name the row without its date (``meeting-12``, ``action-34``): a meeting moved to
another day stays the same entry in a subscribed calendar, and its pending reminders are
refreshed rather than replaced.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q
from django.urls import reverse

from measures.models import Program
from organizations.models import Organization
from reflections.models import ActionItem, LearningMeeting
from yearwheel.models import Kind, Ring
from yearwheel.occurrences import Occurrence, Scope
from yearwheel.sources import measures_in_scope


def subject_in_scope(organization: Organization, scope: Scope, prefix: str = "") -> Q:
    """Meetings (``prefix`` "" ) or rows of meetings (``prefix`` "meeting__") whose measure is
    active and in the scope, or programme meetings (without a measure) of a programme in it.

    A programme meeting shows when the wheel is narrowed to its programme, or to a unit taking
    part in it; narrowed to one measure, only that measure's meetings show. Subqueries rather
    than joins, so no row comes twice and no DISTINCT is needed.
    """
    measures = measures_in_scope(organization, scope).values("pk")
    subject = Q(**{f"{prefix}measure__in": measures})
    if scope.measure_id:
        return subject
    programs = Program.objects.filter(organization=organization, is_archived=False)
    if scope.program_id:
        programs = programs.filter(pk=scope.program_id)
    if scope.unit_id:
        programs = programs.filter(units=scope.unit_id)
    return subject | Q(
        **{f"{prefix}measure__isnull": True, f"{prefix}program__in": programs.values("pk")}
    )


def _meeting_url_prefix(organization: Organization) -> str:
    # reverse() once per source, not once per row (see EventSource).
    url = reverse("meeting_detail", kwargs={"org_slug": organization.slug, "pk": 1})
    return url.removesuffix("1/")


class LearningMeetingSource:
    """Each active learning meeting in the period, with its participants (for reminders)."""

    key = Ring.Source.MEETINGS
    FIELDS = (
        "title",
        "date",
        "start_time",
        "end_time",
        "place",
        "agenda",
        "measure_id",
        "program_id",
        "measure__name",
        "measure__team_lead_id",
        "measure__team_lead__full_name",
        "measure__team_lead__email",
        "program__name",
        "program__coordinator_id",
        "program__coordinator__full_name",
        "program__coordinator__email",
    )

    def occurrences(
        self, organization: Organization, start: date, end: date, scope: Scope
    ) -> Iterable[Occurrence]:
        meetings = list(
            LearningMeeting.objects.active()
            .filter(organization=organization, date__gte=start, date__lte=end)
            .filter(subject_in_scope(organization, scope))
            .select_related("measure", "measure__team_lead", "program", "program__coordinator")
            .only(*self.FIELDS)
            .order_by("date", "start_time", "pk")
        )
        if not meetings:
            return
        # The second query, as a prefetch would make it, but without building a user for each
        # participant: only their ids are needed (the planner reminds them).
        participants: dict[int, list[int]] = defaultdict(list)
        links = LearningMeeting.participants.through.objects.filter(
            learningmeeting_id__in=[meeting.pk for meeting in meetings]
        ).order_by("user_id")
        for meeting_id, user_id in links.values_list("learningmeeting_id", "user_id"):
            participants[meeting_id].append(user_id)
        prefix = _meeting_url_prefix(organization)
        for meeting in meetings:
            measure, program = meeting.measure, meeting.program
            # The team lead answers for a measure's meetings; the coordinator for a
            # programme's (and for a measure without a team lead).
            responsible = measure.team_lead if measure and measure.team_lead_id else None
            if responsible is None and program is not None:
                responsible = program.coordinator
            yield Occurrence(
                key=f"meeting-{meeting.pk}",
                source=self.key,
                kind=Kind.MEETING,
                title=meeting.title,
                start=meeting.date,
                end=meeting.date,
                url=f"{prefix}{meeting.pk}/",
                start_time=meeting.start_time,
                end_time=meeting.end_time,
                place=meeting.place,
                description=meeting.agenda,
                responsible=str(responsible) if responsible else "",
                responsible_id=responsible.pk if responsible else None,
                measure_id=meeting.measure_id,
                measure_name=measure.name if measure else "",
                program_name=program.name if program else "",
                participant_ids=tuple(participants.get(meeting.pk, ())),
            )


class ActionItemSource:
    """Each open action item of an active meeting, on its due date. Done and dropped items
    are not shown: the wheel is about what is still to be done."""

    key = Ring.Source.ACTIONS
    FIELDS = (
        "text",
        "due_date",
        "meeting_id",
        "owner_id",
        "owner__full_name",
        "owner__email",
        "meeting__measure_id",
        "meeting__measure__name",
        "meeting__program__name",
    )

    def occurrences(
        self, organization: Organization, start: date, end: date, scope: Scope
    ) -> Iterable[Occurrence]:
        items = (
            ActionItem.objects.open()
            .filter(
                organization=organization,
                due_date__gte=start,
                due_date__lte=end,
                meeting__is_archived=False,
            )
            .filter(subject_in_scope(organization, scope, prefix="meeting__"))
            .select_related("owner", "meeting__measure", "meeting__program")
            .only(*self.FIELDS)
            .order_by("due_date", "pk")
        )
        prefix = _meeting_url_prefix(organization)
        for item in items:
            meeting = item.meeting
            measure, program = meeting.measure, meeting.program
            yield Occurrence(
                key=f"action-{item.pk}",
                source=self.key,
                kind=Kind.DEADLINE,
                title=item.text,
                start=item.due_date,
                end=item.due_date,
                url=f"{prefix}{meeting.pk}/#action-{item.pk}",
                responsible=str(item.owner),
                responsible_id=item.owner_id,
                measure_id=meeting.measure_id,
                measure_name=measure.name if measure else "",
                program_name=program.name if program else "",
            )


learning_meetings = LearningMeetingSource()
action_items = ActionItemSource()
