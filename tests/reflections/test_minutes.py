"""A learning meeting's minutes: the printable page and the PDF, in the organisation's written
standard, at a fixed number of queries."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from reflections.models import ActionItem, LearningMeeting, QuestionVersion
from reflections.views.minutes import pdf_filename
from tests.factories import (
    ActionItemFactory,
    AnswerFactory,
    LearningMeetingFactory,
    MeasureFactory,
    MeetingDecisionFactory,
    MeetingQuestionFactory,
    QuestionFactory,
    UserFactory,
)
from yearwheel import pdf

pytestmark = pytest.mark.django_db


def minutes_url(meeting, name="meeting_minutes"):
    return reverse(name, kwargs={"org_slug": meeting.organization.slug, "pk": meeting.pk})


@pytest.fixture
def measure(organization, team_lead):
    team_lead.full_name = "Tora Teamleder"
    team_lead.save()
    return MeasureFactory(
        program__organization=organization, name="Trygge friminutt", team_lead=team_lead
    )


@pytest.fixture
def meeting(measure, team_lead, member):
    member.full_name = "Mona Medlem"
    member.save()
    meeting = LearningMeetingFactory(
        measure=measure,
        title="Lærende møte om friminuttene",
        date=date(2026, 10, 15),
        place="Møterom 2",
        agenda="1. Oppfølging\n2. Refleksjon",
        notes="Godt oppmøte.",
        participants=[team_lead, member],
    )
    question = QuestionFactory(organization=measure.organization)
    QuestionVersion.objects.filter(pk=question.current_version_id).update(
        text_nb="Hva lærte vi i høst?",
        text_nn="Kva lærte vi i haust?",
        text_en="What did we learn?",
    )
    asked = MeetingQuestionFactory(meeting=meeting, question=question)
    AnswerFactory(meeting_question=asked, text="At korte møter virker.", author=member)
    MeetingQuestionFactory(meeting=meeting)  # asked, not answered
    MeetingDecisionFactory(meeting=meeting, text="Vi fortsetter med faste vakter.")
    ActionItemFactory(
        meeting=meeting, text="Lage ny vaktplan", owner=member, due_date=date(2026, 11, 1)
    )
    ActionItemFactory(
        meeting=meeting,
        text="Informere foreldrene",
        owner=team_lead,
        due_date=date(2026, 10, 20),
        status=ActionItem.Status.DONE,
        completed_at=datetime(2026, 10, 19, 10, tzinfo=UTC),
    )
    LearningMeeting.objects.filter(pk=meeting.pk).update(
        state=LearningMeeting.State.CLOSED,
        closed_at=datetime(2026, 10, 15, 10, 30, tzinfo=UTC),
        closed_by=team_lead,
        questions_prepared=True,
        decisions_recorded=True,
    )
    meeting.refresh_from_db()
    return meeting


def test_the_minutes_hold_the_whole_meeting(login, viewer, meeting):
    response = login(viewer).get(minutes_url(meeting))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Lærende møte om friminuttene",
        "Trygge friminutt",
        "Tora Teamleder",
        "Møterom 2",
        "15.10.2026",
        "09:00–11:00",
        "Mona Medlem",
        "1. Oppfølging\n2. Refleksjon",
        "Hva lærte vi i høst?",
        "At korte møter virker.",
        "Vi fortsetter med faste vakter.",
        "Lage ny vaktplan",
        "01.11.2026",
        "Informere foreldrene",
        "Godt oppmøte.",
    ):
        assert text in html, text
    # The open item and the done one, each with its status; the checklist, ticked or not,
    # says so in words, not only by a mark.
    with translation.override("nb"):
        assert str(ActionItem.Status.DONE.label) in html
        assert str(ActionItem.Status.OPEN.label) in html
        for _name, label, _ticked in meeting.checklist():
            assert escape(label[0].upper() + label[1:]) in html
    assert html.count("✓") == 2 and html.count("✗") == 2
    # Who closed it and when (Oslo time).
    assert "Tora Teamleder, 15.10.2026 12:30" in html
    # A page for printing: no site navigation, its own print rules.
    assert '<link rel="stylesheet" href="/static/css/minutes.css">' in html
    assert "navbar" not in html
    assert minutes_url(meeting, "meeting_minutes_pdf") in html


def test_a_meeting_not_yet_closed_has_no_checklist_yet(login, member, measure):
    meeting = LearningMeetingFactory(measure=measure, agenda="", participants=[member])
    html = login(member).get(minutes_url(meeting)).content.decode()
    assert "Lærende møte" in html
    # Nothing recorded yet: no answers, no table of items, no ticks; each part says so in a
    # sentence of its own rather than staying blank.
    for absent in ("✓", "✗", "<table", 'class="answer"', "<ol"):
        assert absent not in html
    assert html.count("<h2") == 7


@pytest.mark.parametrize(
    ("standard", "words", "not_words", "wording"),
    [
        ("nb", ["Deltakere", "Eier", "Sted", "Skrevet ut"], ["Deltakarar"], "Hva lærte vi i høst?"),
        ("nn", ["Deltakarar", "Eigar", "Stad", "Utskrift"], ["Deltakere"], "Kva lærte vi i haust?"),
    ],
)
def test_the_minutes_are_in_the_organisations_written_standard(
    login, member, meeting, organization, standard, words, not_words, wording
):
    organization.written_standard = standard
    organization.save()
    member.language = "en"  # the reader's own choice does not change the document
    member.save()
    html = login(member).get(minutes_url(meeting)).content.decode()
    assert f'<html lang="{standard}">' in html
    for word in words:
        assert word in html, word
    for word in not_words:
        assert word not in html, word
    assert wording in html
    assert "What did we learn?" not in html
    # The bar above the document, which is not printed, is in the reader's language.
    assert '<p class="no-print" lang="en">' in html
    with translation.override("en"):
        assert translation.gettext("Back to the meeting") in html


def test_the_pdf_is_an_a4_download_in_the_written_standard(login, member, meeting, organization):
    organization.written_standard = "nn"
    organization.save()
    response = login(member).get(minutes_url(meeting, "meeting_minutes_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="laerende-mote-om-friminuttene-2026-10-15.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    assert b"/Lang (nn)" in pdf_objects(response.content)


def pdf_objects(body: bytes) -> bytes:
    """The PDF with its compressed streams inflated, where the catalog (/Lang) is kept."""
    parts = [body]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", body, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(parts)


def test_the_pdf_file_name_is_plain_ascii():
    meeting = LearningMeeting(title="Årsmøte: «Øvelse» & Æ/Ø/Å!", date=date(2027, 2, 3))
    assert pdf_filename(meeting) == "arsmote-ovelse-aeoa-2027-02-03.pdf"
    assert pdf_filename(LearningMeeting(title="???", date=date(2027, 2, 3))) == (
        "referat-2027-02-03.pdf"
    )


def test_without_weasyprint_the_pdf_is_a_clear_503(login, member, meeting, monkeypatch):
    def unavailable():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_weasyprint", unavailable)
    response = login(member).get(minutes_url(meeting, "meeting_minutes_pdf"))
    assert response.status_code == 503
    html = response.content.decode()
    assert minutes_url(meeting) in html
    assert meeting.get_absolute_url() in html
    assert "libpango" not in html


def test_another_organisations_meeting_is_not_found(login, member, other_organization):
    elsewhere = LearningMeetingFactory(
        measure=MeasureFactory(program__organization=other_organization)
    )
    url = reverse("meeting_minutes", kwargs={"org_slug": "testvik", "pk": elsewhere.pk})
    assert login(member).get(url).status_code == 404


def test_the_minutes_cost_the_same_queries_for_5_and_50_rows(login, member, measure):
    meeting = LearningMeetingFactory(measure=measure)
    client = login(member)

    def add(count):
        people = [UserFactory() for _ in range(3)]
        meeting.participants.add(*people)
        for n in range(count):
            asked = MeetingQuestionFactory(meeting=meeting)
            AnswerFactory(meeting_question=asked, author=people[n % 3])
            AnswerFactory(meeting_question=asked, author=people[(n + 1) % 3])
            MeetingDecisionFactory(meeting=meeting, recorded_by=people[n % 3])
            ActionItemFactory(meeting=meeting, owner=people[n % 3])

    add(5)
    client.get(minutes_url(meeting))  # warms the session
    with CaptureQueriesContext(connection) as few:
        client.get(minutes_url(meeting))
    add(45)
    with CaptureQueriesContext(connection) as many:
        response = client.get(minutes_url(meeting))
    assert response.content.decode().count('class="answer"') == 100
    assert len(many) == len(few)
