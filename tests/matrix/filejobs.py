"""Expectations for files prepared in the background (the audit trail as CSV, the wheel as
PDF: the wheel's own URL is in tests/matrix/yearwheel.py).

Those who may read the audit trail (admin, coordinator) ask for the file (POST only, a
redirect to the job's page). A job is seen and downloaded only by the person who asked (here
the coordinator): every other member gets 404, whatever their role. Before a worker has built
it, the download redirects to the job's page.
"""

from __future__ import annotations

from filejobs.models import FileJob
from organizations.models import Role, User
from tests.factories import MembershipFactory, UserFactory
from tests.matrix.base import LOGIN, PLANNERS, Case, org, slug, slug_and

COORDINATOR_EMAIL = "koordinator@testvik.test"  # the coordinator role fixture's


def _job(ctx):
    organization = ctx["organization"]
    user = User.objects.filter(email=COORDINATOR_EMAIL).first()
    if user is None:
        user = UserFactory(email=COORDINATOR_EMAIL)
        MembershipFactory(organization=organization, user=user, role=Role.COORDINATOR)
    return FileJob.objects.create(
        organization=organization, requested_by=user, kind=FileJob.Kind.AUDIT_TRAIL
    )


BUILDERS = {"fj_job": _job}


def own(status) -> dict:
    """Only the coordinator who asked: 404 for every other member."""
    return {
        "anonymous": LOGIN,
        "outsider": 404,
        "viewer": 404,
        "member": 404,
        "team_lead": 404,
        "admin": 404,
        "coordinator": status,
    }


MATRIX = {
    "audit_trail_export": Case(slug, org(PLANNERS, 405), org(PLANNERS, 302)),
    "file_job": Case(slug_and("fj_job"), own(200), own(405)),
    "file_job_download": Case(slug_and("fj_job"), own(302), own(405)),
}
