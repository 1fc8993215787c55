"""Operators create a new organisation and its first administrator from the command line.

The administrator then invites everyone else from the browser.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from organizations.models import Membership, Organization, Role, User
from organizations.services import invitation_create


class Command(BaseCommand):
    help = "Create an organisation and invite its first administrator by email."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True, help="Short name used in addresses")
        parser.add_argument(
            "--kind", choices=Organization.Kind.values, default=Organization.Kind.MUNICIPALITY
        )
        parser.add_argument("--number", required=True, help="Municipality or county number")
        parser.add_argument("--written-standard", choices=["nb", "nn"], default="nb")
        parser.add_argument("--planning-year-start-month", type=int, default=1)
        parser.add_argument("--admin-email", required=True)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization(
            name=options["name"],
            slug=options["slug"],
            kind=options["kind"],
            number=options["number"],
            written_standard=options["written_standard"],
            planning_year_start_month=options["planning_year_start_month"],
        )
        try:
            organization.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        organization.save()
        # Invitations need someone who invited: the operator account of this installation.
        operator, _created = User.objects.get_or_create(
            email="operator@tiltakshjulet.localhost",
            defaults={"full_name": "Tiltakshjulet", "is_active": False},
        )
        existing = User.objects.filter(email__iexact=options["admin_email"]).first()
        if existing:
            Membership.objects.create(user=existing, organization=organization, role=Role.ADMIN)
            self.stdout.write(f"{existing.email} is now administrator of {organization.name}.")
        else:
            invitation_create(
                organization=organization,
                email=options["admin_email"],
                role=Role.ADMIN,
                invited_by=operator,
            )
            self.stdout.write(f"Invitation sent to {options['admin_email']}.")
        self.stdout.write(
            self.style.SUCCESS(f"Created {organization.name} (/o/{organization.slug}/).")
        )
