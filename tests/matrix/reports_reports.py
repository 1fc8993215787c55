"""Expectations for composing, publishing and reading reports.

Every member, politicians included, lists the published reports and reads them, their PDF and
their comparison with the previous version. Only planners (admin, coordinator) compose,
comment, preview and publish, and have a failed PDF tried again. An empty POST to a form
re-renders it with errors (200); publishing is POST only and redirects (to the new version,
or back with a message).
"""

from __future__ import annotations

from organizations.models import Role
from reports.publishing import publish
from tests.factories import MembershipFactory, ReportFactory, UserFactory
from tests.matrix.base import ALL_MEMBERS, PLANNERS, Case, org, slug, slug_and


def _report(ctx):
    # The whole organisation, so the matrix measure (ctx["measure"]) is in scope.
    ctx["measure"]  # built now, so the report has something to report on
    return ReportFactory(organization=ctx["organization"], title="Tertialrapport")


def _published(ctx):
    """A version published by a coordinator of its own (not one of the role fixtures, whose
    emails the matrix logs in with)."""
    publisher = UserFactory(email="rr-publiserer@testvik.test")
    MembershipFactory(organization=ctx["organization"], user=publisher, role=Role.COORDINATOR)
    return publish(ctx["rr_report"], publisher)


BUILDERS = {"rr_report": _report, "published": _published}


def read():
    return (org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405))


def form():
    return (org(PLANNERS, 200), org(PLANNERS, 200))


MATRIX = {
    "report_list": Case(slug, *read()),
    "report_create": Case(slug, *form()),
    "report_detail": Case(slug_and("rr_report"), org(PLANNERS, 200), org(PLANNERS, 405)),
    "report_update": Case(slug_and("rr_report"), *form()),
    # One optional comment per measure: an empty POST is valid and saves (a redirect).
    "report_comments": Case(slug_and("rr_report"), org(PLANNERS, 200), org(PLANNERS, 302)),
    "report_preview": Case(slug_and("rr_report"), org(PLANNERS, 200), org(PLANNERS, 405)),
    "report_publish": Case(slug_and("rr_report"), org(PLANNERS, 405), org(PLANNERS, 302)),
    "published_report": Case(slug_and("published"), *read()),
    # Before a worker has stored the PDF (the matrix runs no worker): "being prepared".
    "published_report_pdf": Case(
        slug_and("published"), org(ALL_MEMBERS, 202), org(ALL_MEMBERS, 405)
    ),
    # Trying a failed PDF again (POST only) redirects to the download.
    "published_report_pdf_retry": Case(
        slug_and("published"), org(PLANNERS, 405), org(PLANNERS, 302)
    ),
    "published_report_compare": Case(slug_and("published"), *read()),
}
