"""Fixtures of the sign-in tests; the providers themselves are in tests/sso/providers.py."""

from __future__ import annotations

import pytest

from tests.factories import OrganizationFactory


@pytest.fixture
def sso_organization(db):
    return OrganizationFactory(name="SSO kommune", slug="sso-kommune")
