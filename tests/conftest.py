"""Fixtures shared by every test: one organisation, one user per role, and an outsider."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from organizations.models import Role
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganizationFactory, UserFactory
from tests.second_factor import pass_second_factor

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    return [
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db['NAME']})",
        f"celery broker: {settings.CELERY_BROKER_URL.split('@')[-1]}",
        f"CI: {IN_CI}",
    ]


@pytest.fixture(scope="session", autouse=True)
def _report_database_version(django_db_setup, django_db_blocker):
    """Prints the server actually used, so the CI log shows the suite ran on PostgreSQL."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        print(f"\n[tests run on] {cursor.fetchone()[0]}")


def require_or_skip(condition: bool, reason: str) -> None:
    """In CI a missing service or browser fails the test; on a laptop it skips it."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required when CI=true)")
    pytest.skip(reason)


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Testvik kommune", slug="testvik")


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(name="Nabo kommune", slug="nabo")


def _member(organization, role, email):
    return MembershipFactory(
        organization=organization, role=role, user=UserFactory(email=email)
    ).user


@pytest.fixture
def admin_user(organization):
    return _member(organization, Role.ADMIN, "admin@testvik.test")


@pytest.fixture
def coordinator(organization):
    return _member(organization, Role.COORDINATOR, "koordinator@testvik.test")


@pytest.fixture
def team_lead(organization):
    return _member(organization, Role.TEAM_LEAD, "teamleder@testvik.test")


@pytest.fixture
def member(organization):
    return _member(organization, Role.MEMBER, "medlem@testvik.test")


@pytest.fixture
def viewer(organization):
    return _member(organization, Role.VIEWER, "politiker@testvik.test")


@pytest.fixture
def outsider(other_organization):
    """An administrator elsewhere: logged in, powerful, but not a member of ``organization``."""
    return _member(other_organization, Role.ADMIN, "admin@nabo.test")


ROLE_FIXTURES = {
    "admin": "admin_user",
    "coordinator": "coordinator",
    "team_lead": "team_lead",
    "member": "member",
    "viewer": "viewer",
    "outsider": "outsider",
}


@pytest.fixture
def login(client: Client):
    """``login(user)`` logs the test client in and returns it, past the second factor for
    the roles that need one (tests/test_two_factor.py walks that step itself)."""

    def _login(user) -> Client:
        # Without the login form: django-axes refuses authenticate() without a request, and
        # tests/test_lockout.py and the browser tests log in through the form.
        client.force_login(user)
        pass_second_factor(client, user)
        return client

    return _login


@pytest.fixture
def password_login(client: Client):
    """``password_login(email, password)`` logs in through the login form, as a person does
    (django-axes sees the request); True when it worked."""

    def _password_login(email: str, password: str) -> bool:
        response = client.post(reverse("login"), {"username": email, "password": password})
        return response.status_code == 302

    return _password_login


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters (organizations/throttle.py) never carry over from one test to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _data_versions_bump_at_once(request, monkeypatch):
    """A test runs inside a transaction that is rolled back, never committed, so a bump queued
    with on_commit would never come and a cached dashboard or feed would not see the test's
    writes. Here a write counts as committed at once. Tests marked ``real_commits`` keep
    on_commit (with ``django_db(transaction=True)``: commits and rollbacks of their own)."""
    if request.node.get_closest_marker("real_commits"):
        return
    from dataversion import versions

    monkeypatch.setattr(versions, "_on_commit", lambda callback: callback())


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: the middleware activates a language per
    request and never resets it, so without this a test would inherit the last request's."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# The identity providers of the sign-in tests, shared by tests/sso/ and the browser tests so
# each starts once per session.
from tests.sso.providers import crafted_provider, node_provider  # noqa: E402, F401
