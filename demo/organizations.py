"""Demo organisations, units, accounts and partnerships."""

from __future__ import annotations

from typing import Any

from organizations.models import Membership, Organization, Role, Unit, User

ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "slug": "demo-kommune",
        "name": "Demo kommune",
        "kind": Organization.Kind.MUNICIPALITY,
        "number": "3999",
        "written_standard": "nb",
        "planning_year_start_month": 1,
        "units": [
            ("Solsiden barnehage", Unit.Kind.KINDERGARTEN),
            ("Bakken barnehage", Unit.Kind.KINDERGARTEN),
            ("Nordby skole", Unit.Kind.SCHOOL),
            ("Sentrum ungdomsskole", Unit.Kind.SCHOOL),
            ("Helsestasjon og skolehelsetjeneste", Unit.Kind.HEALTH_CLINIC),
            ("Barneverntjenesten", Unit.Kind.CHILD_WELFARE),
            ("PP-tjenesten", Unit.Kind.PPT),
            ("Kultur og fritid", Unit.Kind.CULTURE),
        ],
    },
    {
        "slug": "demo-herad",
        "name": "Demo herad",
        "kind": Organization.Kind.MUNICIPALITY,
        "number": "4699",
        "written_standard": "nn",
        "planning_year_start_month": 8,
        "units": [
            ("Fjordtun barnehage", Unit.Kind.KINDERGARTEN),
            ("Heradet skule", Unit.Kind.SCHOOL),
            ("Helsestasjonen", Unit.Kind.HEALTH_CLINIC),
            ("Barnevernet", Unit.Kind.CHILD_WELFARE),
        ],
    },
    {
        "slug": "demo-fylke",
        "name": "Demo fylkeskommune",
        "kind": Organization.Kind.COUNTY,
        "number": "46",
        "written_standard": "nb",
        "planning_year_start_month": 8,
        "units": [
            ("Kystbyen videregående skole", Unit.Kind.SCHOOL),
            ("Tannhelsetjenesten", Unit.Kind.HEALTH),
            ("Opplæringsavdelingen", Unit.Kind.ADMINISTRATION),
        ],
    },
]

# (email, full name, [(organisation slug, role), …])
ACCOUNTS = [
    ("admin@demo-kommune.no", "Astrid Administrator", [("demo-kommune", Role.ADMIN)]),
    (
        "koordinator@demo-kommune.no",
        "Kari Koordinator",
        [("demo-kommune", Role.COORDINATOR), ("demo-fylke", Role.MEMBER)],
    ),
    ("teamleder@demo-kommune.no", "Tor Teamleder", [("demo-kommune", Role.TEAM_LEAD)]),
    ("medlem@demo-kommune.no", "Mona Medlem", [("demo-kommune", Role.MEMBER)]),
    ("politiker@demo-kommune.no", "Per Politiker", [("demo-kommune", Role.VIEWER)]),
    ("koordinator@demo-herad.no", "Kjersti Koordinator", [("demo-herad", Role.COORDINATOR)]),
    ("koordinator@demo-fylke.no", "Frode Fylkeskoordinator", [("demo-fylke", Role.COORDINATOR)]),
]


def seed_organizations(password: str) -> dict[str, Organization]:
    """Creates or updates the demo organisations and accounts; returns them by slug."""
    organizations = {}
    for spec in ORGANIZATIONS:
        fields = {key: value for key, value in spec.items() if key not in {"slug", "units"}}
        units: list[tuple[str, str]] = spec["units"]
        organization, _created = Organization.objects.update_or_create(
            slug=spec["slug"], defaults=fields
        )
        organizations[organization.slug] = organization
        for name, kind in units:
            Unit.objects.get_or_create(
                organization=organization, name=name, defaults={"kind": kind}
            )

    for email, full_name, roles in ACCOUNTS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email, password, full_name=full_name)
        else:
            user.full_name = full_name
            user.set_password(password)
            user.save()
        for slug, role in roles:
            Membership.objects.update_or_create(
                user=user,
                organization=organizations[slug],
                defaults={"role": role, "is_active": True},
            )

    # The county's partnerships are made as invitations in demo/partnerships.py.
    return organizations
