"""The "Learning meetings" section of the measure page: the next meeting, the last few, how
many action items are still open, and the ways on (three queries)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from measures.models import Measure
from measures.rules import may_work_on_measure
from measures.sections import Section
from reflections.meetings import with_open_item_counts
from reflections.models import ActionItem, LearningMeeting, Lesson

RECENT_COUNT = 3


def measure_section(request: HttpRequest, measure: Measure) -> Section | None:
    slug = measure.organization.slug
    today = timezone.localdate()
    meetings = with_open_item_counts(LearningMeeting.objects.active().filter(measure=measure))
    next_meeting = meetings.filter(date__gte=today).order_by("date", "start_time", "pk").first()
    recent = list(
        meetings.filter(date__lt=today).order_by("-date", "-start_time", "-pk")[:RECENT_COUNT]
    )
    open_items = (
        ActionItem.objects.open()
        .filter(meeting__measure=measure, meeting__is_archived=False)
        .count()
    )
    user = request.user
    # Team leads may add meetings, but only on the measures they lead.
    can_add = user.has_perm("reflections.add_meeting", measure) and bool(
        may_work_on_measure.test(user, measure)
    )
    by_measure = urlencode({"measure": measure.pk})
    return Section(
        template="reflections/sections/measure_section.html",
        context={
            "measure": measure,
            "next_meeting": next_meeting,
            "recent": recent,
            "open_items": open_items,
            "add_url": f"{reverse('meeting_create', args=[slug])}?{by_measure}" if can_add else "",
            "reflection_url": reverse(
                "measure_reflection", kwargs={"org_slug": slug, "measure_pk": measure.pk}
            ),
            "list_url": f"{reverse('meeting_list', args=[slug])}?{by_measure}",
            "items_url": f"{reverse('action_item_list', args=[slug])}?{by_measure}",
        },
    )


def shared_section(measure: Measure, owner: Any) -> Section | None:
    """Learning meetings and lessons as a partner sees them (measures/sections.py): the
    meetings held and planned, and the lessons learned, with no links (two queries)."""
    meetings = list(
        LearningMeeting.objects.active()
        .filter(measure=measure)
        .order_by("-date", "-start_time", "-pk")
    )
    lessons = list(Lesson.objects.active().filter(measure=measure).order_by("-created_at", "-pk"))
    return Section(
        template="reflections/sections/shared_section.html",
        context={"owner": owner, "meetings": meetings, "lessons": lessons},
    )
