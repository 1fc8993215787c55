"""Expectations for what partner organisations see of programmes shared with them."""

from __future__ import annotations

from organizations.models import Organization, Partnership
from tests.factories import MeasureFactory, OrganizationFactory, PartnershipFactory, ProgramFactory
from tests.matrix.base import ALL_MEMBERS, EDITORS, Case, org, slug, slug_and


def _shared_program(ctx):
    county = OrganizationFactory(kind=Organization.Kind.COUNTY, number="46", name="Fylket")
    partnership = PartnershipFactory(
        grantor=county, partner=ctx["organization"], access=Partnership.Access.CONTRIBUTE
    )
    program = ProgramFactory(organization=county)
    program.partnerships.add(partnership)
    return program


BUILDERS = {"shared_program": _shared_program}


def _shared_measure_kwargs(ctx):
    if "shared_measure" not in ctx:
        ctx["shared_measure"] = MeasureFactory(program=ctx["shared_program"])
    return {"org_slug": ctx["organization"].slug, "measure_pk": ctx["shared_measure"].pk}


MATRIX = {
    "shared_program_list": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "shared_program_detail": Case(
        slug_and("shared_program"), org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)
    ),
    "shared_measure_detail": Case(
        _shared_measure_kwargs, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)
    ),
    # Contribute access: staff comment; viewers read only.
    "shared_measure_comment": Case(
        _shared_measure_kwargs, org(ALL_MEMBERS, 405), org(EDITORS, 302)
    ),
}
