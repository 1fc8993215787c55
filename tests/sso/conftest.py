"""Fixtures of the sign-in tests; the providers themselves are in tests/sso/providers.py."""

from __future__ import annotations

import pytest

from tests.factories import OrganizationFactory


@pytest.fixture(autouse=True)
def _english(client):
    """The sign-in tests read the English texts: the login pages speak the browser's language
    (the organisation's written standard applies only inside it)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def sso_organization(db):
    return OrganizationFactory(name="SSO kommune", slug="sso-kommune")
