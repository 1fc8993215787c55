"""Expectations for programmes, measures, comments and external contributors."""

from __future__ import annotations

from organizations.models import User
from tests.factories import MeasureFactory, ProgramFactory
from tests.matrix.base import (
    ALL_MEMBERS,
    EDITORS,
    MEASURE_WORKERS,
    PLANNERS,
    Case,
    measure_and,
    org,
    slug,
    slug_and,
)

MATRIX = {
    "program_list": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "program_create": Case(slug, org(PLANNERS, 200), org(PLANNERS, 200)),
    "program_detail": Case(slug_and("program"), org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "program_update": Case(slug_and("program"), org(PLANNERS, 200), org(PLANNERS, 200)),
    "program_archive": Case(slug_and("program"), org(PLANNERS, 405), org(PLANNERS, 302)),
    "program_restore": Case(slug_and("program"), org(PLANNERS, 405), org(PLANNERS, 302)),
    "measure_list": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    # The search-and-choose fields' lookups (JSON): members read, outsiders get 404.
    "measure_lookup": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "lead_lookup": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "measure_create": Case(slug, org(PLANNERS, 200), org(PLANNERS, 200)),
    "measure_detail": Case(measure_and(), org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "measure_update": Case(measure_and(), org(MEASURE_WORKERS, 200), org(MEASURE_WORKERS, 200)),
    "measure_archive": Case(measure_and(), org(PLANNERS, 405), org(PLANNERS, 302)),
    "measure_restore": Case(measure_and(), org(PLANNERS, 405), org(PLANNERS, 302)),
    "measure_comment": Case(measure_and(), org(EDITORS, 405), org(EDITORS, 302)),
    "external_contributor_add": Case(
        measure_and(), org(MEASURE_WORKERS, 405), org(MEASURE_WORKERS, 302)
    ),
    "external_contributor_remove": Case(
        measure_and("external_contributor"),
        org(MEASURE_WORKERS, 405),
        org(MEASURE_WORKERS, 302),
    ),
}


def _measure(ctx):
    # Led by the team_lead fixture's user when that role is under test, so the matrix checks
    # the team lead's rights on a measure they lead (others: see tests/measures/).
    team_lead = User.objects.filter(email="teamleder@testvik.test").first()
    return MeasureFactory(program=ctx["program"], team_lead=team_lead)


BUILDERS = {
    "program": lambda ctx: ProgramFactory(organization=ctx["organization"]),
    "measure": _measure,
    "external_contributor": lambda ctx: ctx["measure"].external_contributors.create(
        role="Brukerrepresentant", organization_name="Foreldreutvalget"
    ),
}
