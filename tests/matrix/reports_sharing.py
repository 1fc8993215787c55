"""Expectations for share links.

Planners (admin, coordinator) list, make and withdraw a published report's share links; no
other role may, viewers included. An empty POST to the list re-renders the form with its
errors (200); withdrawing is POST only and redirects. The shared report and its PDF are public:
everyone, logged in or not, member or not, reads them with a valid token (GET only).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from reports.models import ShareLink
from reports.sharing import token_for
from tests.matrix.base import PLANNERS, Case, everyone, org, slug_and


def _link(ctx):
    published = ctx["published"]
    return ShareLink.objects.create(
        published=published,
        label="Kommunestyret",
        expires_at=timezone.now() + timedelta(days=30),
        created_by=published.published_by,
    )


def _token(ctx):
    return token_for(ctx["rs_link"])


BUILDERS = {"rs_link": _link, "rs_token": _token}


def token(ctx):
    return {"token": ctx["rs_token"]}


MATRIX = {
    "share_link_list": Case(slug_and("published"), org(PLANNERS, 200), org(PLANNERS, 200)),
    "share_link_revoke": Case(slug_and("rs_link"), org(PLANNERS, 405), org(PLANNERS, 302)),
    "shared_report": Case(token, everyone(200), everyone(405)),
    # Before a worker has stored the PDF: "being prepared" (202), never a render.
    "shared_report_pdf": Case(token, everyone(202), everyone(405)),
}
