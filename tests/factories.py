from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from organizations.models import Invitation, Membership, Organization, Partnership, Role, Unit, User
from organizations.validators import COUNTY_NUMBERS

_COUNTIES = sorted(COUNTY_NUMBERS)


def municipality_number(n: int) -> str:
    """A valid municipality number no real municipality has: county code + 90..99."""
    return f"{_COUNTIES[n % len(_COUNTIES)]}{90 + (n // len(_COUNTIES)) % 10}"


DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@kommune.test")
    full_name = factory.Faker("name", locale="no_NO")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    slug = factory.Sequence(lambda n: f"testkommune-{n}")
    kind = Organization.Kind.MUNICIPALITY
    number = factory.Sequence(municipality_number)
    written_standard = "nb"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")
    kind = Unit.Kind.SCHOOL


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MEMBER


class InvitationFactory(DjangoModelFactory):
    """Use ``InvitationFactory.create_with_token()`` when the raw link token is needed."""

    class Meta:
        model = Invitation

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@kommune.test")
    role = Role.MEMBER
    token_hash = factory.LazyFunction(lambda: Invitation.new_token()[1])
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(Invitation.default_expiry)

    @classmethod
    def create_with_token(cls, **kwargs) -> tuple[Invitation, str]:
        token, token_hash = Invitation.new_token()
        return cls.create(token_hash=token_hash, **kwargs), token


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    grantor = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.COUNTY, number="46")
    partner = factory.SubFactory(OrganizationFactory)
    access = Partnership.Access.READ
