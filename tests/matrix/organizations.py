"""Expectations for the foundation's URLs: public pages, accounts, organisation pages."""

from __future__ import annotations

from organizations.models import Role
from tests.factories import InvitationFactory, MembershipFactory, UnitFactory
from tests.matrix.base import (
    ADMINS,
    ALL_MEMBERS,
    PLANNERS,
    Case,
    everyone,
    logged_in,
    no_args,
    org,
    slug,
    slug_and,
)

MATRIX: dict[str, Case] = {
    # public pages
    "home": Case(no_args, logged_in(302), logged_in(302)),
    "healthz": Case(no_args, everyone(200), everyone(405)),
    # Violation reports from any browser; an empty POST is not a report (400).
    "csp_report": Case(no_args, everyone(405), everyone(400)),
    "set_language": Case(no_args, everyone(405), everyone(302)),
    "accessibility_statement": Case(no_args, everyone(200), everyone(405)),
    # accounts
    "login": Case(no_args, logged_in(302, anonymous=200), logged_in(302, anonymous=200)),
    "logout": Case(no_args, everyone(405), everyone(302)),
    "password_change": Case(no_args, logged_in(200), logged_in(200)),
    "password_change_done": Case(no_args, logged_in(200), logged_in(405)),
    "password_reset": Case(no_args, everyone(200), everyone(200)),
    "password_reset_done": Case(no_args, everyone(200), everyone(405)),
    "password_reset_confirm": Case(
        lambda ctx: {"uidb64": "MQ", "token": "not-a-token"}, everyone(200), everyone(200)
    ),
    "password_reset_complete": Case(no_args, everyone(200), everyone(405)),
    "profile": Case(no_args, logged_in(200), logged_in(200)),
    # The link is the credential: anyone holding it sees the page (see test_invitations.py).
    "invitation_accept": Case(lambda ctx: {"token": ctx["token"]}, everyone(200), everyone(200)),
    "organization_list": Case(no_args, logged_in(200), logged_in(405)),
    # inside an organisation
    # Viewers are sent on to the status dashboard (reports).
    "organization_home": Case(
        slug, {**org(ALL_MEMBERS, 200), "viewer": 302}, org(ALL_MEMBERS, 405)
    ),
    # Every member reads the statement with the organisation's own contact.
    "organization_accessibility_statement": Case(
        slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)
    ),
    "organization_settings": Case(slug, org(ADMINS, 200), org(ADMINS, 200)),
    # Read only, for those who answer for the organisation's records.
    "audit_trail": Case(slug, org(PLANNERS, 200), org(PLANNERS, 405)),
    "member_list": Case(slug, org(ADMINS, 200), org(ADMINS, 405)),
    "member_invite": Case(slug, org(ADMINS, 200), org(ADMINS, 200)),
    "membership_role": Case(slug_and("membership"), org(ADMINS, 200), org(ADMINS, 200)),
    "membership_deactivate": Case(slug_and("membership"), org(ADMINS, 405), org(ADMINS, 302)),
    "membership_reactivate": Case(slug_and("membership"), org(ADMINS, 405), org(ADMINS, 302)),
    "invitation_revoke": Case(slug_and("invitation"), org(ADMINS, 405), org(ADMINS, 302)),
    "unit_list": Case(slug, org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405)),
    "unit_create": Case(slug, org(ADMINS, 200), org(ADMINS, 200)),
    "unit_update": Case(slug_and("unit"), org(ADMINS, 200), org(ADMINS, 200)),
    "unit_archive": Case(slug_and("unit"), org(ADMINS, 405), org(ADMINS, 302)),
    "unit_restore": Case(slug_and("unit"), org(ADMINS, 405), org(ADMINS, 302)),
}


def _invitation(ctx):
    invitation, token = InvitationFactory.create_with_token(organization=ctx["organization"])
    ctx["token"] = token
    return invitation


def _token(ctx):
    ctx["invitation"] = _invitation(ctx)
    return ctx["token"]


BUILDERS = {
    "unit": lambda ctx: UnitFactory(organization=ctx["organization"]),
    "membership": lambda ctx: MembershipFactory(organization=ctx["organization"], role=Role.MEMBER),
    "invitation": _invitation,
    "token": _token,
}
