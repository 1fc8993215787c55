"""A learning meeting in Chromium: a team lead finds the meeting in the annual wheel's agenda,
chooses two of the questions suggested for the measure's phase, records an answer to each,
agrees on an action item (after first forgetting its owner), ticks off what the last meeting
left open and closes the meeting with the learning checklist; the new action item is then on
the wheel and in the agenda. A second test runs axe-core over the other reflection pages.

The wheel is the one of the planning year that contains today (nothing is frozen: the browser
and the live server keep the real clock). The people read the English screens (their own
choice), so the test does not depend on the bokmål catalogue; dates stay Norwegian.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from playwright.sync_api import expect

from measures.models import Phase
from reflections.models import ActionItem, Answer, LearningMeeting, MeetingQuestion, Question
from reflections.questions import ensure_default_questions
from tests.browser.conftest import describe_violations
from tests.factories import (
    ActionItemFactory,
    AnswerFactory,
    LearningMeetingFactory,
    LessonFactory,
    MeasureFactory,
    MeetingDecisionFactory,
    MeetingQuestionFactory,
    ProgramFactory,
    QuestionFactory,
    TagFactory,
    WheelFactory,
)
from yearwheel.forms import planning_year_of
from yearwheel.models import Kind, Ring

pytestmark = pytest.mark.browser

ACTION = "Lage en plan for voksne ute i friminuttene"
EARLIER_ITEM = "Kartlegge hvor elevene er alene i friminuttene"
ANSWERS = [
    "Vi har prøvd ut faste lekeverter i to uker.",
    "Elevene sier at det er lettere å bli med i leken.",
]


def _assert_accessible(axe_violations, where: str) -> None:
    violations = axe_violations()
    assert not violations, f"axe found problems on {where}:\n" + describe_violations(violations)


def _norwegian(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _agenda_month(page, day: date) -> None:
    """Opens the agenda's page of ``day``'s month from its list of months (in English)."""
    with translation.override("en"):
        name = date_format(day, "YEAR_MONTH_FORMAT")
    months = page.get_by_role("navigation", name="Months of the agenda")
    months.get_by_role("link", name=name, exact=True).click()


def _english(text) -> str:
    with translation.override("en"):
        return str(text)


def _speaks_english(*people) -> None:
    for person, name in people:
        person.full_name = name
        person.language = "en"
        person.save(update_fields=["full_name", "language"])


def _current_wheel(organization):
    """The organisation's wheel of the planning year that contains today."""
    return WheelFactory(
        organization=organization,
        year=planning_year_of(organization, timezone.localdate()),
        start_month=organization.planning_year_start_month,
    )


def _phase_three_questions(organization) -> list[Question]:
    """The first two shipped questions tagged with phase III, as the meeting page offers them."""
    ensure_default_questions(organization)
    questions = list(
        Question.objects.filter(organization=organization, phase=Phase.IMPLEMENT)
        .select_related("current_version")
        .order_by("position", "pk")[:2]
    )
    assert len(questions) == 2, "the shipped question bank has fewer than two phase III questions"
    return questions


def test_a_team_lead_runs_a_learning_meeting_from_the_agenda_and_its_action_item_reaches_the_wheel(
    page, log_in, axe_violations, base_url, organization, team_lead, member, password
):
    _speaks_english((team_lead, "Tone Teamleder"), (member, "Mats Medlem"))
    measure = MeasureFactory(
        program=ProgramFactory(organization=organization),
        name="Trygge friminutt",
        team_lead=team_lead,
        phase=Phase.IMPLEMENT,
    )
    wheel = _current_wheel(organization)
    today = timezone.localdate()
    # A few days ahead, and the action item two weeks after; both kept inside the planning
    # year so they show on this year's wheel even in its last days.
    meeting_day = min(today + timedelta(days=3), wheel.end)
    due = min(meeting_day + timedelta(days=14), wheel.end)
    earlier = LearningMeetingFactory(
        measure=measure,
        title="Lærende møte: oppstart",
        date=today - timedelta(days=28),
        participants=[team_lead, member],
        state=LearningMeeting.State.CLOSED,
    )
    left_open = ActionItemFactory(meeting=earlier, text=EARLIER_ITEM, owner=member)
    meeting = LearningMeetingFactory(
        measure=measure,
        title="Lærende møte: første runde",
        date=meeting_day,
        participants=[team_lead, member],
    )
    questions = _phase_three_questions(organization)
    wordings = [_english(question.current_version) for question in questions]
    slug = organization.slug
    meeting_url = f"{base_url}{meeting.get_absolute_url()}"

    # The team lead finds the meeting in the agenda of the annual wheel.
    log_in(team_lead, password)
    expect(page).to_have_url(f"{base_url}/o/{slug}/")
    page.goto(reverse("wheel_agenda", args=[slug, wheel.year]))
    _agenda_month(page, meeting_day)
    row = page.locator("main table tbody tr").filter(has_text=meeting.title)
    expect(row).to_have_count(1)
    expect(row.locator("td").first).to_have_text(_norwegian(meeting_day))
    row.get_by_role("link", name=meeting.title, exact=True).click()
    expect(page).to_have_url(meeting_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(meeting.title)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Two of the questions suggested for phase III.
    suggestions = page.locator("form[aria-labelledby='suggestions-heading']")
    for question, wording in zip(questions, wordings, strict=True):
        box = suggestions.locator(f"#choose-{question.pk}")
        expect(suggestions.locator(f"label[for='choose-{question.pk}']")).to_contain_text(wording)
        box.check()
    suggestions.get_by_role("button", name="Add the questions ticked").click()
    expect(page.locator("main .messages")).to_contain_text("2 questions are added.")
    chosen = list(MeetingQuestion.objects.filter(meeting=meeting).order_by("position", "pk"))
    assert [asked.question_id for asked in chosen] == [question.pk for question in questions]

    # An answer to each.
    for asked, wording, text in zip(chosen, wordings, ANSWERS, strict=True):
        article = page.locator(f"#question-{asked.pk}")
        expect(article.get_by_role("heading", level=3)).to_have_text(wording)
        article.get_by_role("textbox", name="Your answer").fill(text)
        article.get_by_role("button", name="Add answer").click()
        expect(page.locator("main .messages")).to_contain_text("Your answer is saved.")
        expect(page.locator(f"#question-{asked.pk}")).to_contain_text(text)

    # An action item without an owner is refused at the field, and nothing is saved.
    action_form = page.locator("form[aria-labelledby='add-action']")
    what = action_form.get_by_role("textbox", name="What is to be done")
    due_field = action_form.get_by_role("textbox", name="Due date")
    what.fill(ACTION)
    due_field.fill(_norwegian(due))
    action_form.get_by_role("button", name="Add the action item").click()
    owner = action_form.get_by_role("combobox", name="Owner")
    expect(owner).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(owner).to_have_attribute("aria-invalid", "true")
    expect(owner).to_have_accessible_description("Choose who owns the action item.")
    expect(page.locator("main .messages")).to_contain_text("Choose who owns the action item.")
    expect(what).to_have_value(ACTION)
    expect(due_field).to_have_value(_norwegian(due))
    assert not ActionItem.objects.filter(meeting=meeting).exists()

    # With the member as owner it is added.
    owner.select_option(str(member.pk))
    action_form.get_by_role("button", name="Add the action item").click()
    expect(page.locator("main .messages")).to_contain_text(
        "The action item is added for Mats Medlem."
    )
    item = ActionItem.objects.get(meeting=meeting)
    row = page.locator(f"#action-{item.pk}")
    expect(row).to_contain_text(ACTION)
    expect(row).to_contain_text("Mats Medlem")
    expect(row).to_contain_text(_norwegian(due))

    # What the earlier meeting left open is done.
    follow_up = page.locator(f"#follow-up-{left_open.pk}")
    expect(follow_up).to_contain_text(EARLIER_ITEM)
    # The button's name goes on with the item's text (hidden on screen): "Mark done: …".
    follow_up.get_by_role("button", name="Mark done").click()
    expect(page.locator("main .messages")).to_contain_text(f"“{EARLIER_ITEM}” is done.")
    expect(page.locator("#follow-up")).to_contain_text("Earlier meetings left no open action")
    _assert_accessible(axe_violations, "the open meeting")

    # The meeting is closed with the learning checklist.
    page.locator("main").get_by_role("link", name="Close the meeting").click()
    expect(page).to_have_url(f"{meeting_url}close/")
    _assert_accessible(axe_violations, "the close page")
    checklist = page.locator("main form fieldset")
    for label in (
        "Questions were prepared",
        "The last meeting's action items were followed up",
        "Decisions were recorded",
        "Everyone was heard",
    ):
        checklist.get_by_role("checkbox", name=label).check()
    page.get_by_role("textbox", name="Notes").fill("Alle fikk si sitt.")
    page.locator("main form").get_by_role("button", name="Close the meeting").click()
    expect(page).to_have_url(meeting_url)
    expect(page.locator("main .messages")).to_contain_text("The meeting is closed.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
    lines = page.locator("#checklist li")
    expect(lines).to_have_count(4)
    for line in lines.all():
        expect(line).to_contain_text("Yes")
    expect(page.locator("#checklist")).to_contain_text("Closed by Tone Teamleder")
    # Nothing more can be added to a closed meeting.
    expect(page.locator("form[aria-labelledby='add-action']")).to_have_count(0)
    _assert_accessible(axe_violations, "the closed meeting")

    meeting.refresh_from_db()
    assert meeting.state == LearningMeeting.State.CLOSED
    assert [ticked for _name, _label, ticked in meeting.checklist()] == [True] * 4
    assert meeting.closed_by == team_lead
    answers = Answer.objects.filter(meeting_question__meeting=meeting).order_by("pk")
    assert [(a.meeting_question_id, a.text, a.author) for a in answers] == [
        (chosen[0].pk, ANSWERS[0], team_lead),
        (chosen[1].pk, ANSWERS[1], team_lead),
    ]
    item.refresh_from_db()
    assert (item.text, item.owner, item.due_date, item.status) == (
        ACTION,
        member,
        due,
        ActionItem.Status.OPEN,
    )
    left_open.refresh_from_db()
    assert left_open.status == ActionItem.Status.DONE

    # The action item is on the wheel, in the ring of action items, on its due date ...
    wheel_path = reverse("wheel_detail", args=[slug, wheel.year])
    page.goto(wheel_path)
    svg = page.locator("svg.wheel-svg")
    mark = svg.get_by_role("link", name=re.compile(re.escape(ACTION)))
    expect(mark).to_have_count(1)
    ring = Ring.objects.get(organization=organization, source=Ring.Source.ACTIONS)
    with translation.override("en"):
        deadline = str(Kind.DEADLINE.label)
        long_due = f"{due.day} {MONTHS[due.month]} {due.year}"
    expect(mark).to_have_attribute(
        "aria-label", f"{deadline}: {ACTION}, {long_due}, ring {ring.name}"
    )
    expect(mark).to_have_attribute("href", f"{meeting.get_absolute_url()}#action-{item.pk}")
    # ... while the item ticked off has left it.
    expect(svg.get_by_role("link", name=re.compile(re.escape(EARLIER_ITEM)))).to_have_count(0)

    # ... and in the agenda.
    page.locator("nav.wheel-toolbar").get_by_role("link", name="Agenda", exact=True).click()
    expect(page).to_have_url(f"{base_url}{reverse('wheel_agenda', args=[slug, wheel.year])}")
    _agenda_month(page, due)
    row = page.locator("main table tbody tr").filter(has_text=ACTION)
    expect(row).to_have_count(1)
    expect(row.locator("td").first).to_have_text(_norwegian(due))
    expect(row).to_contain_text("Mats Medlem")
    expect(row.get_by_role("link", name=ACTION, exact=True)).to_have_attribute(
        "href", f"{meeting.get_absolute_url()}#action-{item.pk}"
    )


def test_the_reflection_pages_have_no_serious_accessibility_problems(
    page, log_in, axe_violations, organization, coordinator, team_lead, member, password
):
    """The pages the journey does not pass through, each with something on it: a coordinator
    sees every button (the question bank's, the lessons'), which axe judges too."""
    _speaks_english(
        (coordinator, "Kari Koordinator"), (team_lead, "Tone Teamleder"), (member, "Mats Medlem")
    )
    measure = MeasureFactory(
        program=ProgramFactory(organization=organization),
        name="Trygge friminutt",
        team_lead=team_lead,
        phase=Phase.IMPLEMENT,
    )
    question = QuestionFactory(organization=organization, text="Hva har vi lært siden sist?")
    today = timezone.localdate()
    meetings = []
    for weeks_ago, answer in ((8, "Lite, vi var i gang."), (4, "At faste roller hjelper.")):
        meeting = LearningMeetingFactory(
            measure=measure,
            date=today - timedelta(weeks=weeks_ago),
            participants=[team_lead, member],
            state=LearningMeeting.State.CLOSED,
            questions_prepared=True,
            everyone_heard=True,
            notes="Godt oppmøte.",
        )
        asked = MeetingQuestionFactory(meeting=meeting, question=question)
        AnswerFactory(meeting_question=asked, text=answer, author=member)
        MeetingDecisionFactory(meeting=meeting, text="Vi fortsetter.", recorded_by=team_lead)
        meetings.append(meeting)
    overdue = ActionItemFactory(meeting=meetings[0], owner=member, due_date=today - timedelta(3))
    ActionItemFactory(meeting=meetings[1], owner=team_lead, status=ActionItem.Status.DONE)
    LearningMeetingFactory(measure=measure, date=today + timedelta(days=7), participants=[member])
    lesson = LessonFactory(
        organization=organization,
        title="Faste lekeverter virker",
        program=measure.program,
        measure=measure,
        meeting=meetings[1],
        recorded_by=team_lead,
    )
    lesson.tags.set([TagFactory(organization=organization, name="friminutt")])
    slug = organization.slug

    log_in(coordinator, password)
    expect(page).to_have_url(re.compile(rf"/o/{slug}/$"))
    # Each page with a text it must show, so axe judges the page with its content.
    pages = [
        ("the meetings list", reverse("meeting_list", args=[slug]), "Trygge friminutt"),
        ("the action item list", reverse("action_item_list", args=[slug]), overdue.text),
        ("the question bank", reverse("question_list", args=[slug]), "Hva har vi lært siden sist?"),
        ("the lessons log", reverse("lesson_list", args=[slug]), lesson.title),
        ("a lesson", reverse("lesson_detail", args=[slug, lesson.pk]), lesson.title),
        (
            "reflection over time",
            reverse("measure_reflection", args=[slug, measure.pk]),
            "At faste roller hjelper.",
        ),
        ("the minutes", reverse("meeting_minutes", args=[slug, meetings[1].pk]), "Vi fortsetter."),
    ]
    for where, path, text in pages:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{where}: {response}"
        expect(page.locator("main")).to_contain_text(text)
        _assert_accessible(axe_violations, where)
