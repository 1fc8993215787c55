"""Whether an organisation has every shipped success factor is asked once per process, once
the answer is committed: the measure page and the gate page then skip that query."""

from __future__ import annotations

import pytest

from phases import services
from phases.defaults import DEFAULT_FACTORS
from phases.models import SuccessFactor
from tests.factories import OrganizationFactory


@pytest.mark.django_db(transaction=True)
def test_a_complete_organisation_is_not_asked_again(django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(services, "_COMPLETE", set())
    organization = OrganizationFactory()
    services.ensure_default_factors(organization)  # copies them
    with django_assert_num_queries(1):
        services.ensure_default_factors(organization)  # sees them all: remembered
    with django_assert_num_queries(0):
        services.ensure_default_factors(organization)

    # A default shipped later is still copied: the remembered answer was for the old list.
    extra = {"key": "2.new_one", "phase": 2, "nb": "Ny.", "nn": "Ny.", "en": "New."}
    monkeypatch.setattr(services, "DEFAULT_FACTORS", [*DEFAULT_FACTORS, extra])
    services.ensure_default_factors(organization)
    assert SuccessFactor.objects.filter(organization=organization, default_key="2.new_one").exists()


def test_inside_a_transaction_nothing_is_remembered(organization, monkeypatch):
    monkeypatch.setattr(services, "_COMPLETE", set())
    services.ensure_default_factors(organization)
    services.ensure_default_factors(organization)
    assert not services._COMPLETE
