import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from organizations.models import Organization, User
from organizations.validators import validate_county_number, validate_municipality_number
from tests.factories import OrganizationFactory, PartnershipFactory, UserFactory


@pytest.mark.parametrize("number", ["0301", "4601", "1103", "5001", "5601"])
def test_it_accepts_municipality_numbers(number):
    validate_municipality_number(number)


@pytest.mark.parametrize("number", ["301", "46010", "46a1", "4600", "9901", "0101", ""])
def test_it_rejects_malformed_municipality_numbers(number):
    with pytest.raises(ValidationError):
        validate_municipality_number(number)


@pytest.mark.parametrize("number", ["03", "46", "50", "56"])
def test_it_accepts_county_numbers(number):
    validate_county_number(number)


@pytest.mark.parametrize("number", ["4", "460", "01", "99", "4600"])
def test_it_rejects_unknown_county_numbers(number):
    with pytest.raises(ValidationError):
        validate_county_number(number)


def test_an_organisation_validates_its_number_by_kind(db):
    county = OrganizationFactory.build(kind=Organization.Kind.COUNTY, number="4601")
    with pytest.raises(ValidationError) as error:
        county.full_clean()
    assert "number" in error.value.message_dict
    OrganizationFactory.build(kind=Organization.Kind.COUNTY, number="46").full_clean()


def test_a_partnership_needs_two_organisations(db):
    organization = OrganizationFactory()
    with pytest.raises(IntegrityError):
        PartnershipFactory(grantor=organization, partner=organization)


def test_email_addresses_are_stored_in_lower_case_and_unique(db):
    user = UserFactory(email="Kari.Nordmann@Kommune.NO")
    assert user.email == "kari.nordmann@kommune.no"
    assert User.objects.get_by_natural_key("KARI.nordmann@kommune.no") == user
    with pytest.raises(IntegrityError):
        UserFactory(email="KARI.NORDMANN@kommune.no")
