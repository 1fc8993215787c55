"""Expectations for running a learning meeting: its page, choosing questions, answers,
decisions, action items and their status, closing and reopening.

Every member reads the meeting page. Runners (planners and the team lead of the meeting's
measure; the matrix measure is led by the team_lead user) choose questions, record decisions,
close and reopen. Those who take part (runners, and the member user, a participant of the
matrix meeting) answer, add action items and change their status.

Empty POSTs: the forms where something is typed (questions, answer, decision, action item)
render the meeting page again with the errors (200) and save nothing; closing has only
optional fields, so an empty POST closes the meeting (302); reopening an open meeting and a
status button without a status redirect with a message (302).
"""

from __future__ import annotations

from tests.factories import (
    ActionItemFactory,
    MeetingDecisionFactory,
    MeetingQuestionFactory,
    QuestionFactory,
    UserFactory,
)
from tests.matrix.base import ALL_MEMBERS, MEASURE_WORKERS, Case, org, slug_and

TAKERS = [*MEASURE_WORKERS, "member"]


def meeting_question(ctx):
    return {
        "org_slug": ctx["organization"].slug,
        "pk": ctx["meeting"].pk,
        "question_pk": ctx["rr_meeting_question"].pk,
    }


def meeting_decision(ctx):
    return {
        "org_slug": ctx["organization"].slug,
        "pk": ctx["meeting"].pk,
        "decision_pk": ctx["rr_decision"].pk,
    }


def form(allowed):
    """POST only, a typed form: 405 for a GET by those allowed, the page again for their
    empty POST."""
    return (org(allowed, 405), org(allowed, 200))


def action(allowed):
    """POST only, a button: 405 for a GET by those allowed, a redirect for their POST."""
    return (org(allowed, 405), org(allowed, 302))


MATRIX = {
    "meeting_detail": Case(slug_and("meeting"), org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "meeting_questions": Case(slug_and("meeting"), *form(MEASURE_WORKERS)),
    "meeting_answer": Case(meeting_question, *form(TAKERS)),
    "meeting_decision": Case(slug_and("meeting"), *form(MEASURE_WORKERS)),
    # A page of its own: the correction form (GET), its errors for an empty POST.
    "meeting_decision_correct": Case(
        meeting_decision, org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)
    ),
    "meeting_action": Case(slug_and("meeting"), *form(TAKERS)),
    "meeting_close": Case(
        slug_and("meeting"), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 302)
    ),
    "meeting_reopen": Case(slug_and("meeting"), *action(MEASURE_WORKERS)),
    "action_item_status": Case(slug_and("rr_action_item"), *action(TAKERS)),
}


BUILDERS = {
    "rr_decision": lambda ctx: MeetingDecisionFactory(meeting=ctx["meeting"]),
    "rr_meeting_question": lambda ctx: MeetingQuestionFactory(
        meeting=ctx["meeting"], question=QuestionFactory(organization=ctx["organization"])
    ),
    # Owned by someone outside every role under test: only taking part gives the right.
    "rr_action_item": lambda ctx: ActionItemFactory(meeting=ctx["meeting"], owner=UserFactory()),
}
