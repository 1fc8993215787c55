"""Seeds the production-stack test's own database with a small organisation.

Run in a subprocess with the stack's environment (``python -m tests.browser.production_seed``,
production settings): the test process itself only knows its own test database. Prints, as
one JSON line, what the browser needs to sign in.
"""

from __future__ import annotations

import json

import django


def main() -> None:
    django.setup()
    from organizations.models import Role
    from tests.factories import (
        DEFAULT_PASSWORD,
        MembershipFactory,
        OrganizationFactory,
        ProgramFactory,
        UserFactory,
    )
    from tests.second_factor import fresh_recovery_code

    organization = OrganizationFactory(name="Driftsvik kommune", slug="driftsvik")
    program = ProgramFactory(organization=organization, name="Trygge barn")
    coordinator = UserFactory(email="koordinator@driftsvik.test")
    MembershipFactory(organization=organization, user=coordinator, role=Role.COORDINATOR)
    print(
        json.dumps(
            {
                "slug": organization.slug,
                "program": program.pk,
                "email": coordinator.email,
                "password": DEFAULT_PASSWORD,
                # Coordinators pass a second factor: a recovery code made for the occasion.
                "code": fresh_recovery_code(coordinator),
            }
        )
    )


if __name__ == "__main__":
    main()
