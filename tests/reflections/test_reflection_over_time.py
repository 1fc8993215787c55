"""Reflection over time: one measure's answers to the same questions side by side across its
meetings, with wording changes shown, filtered by theme and by the last N meetings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reflections.models import QuestionVersion
from tests.factories import (
    AnswerFactory,
    LearningMeetingFactory,
    MeasureFactory,
    MeetingQuestionFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def reflection_url(measure, **query):
    url = reverse(
        "measure_reflection",
        kwargs={"org_slug": measure.organization.slug, "measure_pk": measure.pk},
    )
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


@pytest.fixture
def measure(organization):
    return MeasureFactory(program__organization=organization, name="Trygge friminutt")


def meeting_on(measure, day, **fields):
    return LearningMeetingFactory(measure=measure, date=day, **fields)


def reword(question, text):
    number = question.versions.count() + 1
    version = QuestionVersion.objects.create(
        question=question, number=number, text_nb=text, text_nn=text, text_en=text
    )
    question.current_version = version
    question.save(update_fields=["current_version"])
    return version


def ask(meeting, question, *answers, author=None):
    asked = MeetingQuestionFactory(
        meeting=meeting, question=question, version=question.current_version
    )
    for text in answers:
        AnswerFactory(meeting_question=asked, text=text, **({"author": author} if author else {}))
    return asked


def table(response):
    """{question text: [cell summary per meeting]} from the context, and the meeting pks."""
    rows = {}
    for group in response.context["groups"]:
        for row in group.rows:
            rows[row.wording.text()] = [
                [a.text for a in cell.answers] if cell.asked else None for cell in row.cells
            ]
    return rows, [meeting.pk for meeting in response.context["meetings"]]


def test_answers_stand_side_by_side_in_date_order(login, viewer, measure, organization):
    learn = QuestionFactory(organization=organization, theme="learning", text="Hva lærte vi?")
    goals = QuestionFactory(organization=organization, theme="goals", text="Når vi målet?")
    later = meeting_on(measure, date(2026, 11, 5))
    first = meeting_on(measure, date(2026, 9, 3))
    middle = meeting_on(measure, date(2026, 10, 1))
    meeting_on(MeasureFactory(program=measure.program), date(2026, 10, 2))  # another measure
    ask(first, learn, "Lite ennå.")
    ask(middle, learn, "At vaktene må være synlige.", "At elevene vil være med.")
    ask(later, learn)  # asked, not answered
    ask(middle, goals, "Ja, delvis.")

    response = login(viewer).get(reflection_url(measure))
    assert response.status_code == 200
    rows, meetings = table(response)
    assert meetings == [first.pk, middle.pk, later.pk]
    assert rows == {
        "Hva lærte vi?": [
            ["Lite ennå."],
            ["At vaktene må være synlige.", "At elevene vil være med."],
            [],
        ],
        "Når vi målet?": [None, ["Ja, delvis."], None],
    }
    # Grouped by theme, in the order of the themes: goals before learning.
    assert [group.theme for group in response.context["groups"]] == ["goals", "learning"]
    html = response.content.decode()
    assert "<caption" in html
    assert html.count('<th scope="col"') == 4
    assert html.count('<th scope="row"') == 2
    assert html.count('<th scope="rowgroup"') == 2
    assert 'class="table-responsive reflection-scroll" tabindex="0" role="region"' in html
    assert "03.09.2026" in html and later.get_absolute_url() in html


def test_a_reworded_question_stays_one_row_and_shows_its_wordings(
    login, member, measure, organization
):
    question = QuestionFactory(organization=organization, text="Hva har vi prøvd?")
    first = meeting_on(measure, date(2026, 9, 3))
    second = meeting_on(measure, date(2026, 10, 1))
    third = meeting_on(measure, date(2026, 11, 5))
    ask(first, question, "Faste vakter.")
    reword(question, "Hva har vi prøvd ut, og hvordan gikk det?")
    ask(second, question, "Vaktene virket.")
    ask(third, question, "Vi fortsetter.")

    response = login(member).get(reflection_url(measure))
    (group,) = response.context["groups"]
    (row,) = group.rows
    assert row.versions == [1, 2]
    assert row.wording.text() == "Hva har vi prøvd ut, og hvordan gikk det?"
    assert [cell.version.number for cell in row.cells] == [1, 2, 2]
    # Only the meeting where the words changed is marked as such.
    assert [cell.reworded for cell in row.cells] == [False, True, False]
    html = response.content.decode()
    assert html.count('class="badge text-bg-warning"') == 1


def test_the_theme_filter_and_the_last_meetings(login, member, measure, organization):
    learn = QuestionFactory(organization=organization, theme="learning", text="Hva lærte vi?")
    goals = QuestionFactory(organization=organization, theme="goals", text="Når vi målet?")
    meetings = [meeting_on(measure, date(2026, 1, 5) + timedelta(weeks=n)) for n in range(8)]
    for meeting in meetings:
        ask(meeting, learn, f"Svar {meeting.pk}")
    ask(meetings[0], goals, "Tidlig")
    client = login(member)

    rows, shown = table(client.get(reflection_url(measure, theme="goals")))
    assert list(rows) == ["Når vi målet?"]
    assert shown == [meeting.pk for meeting in meetings]

    response = client.get(reflection_url(measure, last=6))
    rows, shown = table(response)
    assert shown == [meeting.pk for meeting in meetings[-6:]]
    assert list(rows) == ["Hva lærte vi?"]  # the goals question was asked before these
    assert response.context["total_meetings"] == 8

    # With a theme nobody asked about in the last meetings, the page says so.
    response = client.get(reflection_url(measure, theme="goals", last=3))
    assert response.context["groups"] == []
    assert response.context["meetings"]

    # Values that are not choices are ignored, never an error.
    rows, shown = table(client.get(reflection_url(measure, theme="nonsense", last=7)))
    assert len(shown) == 8 and len(rows) == 2


def test_archived_meetings_and_an_empty_measure(login, member, measure):
    meeting_on(measure, date(2026, 9, 3), is_archived=True)
    response = login(member).get(reflection_url(measure))
    assert response.context["meetings"] == []
    assert response.context["groups"] == []


def test_another_organisations_measure_is_not_found(login, member, other_organization):
    elsewhere = MeasureFactory(program__organization=other_organization)
    url = reverse("measure_reflection", kwargs={"org_slug": "testvik", "measure_pk": elsewhere.pk})
    assert login(member).get(url).status_code == 404


def test_the_page_costs_the_same_queries_for_5_and_50_meetings(
    login, member, measure, organization
):
    questions = [
        QuestionFactory(organization=organization, theme=theme)
        for theme in (
            "learning",
            "goals",
            "tools",
        )
    ]
    people = [UserFactory() for _ in range(3)]
    client = login(member)
    added = 0

    def add(count):
        nonlocal added
        for n in range(added, added + count):
            meeting = meeting_on(measure, date(2026, 1, 1) + timedelta(days=n))
            for index, question in enumerate(questions):
                if (n + index) % 4:  # some questions not asked in some meetings
                    ask(meeting, question, f"Svar {n}", author=people[n % 3])
            if n == 20:
                reword(questions[0], "Nye ord")
        added += count

    add(5)
    client.get(reflection_url(measure))  # warms the session
    with CaptureQueriesContext(connection) as few:
        client.get(reflection_url(measure))
    add(45)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reflection_url(measure))
    assert len(response.context["meetings"]) == 50
    assert len(many) == len(few)
