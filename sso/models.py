"""Identity providers (OpenID Connect) of an organisation, and its sign-in policy.

An organisation's administrators register one or more providers (Entra ID, Feide, …); the
login page sends people whose email domain or membership belongs to the organisation to
them. See docs/single-sign-on.md.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Organization, Role, TimeStamped
from sso import crypto

# Roles from the most to the least powerful (Role lists them in that order).
ROLE_RANK = {role: rank for rank, role in enumerate(Role.values)}
LOWEST_ROLE = Role.values[-1]
# An administrator may name an environment variable that holds the client secret, but only
# one with this prefix: otherwise the form could send DATABASE_URL or SECRET_KEY to a
# provider of the administrator's choosing.
SECRET_ENV_PREFIX = "SSO_CLIENT_SECRET_"  # noqa: S105 - a name, not a secret


def parse_domains(text: str) -> list[str]:
    """``"Kommune.no, skole.kommune.no"`` → ``["kommune.no", "skole.kommune.no"]``."""
    parts = text.replace("\n", ",").replace(";", ",").split(",")
    return [part.strip().lower().lstrip("@") for part in parts if part.strip()]


def parse_group_roles(text: str) -> dict[str, str]:
    """Lines of ``group value = role`` → ``{group value: role}``; the form validates."""
    mapping: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        group, _sep, role = line.rpartition("=")
        mapping[group.strip()] = role.strip()
    return mapping


class IdentityProviderQuerySet(models.QuerySet["IdentityProvider"]):
    def usable(self) -> IdentityProviderQuerySet:
        return self.filter(is_active=True, organization__is_active=True)


class IdentityProvider(TimeStamped):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="identity_providers",
        verbose_name=_("organisation"),
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What people see on the button, for example Entra ID or Feide."),
    )
    issuer = models.URLField(
        _("issuer"),
        max_length=300,
        help_text=_(
            "The provider's issuer or the address of its discovery document (ending in "
            "/.well-known/openid-configuration). The document is fetched when you save."
        ),
    )
    client_id = models.CharField(_("client id"), max_length=255)
    # Fernet token of the client secret (sso/crypto.py); never shown, never in the history.
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    client_secret_env = models.CharField(
        _("environment variable with the client secret"),
        max_length=100,
        blank=True,
        help_text=_(
            "Instead of storing the secret here: the name of an environment variable of the "
            "server that holds it. It must start with SSO_CLIENT_SECRET_."
        ),
    )
    # When the stored secret last changed: the audit trail shows this, never the secret.
    secret_changed_at = models.DateTimeField(_("client secret changed"), null=True, blank=True)
    allowed_domains = models.CharField(
        _("allowed email domains"),
        max_length=500,
        help_text=_(
            "Comma-separated, for example kommune.no, skole.kommune.no. People with an email "
            "address elsewhere are refused."
        ),
    )
    email_claim = models.CharField(
        _("claim with the email address"),
        max_length=100,
        default="email",
        help_text=_("Usually email. Entra ID may need preferred_username."),
    )
    trust_unverified_email = models.BooleanField(
        _("trust email addresses the provider has not marked as verified"),
        default=False,
        help_text=_(
            "Only for a provider that controls the addresses itself (your own Entra ID "
            "tenant, Feide): they often do not send email_verified. Off means such sign-ins "
            "are refused."
        ),
    )
    group_claim = models.CharField(
        _("claim with the groups"),
        max_length=100,
        blank=True,
        help_text=_("For example groups or roles. Leave empty to map no groups."),
    )
    group_roles = models.TextField(
        _("groups and roles"),
        blank=True,
        help_text=_(
            "One per line: the group's value, an equals sign and a role (admin, coordinator, "
            "team_lead, member or viewer), for example 1a2b3c = coordinator. A member of a "
            "listed group gets its role at every sign-in; the most powerful one wins."
        ),
    )
    allow_new_members = models.BooleanField(
        _("let unknown people in as viewers"),
        default=False,
        help_text=_(
            "A person with an allowed email address who is not a member becomes one, with "
            "the viewer role, and the administrators are told. Off means they are refused."
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    # The discovery document as fetched when the provider was last saved.
    metadata = models.JSONField(default=dict, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["client_secret_encrypted", "metadata"])
    objects = IdentityProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def domains(self) -> list[str]:
        return parse_domains(self.allowed_domains)

    def accepts_domain(self, email: str) -> bool:
        return email.rpartition("@")[2].lower() in self.domains

    @property
    def role_mapping(self) -> dict[str, str]:
        return parse_group_roles(self.group_roles)

    def role_for_groups(self, groups: Any) -> str | None:
        """The most powerful role any of the person's groups maps to, or None."""
        if isinstance(groups, str):
            groups = [groups]
        if not isinstance(groups, list) or not self.group_claim:
            return None
        mapping = self.role_mapping
        roles = [mapping[str(group)] for group in groups if str(group) in mapping]
        return min(roles, key=ROLE_RANK.__getitem__) if roles else None

    def set_client_secret(self, secret: str) -> None:
        self.client_secret_encrypted = crypto.encrypt(secret)
        self.secret_changed_at = timezone.now()

    @property
    def has_stored_secret(self) -> bool:
        return bool(self.client_secret_encrypted)

    def client_secret(self) -> str:
        """The secret from the named environment variable, else the stored one; "" if none.

        Raises ``crypto.InvalidToken`` when the stored secret was encrypted with another key."""
        if self.client_secret_env:
            return os.environ.get(self.client_secret_env, "")
        if self.client_secret_encrypted:
            return crypto.decrypt(self.client_secret_encrypted)
        return ""

    @property
    def end_session_endpoint(self) -> str:
        return str(self.metadata.get("end_session_endpoint") or "")


class SignInPolicy(TimeStamped):
    """How the organisation's members sign in, besides the providers."""

    organization = models.OneToOneField(
        Organization,
        on_delete=models.PROTECT,
        related_name="sign_in_policy",
        verbose_name=_("organisation"),
    )
    password_login_disabled = models.BooleanField(
        _("turn off sign-in with a password for the members"),
        default=False,
        help_text=_(
            "Members then sign in only through the organisation's identity providers. The "
            "break-glass administrator below keeps their password."
        ),
    )
    break_glass_admin = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("break-glass administrator"),
        help_text=_(
            "An administrator who may always sign in with a password, for when the identity "
            "provider is down or wrongly set up."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policies")

    def __str__(self) -> str:
        return str(self.organization)
