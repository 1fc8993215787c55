"""Expectations for the status dashboard and the measures' summaries.

Every member reads the dashboard (viewers land there); only planners write a measure's
summary. The dashboard is read only (a POST is 405); an empty POST to the summary form
removes a summary (there is none here) and redirects to the dashboard (302).
"""

from __future__ import annotations

from tests.matrix.base import ALL_MEMBERS, PLANNERS, Case, measure_and, org, slug

BUILDERS: dict = {}

MATRIX = {
    "status_dashboard": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "measure_summary": Case(measure_and(), org(PLANNERS, 200), org(PLANNERS, 302)),
}
