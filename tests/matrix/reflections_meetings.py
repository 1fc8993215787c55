"""Expectations for planning learning meetings (the list, new, edit, archive and restore) and
the list of action items, and the shared matrix meeting (``BUILDERS["meeting"]``) that the
other reflections modules use.

Every member reads the lists. Planners and team leads may open the new-meeting form (a team
lead is offered the measures they lead); an empty POST re-renders it with errors (200).
Planners and the team lead of the meeting's measure (the matrix measure is led by the
team_lead user) correct, archive and restore a meeting.
"""

from __future__ import annotations

from organizations.models import User
from tests.factories import LearningMeetingFactory
from tests.matrix.base import ALL_MEMBERS, MEASURE_WORKERS, PLANNERS, Case, org, slug, slug_and

ADDERS = [*PLANNERS, "team_lead"]


def read():
    return (org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405))


def action(allowed):
    """POST only: 405 for a GET by those allowed, a redirect for their POST."""
    return (org(allowed, 405), org(allowed, 302))


MATRIX = {
    "meeting_list": Case(slug, *read()),
    "meeting_create": Case(slug, org(ADDERS, 200), org(ADDERS, 200)),
    "meeting_update": Case(
        slug_and("meeting"), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)
    ),
    "meeting_archive": Case(slug_and("meeting"), *action(MEASURE_WORKERS)),
    "meeting_restore": Case(slug_and("meeting"), *action(MEASURE_WORKERS)),
    "action_item_list": Case(slug, *read()),
}


def _meeting(ctx):
    # The team lead and the member take part when those roles are under test, so the other
    # modules can check what participants may do.
    people = User.objects.filter(email__in=["teamleder@testvik.test", "medlem@testvik.test"])
    return LearningMeetingFactory(
        measure=ctx["measure"], organization=ctx["organization"], participants=list(people)
    )


BUILDERS = {"meeting": _meeting}
