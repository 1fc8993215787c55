"""Expectations for the partnerships page and its steps (measures/views/partnerships.py).

The matrix organisation is both sides here: it grants a partnership on its own programme
(``granted_partnership``) and has received a pending invitation from a county
(``received_invitation``). What a partner of each access sees of a shared measure, and what a
non-partner organisation's members get, is in tests/measures/test_partnerships.py.
"""

from __future__ import annotations

from organizations.models import Organization, Partnership
from tests.factories import OrganizationFactory, PartnershipFactory, ProgramFactory
from tests.matrix.base import ADMINS, PLANNERS, Case, org, slug, slug_and


def _granted(ctx):
    partner = OrganizationFactory(name="Nabokommunen")
    partnership = PartnershipFactory(grantor=ctx["organization"], partner=partner)
    ProgramFactory(organization=ctx["organization"]).partnerships.add(partnership)
    return partnership


def _received(ctx):
    county = OrganizationFactory(kind=Organization.Kind.COUNTY, number="46", name="Fylket")
    partnership = PartnershipFactory(
        grantor=county,
        partner=ctx["organization"],
        status=Partnership.Status.PENDING,
        is_active=False,
    )
    ProgramFactory(organization=county).partnerships.add(partnership)
    return partnership


BUILDERS = {"granted_partnership": _granted, "received_invitation": _received}

MATRIX = {
    "partnership_list": Case(slug, org(PLANNERS, 200), org(PLANNERS, 405)),
    # An empty invitation is shown again with its errors.
    "partnership_invite": Case(slug, org(PLANNERS, 200), org(PLANNERS, 200)),
    "partnership_accept": Case(slug_and("received_invitation"), org(ADMINS, 405), org(ADMINS, 302)),
    "partnership_decline": Case(
        slug_and("received_invitation"), org(ADMINS, 405), org(ADMINS, 302)
    ),
    # The granting side's administrators and coordinators end what they granted.
    "partnership_end": Case(
        slug_and("granted_partnership"), org(PLANNERS, 405), org(PLANNERS, 302)
    ),
    # An empty form lacks the access: shown again with its errors.
    "partnership_sharing": Case(
        slug_and("granted_partnership"), org(PLANNERS, 200), org(PLANNERS, 200)
    ),
}
