"""Expectations for the lessons log and the lessons partners share with the organisation.

Every member reads and searches lessons, politicians included, and reads what partners
shared. Anyone but a viewer records a lesson; the one who recorded it (the matrix lesson is
recorded by the member user) and the planners change and archive it. An empty POST to a form
re-renders it with errors (200); archive and restore redirect (302).
"""

from __future__ import annotations

from organizations.models import Organization, User
from tests.factories import LessonFactory, OrganizationFactory, PartnershipFactory
from tests.matrix.base import ALL_MEMBERS, EDITORS, PLANNERS, Case, org, slug, slug_and

RECORDER_AND_PLANNERS = [*PLANNERS, "member"]


def _lesson(ctx):
    member = User.objects.filter(email="medlem@testvik.test").first()
    return LessonFactory(organization=ctx["organization"], recorded_by=member)


def _shared_lesson(ctx):
    county = OrganizationFactory(
        kind=Organization.Kind.COUNTY, number="46", name="Fylket", slug="rl-fylket"
    )
    partnership = PartnershipFactory(grantor=county, partner=ctx["organization"])
    lesson = LessonFactory(organization=county)
    lesson.shared_with.add(partnership)
    return lesson


BUILDERS = {"rl_lesson": _lesson, "rl_shared_lesson": _shared_lesson}


def read():
    return (org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405))


def action(allowed):
    """POST only: 405 for a GET by those allowed, a redirect for their POST."""
    return (org(allowed, 405), org(allowed, 302))


MATRIX = {
    "lesson_list": Case(slug, *read()),
    "lesson_create": Case(slug, org(EDITORS, 200), org(EDITORS, 200)),
    "lesson_detail": Case(slug_and("rl_lesson"), *read()),
    "lesson_update": Case(
        slug_and("rl_lesson"), org(RECORDER_AND_PLANNERS, 200), org(RECORDER_AND_PLANNERS, 200)
    ),
    "lesson_archive": Case(slug_and("rl_lesson"), *action(RECORDER_AND_PLANNERS)),
    "lesson_restore": Case(slug_and("rl_lesson"), *action(RECORDER_AND_PLANNERS)),
    "lesson_shared_list": Case(slug, *read()),
    "lesson_shared_detail": Case(slug_and("rl_shared_lesson"), *read()),
}
