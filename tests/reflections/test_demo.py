"""The demo's learning meetings and lessons: enough to show every reflection page."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from measures.models import Measure
from reflections.models import ActionItem, Answer, LearningMeeting, Lesson


def _counts():
    return (
        LearningMeeting.objects.count(),
        Answer.objects.count(),
        ActionItem.objects.count(),
        Lesson.objects.count(),
    )


@pytest.mark.django_db
def test_every_demo_measure_has_meetings_answers_action_items_and_lessons():
    call_command("seed_demo", password="demo-passord-1")
    first = _counts()
    call_command("seed_demo", password="demo-passord-1")
    assert _counts() == first, "seeding twice adds nothing"

    for measure in Measure.objects.filter(organization__slug__in=["demo-kommune", "demo-herad"]):
        meetings = list(measure.learning_meetings.order_by("date"))
        assert len(meetings) == 3, measure
        held, planned = meetings[:2], meetings[2]
        assert all(meeting.is_closed and meeting.decisions.exists() for meeting in held)
        assert not planned.is_closed and planned.questions.exists()
        answers = Answer.objects.filter(meeting_question__meeting__measure=measure)
        assert answers.count() >= 2
        # The same question asked in both held meetings: reflection over time has a row.
        asked = [set(m.questions.values_list("question_id", flat=True)) for m in held]
        assert asked[0] & asked[1]
        items = ActionItem.objects.filter(meeting__measure=measure)
        assert items.open().exists() and items.filter(status=ActionItem.Status.DONE).exists()
        assert measure.lessons.filter(meeting__isnull=False).exists()


@pytest.mark.django_db
def test_demo_lessons_are_in_the_written_standard_and_shared_with_the_neighbour():
    call_command("seed_demo", password="demo-passord-1")
    from demo.reflections import TEXT

    nynorsk = {words[0] for words in TEXT["nn"]["meeting_lessons"] + TEXT["nn"]["lap_lessons"]}
    herad = Lesson.objects.filter(organization__slug="demo-herad")
    assert herad.exists() and set(herad.values_list("title", flat=True)) <= nynorsk
    kommune = Lesson.objects.filter(organization__slug="demo-kommune")
    assert kommune.values("title").distinct().count() >= 4, "the lessons differ"
    shared = Lesson.objects.filter(
        organization__slug="demo-kommune", shared_with__partner__slug="demo-herad"
    )
    assert shared.count() == 2
    assert all(lesson.iteration_id for lesson in shared)
