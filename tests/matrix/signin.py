"""Expectations for the administrators' page of locked logins."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt, AccessAttemptExpiration
from django.conf import settings
from django.utils import timezone

from organizations.models import Role
from tests.factories import MembershipFactory
from tests.matrix.base import ADMINS, Case, org, slug, slug_and


def locked_attempt(user, address="198.51.100.7", failures=None):
    """A lockout in force of ``user`` from ``address``, as django-axes writes it."""
    attempt = AccessAttempt.objects.create(
        username=user.email,
        ip_address=address,
        user_agent="test",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=failures or settings.LOGIN_FAILURE_LIMIT,
    )
    AccessAttemptExpiration.objects.create(
        access_attempt=attempt, expires_at=timezone.now() + timedelta(minutes=15)
    )
    return attempt


MATRIX: dict[str, Case] = {
    "lockout_list": Case(slug, org(ADMINS, 200), org(ADMINS, 405)),
    "lockout_release": Case(slug_and("lockout"), org(ADMINS, 405), org(ADMINS, 302)),
}

BUILDERS = {
    "lockout": lambda ctx: locked_attempt(
        MembershipFactory(organization=ctx["organization"], role=Role.MEMBER).user
    ),
}
