"""A lesson is recorded from where it was learned: the meeting, the pilot lap or the
evaluation pages link to a lesson form filled in from them, for everyone who may record one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import (
    EvaluationFactory,
    LearningMeetingFactory,
    MeasureFactory,
    PilotIterationFactory,
    ProgramFactory,
)


@pytest.fixture
def measure(organization, team_lead):
    program = ProgramFactory(organization=organization)
    return MeasureFactory(program=program, phase=3, team_lead=team_lead)


def _pages(organization, measure):
    slug = organization.slug
    meeting = LearningMeetingFactory(measure=measure)
    lap = PilotIterationFactory(measure=measure)
    evaluation = EvaluationFactory(measure=measure)
    return [
        (reverse("meeting_detail", args=[slug, meeting.pk]), f"?meeting={meeting.pk}"),
        (reverse("iteration_detail", args=[slug, measure.pk, lap.pk]), f"?iteration={lap.pk}"),
        (
            reverse("evaluation_detail", args=[slug, measure.pk, evaluation.pk]),
            f"?evaluation={evaluation.pk}",
        ),
    ]


def test_members_find_a_record_a_lesson_link_filled_in_from_the_page(
    organization, measure, member, login
):
    client = login(member)
    create = reverse("lesson_create", args=[organization.slug])
    for page, query in _pages(organization, measure):
        response = client.get(page)
        assert response.status_code == 200
        assert f'href="{create}{query}"' in response.content.decode(), page
        # The link opens a form that knows where the lesson came from.
        assert client.get(create + query).status_code == 200


def test_viewers_get_no_link(organization, measure, viewer, login):
    client = login(viewer)
    create = reverse("lesson_create", args=[organization.slug])
    for page, _query in _pages(organization, measure):
        response = client.get(page)
        assert response.status_code == 200
        assert create not in response.content.decode(), page
