"""Running a learning meeting from its page: choosing suggested questions, answering, deciding,
agreeing on action items, closing and reopening; who may do what; bad input saves nothing;
the page's queries stay fixed."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from organizations.models import Role
from reflections.models import (
    ActionItem,
    Answer,
    LearningMeeting,
    MeetingDecision,
    MeetingDecisionCorrection,
    MeetingQuestion,
)
from reflections.questions import question_reword
from tests.factories import (
    ActionItemFactory,
    AnswerFactory,
    LearningMeetingFactory,
    MeasureFactory,
    MeetingDecisionFactory,
    MeetingQuestionFactory,
    MembershipFactory,
    ProgramFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db

MEETING_DAY = date(2026, 10, 15)


@pytest.fixture
def login(login):
    """Logs in with English as the person's language, so the messages checked are English."""

    def _login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        return login(user)

    return _login


def url(name, meeting, **kwargs):
    return reverse(name, kwargs={"org_slug": meeting.organization.slug, "pk": meeting.pk, **kwargs})


def en(text):
    with translation.override("en"):
        return str(text)


def shown(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def measure(organization, team_lead):
    program = ProgramFactory(organization=organization)
    return MeasureFactory(program=program, team_lead=team_lead, phase=2)


@pytest.fixture
def meeting(measure, team_lead, member):
    return LearningMeetingFactory(
        measure=measure, participants=[team_lead, member], date=MEETING_DAY
    )


@pytest.fixture
def bank(organization):
    """Questions of the organisation: one for phase II, one for every phase, one for phase
    III, one retired."""
    return {
        "plan": QuestionFactory(
            organization=organization, theme="goals", phase=2, text="Who judges our goals?"
        ),
        "any": QuestionFactory(
            organization=organization, theme="learning", text="What surprised us?"
        ),
        "implement": QuestionFactory(
            organization=organization, theme="trying_out", phase=3, text="What did the pilot show?"
        ),
        "retired": QuestionFactory(
            organization=organization, is_retired=True, text="An old question?"
        ),
    }


def suggested_pks(response):
    return [q.pk for group in response.context["suggestion_groups"] for q in group.questions]


def action_data(owner, due=MEETING_DAY + timedelta(days=14), text="Send the plan to the unit"):
    return {
        "text": text,
        "owner": owner.pk if owner else "",
        "due_date": due.strftime("%d.%m.%Y") if due else "",
    }


# --- the whole flow -------------------------------------------------------------------------


def test_a_team_lead_runs_a_meeting_from_its_agenda(login, meeting, team_lead, member, bank):
    client = login(team_lead)
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    suggested = suggested_pks(page)
    assert bank["plan"].pk in suggested and bank["any"].pk in suggested
    assert bank["implement"].pk not in suggested and bank["retired"].pk not in suggested

    response = client.post(
        url("meeting_questions", meeting), {"questions": [bank["any"].pk, bank["plan"].pk]}
    )
    assert response.status_code == 302
    chosen = list(meeting.questions.order_by("position"))
    # This phase's question is asked first, each in its current wording.
    assert [c.question_id for c in chosen] == [bank["plan"].pk, bank["any"].pk]
    assert [c.version_id for c in chosen] == [
        bank["plan"].current_version_id,
        bank["any"].current_version_id,
    ]
    first = chosen[0]

    response = client.post(
        url("meeting_answer", meeting, question_pk=first.pk), {"text": "The team, each term."}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#question-{first.pk}")
    response = client.post(url("meeting_decision", meeting), {"text": "We meet every month."})
    assert response.status_code == 302
    response = client.post(url("meeting_action", meeting), action_data(member))
    item = ActionItem.objects.get()
    assert response["Location"].endswith(f"#action-{item.pk}")
    assert (item.owner, item.created_by, item.organization) == (
        member,
        team_lead,
        meeting.organization,
    )

    page = client.get(meeting.get_absolute_url())
    text = shown(page)
    assert f'id="question-{first.pk}"' in text and f'id="action-{item.pk}"' in text
    assert "The team, each term." in text and "We meet every month." in text
    assert bank["plan"].pk not in suggested_pks(page)

    assert client.get(url("meeting_close", meeting)).status_code == 200
    response = client.post(
        url("meeting_close", meeting),
        {"questions_prepared": "on", "decisions_recorded": "on", "notes": "A good talk."},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_closed and meeting.closed_by == team_lead and meeting.closed_at
    assert (meeting.questions_prepared, meeting.decisions_recorded) == (True, True)
    assert (meeting.actions_followed_up, meeting.everyone_heard) == (False, False)
    assert meeting.notes == "A good talk."
    text = shown(client.get(meeting.get_absolute_url()))
    assert en("Was it a learning meeting?") in text and "Add answer" not in text

    refusals = [
        ("meeting_questions", {}, {"questions": [bank["implement"].pk]}),
        ("meeting_answer", {"question_pk": first.pk}, {"text": "Too late"}),
        ("meeting_decision", {}, {"text": "Too late"}),
        ("meeting_action", {}, action_data(member)),
    ]
    for name, kwargs, data in refusals:
        response = client.post(url(name, meeting, **kwargs), data, follow=True)
        assert en("The meeting is closed. Reopen it to change it.") in shown(response), name
    assert (MeetingQuestion.objects.count(), Answer.objects.count()) == (2, 1)
    assert (MeetingDecision.objects.count(), ActionItem.objects.count()) == (1, 1)
    response = client.post(url("meeting_questions", meeting), {"remove": chosen[1].pk}, follow=True)
    assert en("The meeting is closed. Reopen it to change it.") in shown(response)
    assert MeetingQuestion.objects.count() == 2

    # Following up goes on after the meeting.
    client.post(
        reverse("action_item_status", args=[meeting.organization.slug, item.pk]), {"status": "done"}
    )
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at

    response = client.post(url("meeting_reopen", meeting))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == LearningMeeting.State.PLANNED
    assert (meeting.questions_prepared, meeting.decisions_recorded) == (True, True)
    client.post(url("meeting_decision", meeting), {"text": "Added after reopening."})
    assert MeetingDecision.objects.count() == 2


def test_every_element_id_on_the_meeting_page_is_unique(login, meeting, team_lead, bank):
    """Several forms share one page: a repeated id would point a label at the wrong field."""
    import re
    from collections import Counter

    response = login(team_lead).get(url("meeting_detail", meeting))
    ids = Counter(re.findall(r'\sid="([^"]+)"', response.content.decode()))
    assert [name for name, count in ids.items() if count > 1] == []


def test_closing_a_closed_meeting_changes_nothing(login, meeting, team_lead, coordinator):
    login(team_lead).post(url("meeting_close", meeting), {"everyone_heard": "on"})
    meeting.refresh_from_db()
    closed_at = meeting.closed_at
    client = login(coordinator)
    response = client.post(url("meeting_close", meeting), {"notes": "Other notes"}, follow=True)
    assert en("The meeting is already closed.") in shown(response)
    meeting.refresh_from_db()
    assert (meeting.closed_at, meeting.closed_by, meeting.notes) == (closed_at, team_lead, "")
    assert meeting.everyone_heard
    response = client.get(url("meeting_close", meeting))
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()


def test_reopening_an_open_meeting_says_so(login, meeting, team_lead):
    response = login(team_lead).post(url("meeting_reopen", meeting), follow=True)
    assert en("The meeting is open already.") in shown(response)


def test_the_close_form_explains_the_checklist(login, meeting, team_lead):
    text = shown(login(team_lead).get(url("meeting_close", meeting)))
    assert en("Everyone present had the chance to say what they think") in text
    assert 'name="actions_followed_up"' in text and 'name="notes"' in text


# --- suggestions ----------------------------------------------------------------------------


def test_suggestions_follow_the_measures_phase(login, meeting, measure, team_lead, bank):
    client = login(team_lead)
    measure.phase = 3
    measure.save(update_fields=["phase"])
    suggested = suggested_pks(client.get(meeting.get_absolute_url()))
    assert bank["implement"].pk in suggested and bank["any"].pk in suggested
    assert bank["plan"].pk not in suggested
    # Phase-specific questions first: the phase III question leads its theme and the list.
    assert suggested[0] == bank["implement"].pk


def test_a_programme_meeting_is_offered_every_question_in_use(
    login, organization, measure, team_lead, coordinator, bank
):
    meeting = LearningMeetingFactory(
        measure=None, program=measure.program, organization=organization, date=MEETING_DAY
    )
    suggested = suggested_pks(login(coordinator).get(meeting.get_absolute_url()))
    assert {bank["plan"].pk, bank["any"].pk, bank["implement"].pk} <= set(suggested)
    assert bank["retired"].pk not in suggested


def test_suggestions_are_grouped_by_theme(login, meeting, team_lead, organization, bank):
    QuestionFactory(organization=organization, theme="goals", text="Another goal question?")
    groups = login(team_lead).get(meeting.get_absolute_url()).context["suggestion_groups"]
    labels = [group.label for group in groups]
    assert len(labels) == len(set(labels))
    (goals,) = [g for g in groups if bank["plan"] in g.questions]
    assert goals.questions[0] == bank["plan"] and len(goals.questions) >= 2


# --- choosing questions ---------------------------------------------------------------------


def test_choosing_no_question_says_so_and_saves_nothing(login, meeting, team_lead, bank):
    response = login(team_lead).post(url("meeting_questions", meeting), {})
    assert response.status_code == 200
    assert en("Choose at least one question to add.") in shown(response)
    assert not MeetingQuestion.objects.exists()


@pytest.mark.parametrize("which", ["retired", "elsewhere", "nonsense"])
def test_only_the_organisations_questions_in_use_can_be_chosen(
    login, meeting, team_lead, bank, other_organization, which
):
    value = {
        "retired": bank["retired"].pk,
        "elsewhere": QuestionFactory(organization=other_organization).pk,
        "nonsense": "x",
    }[which]
    response = login(team_lead).post(
        url("meeting_questions", meeting), {"questions": [bank["any"].pk, value]}
    )
    assert response.status_code == 200
    assert en("Choose among the organisation's questions in use.") in shown(response)
    assert not MeetingQuestion.objects.exists()


def test_new_questions_come_after_those_chosen_and_keep_their_wording(
    login, meeting, team_lead, bank
):
    existing = MeetingQuestionFactory(meeting=meeting, question=bank["any"], position=4)
    client = login(team_lead)
    client.post(url("meeting_questions", meeting), {"questions": [bank["any"].pk, bank["plan"].pk]})
    added = MeetingQuestion.objects.exclude(pk=existing.pk).get()
    assert (added.question, added.position) == (bank["plan"], 5)
    question_reword(
        question=bank["plan"],
        theme="goals",
        phase=2,
        texts={"nb": "Ny ordlyd?", "nn": "Ny ordlyd?", "en": "New wording?"},
        user=team_lead,
    )
    text = shown(client.get(meeting.get_absolute_url()))
    assert "Who judges our goals?" in text and "New wording?" not in text
    response = client.post(url("meeting_questions", meeting), {"questions": [bank["plan"].pk]})
    assert MeetingQuestion.objects.filter(meeting=meeting).count() == 2
    assert response.status_code == 302


def test_a_question_without_answers_can_be_taken_off(login, meeting, team_lead, member, bank):
    unanswered = MeetingQuestionFactory(meeting=meeting, question=bank["any"])
    answered = MeetingQuestionFactory(meeting=meeting, question=bank["plan"])
    AnswerFactory(meeting_question=answered, author=member)
    client = login(team_lead)
    page = shown(client.get(meeting.get_absolute_url()))
    assert f'name="remove" value="{unanswered.pk}"' in page
    assert f'name="remove" value="{answered.pk}"' not in page
    client.post(url("meeting_questions", meeting), {"remove": unanswered.pk})
    assert not MeetingQuestion.objects.filter(pk=unanswered.pk).exists()
    response = client.post(url("meeting_questions", meeting), {"remove": answered.pk}, follow=True)
    assert en("The question has answers, so it stays.") in shown(response)
    assert MeetingQuestion.objects.filter(pk=answered.pk).exists()
    other = MeetingQuestionFactory(question=bank["implement"])
    for value in (other.pk, "abc"):
        response = client.post(url("meeting_questions", meeting), {"remove": value})
        assert response.status_code == 404
    assert MeetingQuestion.objects.filter(pk=other.pk).exists()


# --- answers --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_answer_is_refused(login, meeting, member, bank, text):
    chosen = MeetingQuestionFactory(meeting=meeting, question=bank["any"])
    response = login(member).post(
        url("meeting_answer", meeting, question_pk=chosen.pk), {"text": text}
    )
    assert response.status_code == 200
    assert en("Write an answer before saving.") in shown(response)
    assert not Answer.objects.exists()


def test_an_answer_goes_to_a_question_of_this_meeting_only(login, meeting, member, bank):
    elsewhere = MeetingQuestionFactory(question=bank["any"])
    response = login(member).post(
        url("meeting_answer", meeting, question_pk=elsewhere.pk), {"text": "Hello"}
    )
    assert response.status_code == 404
    assert not Answer.objects.exists()


# --- decisions ------------------------------------------------------------------------------


def test_an_empty_decision_is_refused(login, meeting, team_lead):
    response = login(team_lead).post(url("meeting_decision", meeting), {"text": "  "})
    assert response.status_code == 200
    assert en("Write the decision before saving.") in shown(response)
    assert not MeetingDecision.objects.exists()


def test_a_decision_is_corrected_with_a_reason_and_the_first_wording_stays(
    login, meeting, team_lead, member
):
    decision = MeetingDecisionFactory(meeting=meeting, text="Vi prøver ut i 4. trinn.")
    client = login(team_lead)
    correct = url("meeting_decision_correct", meeting, decision_pk=decision.pk)
    assert client.get(correct).context["form"].initial == {"text": "Vi prøver ut i 4. trinn."}
    response = client.post(correct, {"text": "Vi prøver ut i 5. trinn."})
    assert en("Say why the record is corrected. The reason is kept with it.") in shown(response)
    assert not MeetingDecisionCorrection.objects.exists()
    response = client.post(
        correct,
        {"text": "Vi prøver ut i 5. trinn.", "correction_reason": "Feil trinn i referatet."},
    )
    assert response.status_code == 302
    correction = MeetingDecisionCorrection.objects.get()
    assert (correction.number, correction.recorded_by) == (2, team_lead)
    decision.refresh_from_db()
    assert decision.text == "Vi prøver ut i 4. trinn."  # the decision as first recorded stays
    page = shown(client.get(meeting.get_absolute_url()))
    assert "Vi prøver ut i 5. trinn." in page and "Feil trinn i referatet." in page
    minutes = shown(client.get(url("meeting_minutes", meeting)))
    assert "Vi prøver ut i 5. trinn." in minutes and "Vi prøver ut i 4. trinn." in minutes
    assert "Feil trinn i referatet." in minutes
    # Participants who do not run the meeting may not correct its decisions.
    assert login(member).post(correct, {"text": "x", "correction_reason": "y"}).status_code == 403


def test_a_decision_of_a_closed_meeting_is_corrected_only_after_reopening(
    login, meeting, team_lead
):
    decision = MeetingDecisionFactory(meeting=meeting)
    meeting.state = LearningMeeting.State.CLOSED
    meeting.save()
    response = login(team_lead).post(
        url("meeting_decision_correct", meeting, decision_pk=decision.pk),
        {"text": "Noe annet", "correction_reason": "Feil."},
    )
    assert response.status_code == 200
    assert en("The meeting is closed. Reopen it to change it.") in shown(response)
    assert not MeetingDecisionCorrection.objects.exists()


def test_a_decision_of_another_meeting_cannot_be_corrected_here(login, meeting, team_lead):
    other = MeetingDecisionFactory(meeting=LearningMeetingFactory(measure=meeting.measure))
    response = login(team_lead).get(url("meeting_decision_correct", meeting, decision_pk=other.pk))
    assert response.status_code == 404


# --- action items ---------------------------------------------------------------------------


def test_an_action_item_without_owner_is_refused(login, meeting, team_lead):
    response = login(team_lead).post(url("meeting_action", meeting), action_data(None))
    assert response.status_code == 200
    assert en("Choose who owns the action item.") in shown(response)
    assert response.context["action_form"].errors.keys() == {"owner"}
    # What was typed stays in the form.
    assert 'value="Send the plan to the unit"' in shown(response)
    assert not ActionItem.objects.exists()


def test_an_action_item_due_before_the_meeting_is_refused(login, meeting, team_lead, member):
    data = action_data(member, due=MEETING_DAY - timedelta(days=1))
    response = login(team_lead).post(url("meeting_action", meeting), data)
    assert response.status_code == 200
    assert en("The due date cannot be before the meeting.") in shown(response)
    assert not ActionItem.objects.exists()
    response = login(team_lead).post(
        url("meeting_action", meeting), action_data(member, due=MEETING_DAY)
    )
    assert response.status_code == 302 and ActionItem.objects.count() == 1


def test_an_action_item_needs_a_due_date_and_a_text(login, meeting, team_lead, member):
    data = {"text": "", "owner": member.pk, "due_date": ""}
    response = login(team_lead).post(url("meeting_action", meeting), data)
    assert response.context["action_form"].errors.keys() == {"text", "due_date"}
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "former", "viewer"])
def test_the_owner_is_an_active_member_who_may_edit(
    login, meeting, team_lead, organization, outsider, viewer, who
):
    former = MembershipFactory(organization=organization, role=Role.MEMBER, is_active=False).user
    owner = {"outsider": outsider, "former": former, "viewer": viewer}[who]
    response = login(team_lead).post(url("meeting_action", meeting), action_data(owner))
    assert response.status_code == 200
    assert response.context["action_form"].errors.keys() == {"owner"}
    assert not ActionItem.objects.exists()


def test_the_owner_list_starts_with_the_participants(
    login, meeting, team_lead, member, coordinator
):
    form = login(team_lead).get(meeting.get_absolute_url()).context["action_form"]
    with translation.override("en"):
        groups = [choice for choice in form.fields["owner"].choices if choice[0]]
    (participants_label, participants), (others_label, others) = groups
    assert (participants_label, others_label) == ("Participants", "Other members")
    assert {value.value for value, _label in participants} == {team_lead.pk, member.pk}
    assert {value.value for value, _label in others} == {coordinator.pk}


# --- who may do what ------------------------------------------------------------------------


def test_participating_members_answer_and_add_action_items(login, meeting, member, bank):
    chosen = MeetingQuestionFactory(meeting=meeting, question=bank["any"])
    client = login(member)
    text = shown(client.get(meeting.get_absolute_url()))
    assert "Add answer" in text and 'id="add-action"' in text
    assert 'name="questions"' not in text and url("meeting_decision", meeting) not in text
    assert url("meeting_close", meeting) not in text
    response = client.post(url("meeting_answer", meeting, question_pk=chosen.pk), {"text": "Yes"})
    assert response.status_code == 302
    assert client.post(url("meeting_action", meeting), action_data(member)).status_code == 302
    assert (Answer.objects.get().author, ActionItem.objects.get().created_by) == (member, member)
    for name in ("meeting_decision", "meeting_questions", "meeting_close", "meeting_reopen"):
        assert client.post(url(name, meeting), {"text": "x"}).status_code == 403, name


def test_members_who_do_not_take_part_and_viewers_only_read(
    login, meeting, organization, viewer, bank
):
    chosen = MeetingQuestionFactory(meeting=meeting, question=bank["any"])
    bystander = MembershipFactory(organization=organization, role=Role.MEMBER).user
    meeting.participants.add(viewer)  # even as a participant, a viewer only reads
    for user in (bystander, viewer):
        client = login(user)
        page = client.get(meeting.get_absolute_url())
        assert page.status_code == 200
        assert "Add answer" not in shown(page) and "action_form" not in page.context
        answer = client.post(url("meeting_answer", meeting, question_pk=chosen.pk), {"text": "x"})
        assert answer.status_code == 403
        assert client.post(url("meeting_action", meeting), action_data(user)).status_code == 403
    assert not Answer.objects.exists() and not ActionItem.objects.exists()


def test_the_owner_ticks_their_item_done(login, meeting, organization, coordinator):
    owner = MembershipFactory(organization=organization, role=Role.MEMBER).user
    item = ActionItemFactory(meeting=meeting, owner=owner)
    status_url = reverse("action_item_status", args=[organization.slug, item.pk])
    client = login(owner)
    assert f'id="action-{item.pk}"' in shown(client.get(meeting.get_absolute_url()))
    response = client.post(status_url, {"status": "done", "next": "/o/testvik/actions/"})
    assert response["Location"] == "/o/testvik/actions/"
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at
    response = client.post(status_url, {"status": "open", "next": "https://evil.example/"})
    assert response["Location"] == item.get_absolute_url()
    item.refresh_from_db()
    assert item.status == "open" and item.completed_at is None
    other = ActionItemFactory(meeting=meeting, owner=coordinator)
    other_url = reverse("action_item_status", args=[organization.slug, other.pk])
    assert client.post(other_url, {"status": "done"}).status_code == 403


def test_an_unknown_status_changes_nothing(login, meeting, team_lead):
    item = ActionItemFactory(meeting=meeting, owner=team_lead)
    status_url = reverse("action_item_status", args=[meeting.organization.slug, item.pk])
    response = login(team_lead).post(status_url, {"status": "maybe"}, follow=True)
    assert en("Choose the action item's new status.") in shown(response)
    item.refresh_from_db()
    assert item.status == "open"


def test_dropping_an_item_clears_its_completion(login, meeting, team_lead):
    item = ActionItemFactory(meeting=meeting, owner=team_lead, status="done")
    item.completed_at = item.created_at
    item.save()
    status_url = reverse("action_item_status", args=[meeting.organization.slug, item.pk])
    login(team_lead).post(status_url, {"status": "dropped"})
    item.refresh_from_db()
    assert item.status == "dropped" and item.completed_at is None


def test_open_items_of_earlier_meetings_open_the_meeting(login, meeting, measure, team_lead):
    earlier = LearningMeetingFactory(measure=measure, date=MEETING_DAY - timedelta(days=30))
    overdue = ActionItemFactory(
        meeting=earlier, owner=team_lead, due_date=MEETING_DAY - timedelta(days=20)
    )
    ActionItemFactory(meeting=earlier, owner=team_lead, status="done")
    client = login(team_lead)
    response = client.get(meeting.get_absolute_url())
    assert response.context["follow_up"] == [overdue]
    assert overdue.pk in response.context["updatable"]
    assert f'id="follow-up-{overdue.pk}"' in shown(response) and "Overdue" in shown(response)
    status_url = reverse("action_item_status", args=[meeting.organization.slug, overdue.pk])
    response = client.post(
        status_url,
        {"status": "done", "next": f"{meeting.get_absolute_url()}#follow-up-{overdue.pk}"},
    )
    assert response["Location"].startswith(meeting.get_absolute_url())


# --- the page -------------------------------------------------------------------------------


def test_the_page_shows_the_meeting(login, meeting, measure, viewer):
    text = shown(login(viewer).get(meeting.get_absolute_url()))
    assert meeting.title in text and measure.name in text and measure.program.name in text
    assert url("meeting_minutes", meeting) in text and url("meeting_minutes_pdf", meeting) in text
    assert url("meeting_update", meeting) not in text and url("meeting_close", meeting) not in text
    assert "1. Oppfølging fra sist" in text


def test_a_runner_sees_the_controls(login, meeting, team_lead):
    text = shown(login(team_lead).get(meeting.get_absolute_url()))
    assert url("meeting_update", meeting) in text and url("meeting_close", meeting) in text
    assert url("meeting_decision", meeting) in text


def test_tenancy(login, meeting, outsider, other_organization, team_lead):
    theirs = LearningMeetingFactory(
        measure=MeasureFactory(program=ProgramFactory(organization=other_organization))
    )
    item = ActionItemFactory(meeting=theirs)
    client = login(outsider)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    client = login(team_lead)
    slug = meeting.organization.slug
    assert client.get(reverse("meeting_detail", args=[slug, theirs.pk])).status_code == 404
    status_url = reverse("action_item_status", args=[slug, item.pk])
    assert client.post(status_url, {"status": "done"}).status_code == 404
    item.refresh_from_db()
    assert item.status == "open"


# --- queries --------------------------------------------------------------------------------


def fill(meeting, measure, organization, count):
    people = [MembershipFactory(organization=organization, role=Role.MEMBER).user for _ in range(2)]
    meeting.participants.add(*people)
    earlier = LearningMeetingFactory(
        measure=measure, date=MEETING_DAY - timedelta(days=30), participants=people
    )
    for n in range(count):
        chosen = MeetingQuestionFactory(
            meeting=meeting, question=QuestionFactory(organization=organization)
        )
        AnswerFactory(meeting_question=chosen, author=people[n % 2])
        MeetingDecisionFactory(meeting=meeting, recorded_by=people[n % 2])
        ActionItemFactory(meeting=meeting, owner=people[n % 2])
        ActionItemFactory(meeting=earlier, owner=people[n % 2])
        QuestionFactory(organization=organization, phase=2)  # one more suggestion


@pytest.mark.parametrize("role", ["team_lead", "member", "viewer"])
def test_the_page_runs_the_same_queries_for_few_and_many(
    login, meeting, measure, organization, request, role, django_assert_num_queries
):
    client = login(request.getfixturevalue(role))
    fill(meeting, measure, organization, 5)
    client.get(meeting.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(meeting.get_absolute_url())
    count = len(few)  # read now: the next request empties the query log
    fill(meeting, measure, organization, 45)
    with django_assert_num_queries(count):
        response = client.get(meeting.get_absolute_url())
    assert len(response.context["question_rows"]) == 50
    assert len(response.context["action_items"]) == 50
    assert len(response.context["follow_up"]) == 50
    assert len(response.context["decisions"]) == 50
