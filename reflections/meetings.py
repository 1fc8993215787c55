"""Queries about learning meetings that several pages share."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from reflections.models import ActionItem, LearningMeeting


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
