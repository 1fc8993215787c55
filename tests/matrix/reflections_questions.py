"""Expectations for the question bank: every member reads it; coordinators and admins add,
reword, retire and restore questions."""

from __future__ import annotations

from tests.factories import QuestionFactory
from tests.matrix.base import ALL_MEMBERS, PLANNERS, Case, org, slug, slug_and

MATRIX = {
    "question_list": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    # An empty POST re-renders the form with "write the question in at least one language".
    "question_create": Case(slug, org(PLANNERS, 200), org(PLANNERS, 200)),
    "question_update": Case(slug_and("rq_question"), org(PLANNERS, 200), org(PLANNERS, 200)),
    "question_retire": Case(slug_and("rq_question"), org(PLANNERS, 405), org(PLANNERS, 302)),
    "question_restore": Case(slug_and("rq_question"), org(PLANNERS, 405), org(PLANNERS, 302)),
}

BUILDERS = {
    "rq_question": lambda ctx: QuestionFactory(
        organization=ctx["organization"], theme="goals", phase=2, text="Hva vil vi oppnå?"
    ),
}
