"""Finding lessons: the organisation's own search, and the lessons partners shared with it.

Both return querysets with everything a list shows loaded in a fixed number of queries (the
page, its tags, its shares), however many lessons and tags there are.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from measures.lookups import matching
from measures.models import Tag
from organizations.models import Organization, Partnership
from reflections.models import Lesson

# Words beyond this are ignored: a pasted paragraph should not become a hundred joins.
MAX_WORDS = 10


def with_details(queryset: QuerySet[Lesson], *, shares: bool = True) -> QuerySet[Lesson]:
    queryset = queryset.select_related(
        "organization",
        "program",
        "measure",
        "iteration",
        "evaluation",
        "meeting",
        "recorded_by",
    ).prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    if not shares:
        return queryset
    return queryset.prefetch_related(
        Prefetch(
            "shared_with",
            queryset=Partnership.objects.select_related("partner").order_by("partner__name"),
        )
    )


def search_words(text: str) -> list[str]:
    return text.split()[:MAX_WORDS]


def matching_words(queryset: QuerySet[Lesson], text: str) -> QuerySet[Lesson]:
    """Lessons in which every word appears somewhere: the title, the lesson, its context or
    a tag's name (ignoring case). Matches are looked up in a subquery, so no lesson is listed
    twice and the count stays right."""
    for word in search_words(text):
        # One list of ids per word, the texts' and the tags' matches together: PostgreSQL
        # finds the texts' through their trigram indexes (migration 0003), which an OR
        # with the tags' subquery beside them would keep it from using.
        # (Unordered: SQLite allows no ORDER BY inside a compound subquery.)
        in_text = (
            Lesson.objects.filter(
                Q(title__icontains=word) | Q(lesson__icontains=word) | Q(context__icontains=word)
            )
            .order_by()
            .values("pk")
        )
        in_tags = (
            Lesson.tags.through.objects.filter(tag__name__icontains=word)
            .order_by()
            .values("lesson_id")
        )
        queryset = queryset.filter(pk__in=in_text.union(in_tags, all=True))
    return queryset


def search_lessons(organization: Organization, data: dict[str, Any]) -> QuerySet[Lesson]:
    """The organisation's lessons matching the validated search (see LessonFilterForm):
    ``q``, ``phase``, ``tag``, ``program``, ``measure`` and ``archived`` (also archived ones),
    newest first."""
    queryset: QuerySet[Lesson] = Lesson.objects.filter(organization=organization)
    if not data.get("archived"):
        queryset = queryset.filter(is_archived=False)
    if data.get("q"):
        queryset = matching_words(queryset, data["q"])
    if data.get("phase") not in (None, ""):
        queryset = queryset.filter(phase=data["phase"])
    if data.get("tag") is not None:
        queryset = queryset.filter(
            Exists(
                Lesson.tags.through.objects.filter(lesson_id=OuterRef("pk"), tag_id=data["tag"].pk)
            )
        )
    for name in ("program", "measure"):
        if data.get(name) is not None:
            queryset = queryset.filter(**{name: data[name]})
    if data.get("measure_name"):
        queryset = matching(queryset, data["measure_name"], ("measure__name",))
    return with_details(queryset).order_by("-created_at", "-pk")


def grants_to(partner: Organization) -> QuerySet[Partnership]:
    """Active partnerships to ``partner`` from an active organisation, matched to a lesson in
    an outer query: the lesson's own organisation must be the one that granted them."""
    return Partnership.objects.filter(
        partner=partner,
        is_active=True,
        grantor=OuterRef("organization"),
        grantor__is_active=True,
        lessons=OuterRef("pk"),
    )


def lessons_shared_with(partner: Organization) -> QuerySet[Lesson]:
    """Lessons other organisations shared with ``partner`` and have not archived. Whom else
    a lesson is shared with is not loaded: that is the sharing organisation's business."""
    return with_details(
        Lesson.objects.filter(Exists(grants_to(partner)), is_archived=False), shares=False
    ).order_by("-created_at", "-pk")
