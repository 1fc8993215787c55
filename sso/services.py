"""Sign-in workflows: which providers an email goes to, whether a password may be used, and
what a provider's verified answer (the ID token's claims) lets a person into."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.models import Notification
from organizations.models import Membership, Role, User
from sso.models import LOWEST_ROLE, IdentityProvider, SignInPolicy

# The reason the provider's own role changes carry in the audit trail.
ROLE_FROM_GROUPS = gettext_lazy("Role from the groups at the identity provider")


class SignInRefused(Exception):
    """A sign-in that must not happen; the message is for the person, in their language."""


@dataclass
class SignedIn:
    user: User
    membership: Membership
    joined: bool  # a membership was created by this sign-in


def providers_for_email(email: str) -> list[IdentityProvider]:
    """The usable providers of every organisation the address belongs to: by its domain,
    and by the active memberships of an existing user with this address."""
    email = email.strip().lower()
    domain = email.rpartition("@")[2]
    member_of = Membership.objects.active().filter(user__email__iexact=email)
    candidates = IdentityProvider.objects.usable().select_related("organization")
    by_domain = [
        p for p in candidates.filter(allowed_domains__icontains=domain) if p.accepts_domain(email)
    ]
    by_membership = list(candidates.filter(organization__in=member_of.values("organization")))
    found = {p.pk: p for p in [*by_domain, *by_membership]}
    return sorted(found.values(), key=lambda p: (p.organization.name, p.name, p.pk))


def password_login_allowed(user: User) -> bool:
    """False when an organisation the person is an active member of has turned passwords
    off, unless the person is that organisation's break-glass administrator."""
    policies = SignInPolicy.objects.filter(
        password_login_disabled=True,
        organization__in=Membership.objects.active().filter(user=user).values("organization"),
    )
    return all(policy.break_glass_admin_id == user.pk for policy in policies)


def email_from_claims(provider: IdentityProvider, claims: dict[str, Any]) -> str:
    """The person's address, checked against the provider's rules."""
    email = claims.get(provider.email_claim)
    if not isinstance(email, str) or "@" not in email:
        raise SignInRefused(
            _("%(provider)s did not tell us your email address, so you cannot be signed in.")
            % {"provider": provider.name}
        )
    email = email.strip().lower()
    verified = claims.get("email_verified") is True
    if not verified and not provider.trust_unverified_email:
        raise SignInRefused(
            _(
                "%(provider)s has not confirmed that %(email)s is your address, so you cannot "
                "be signed in. Confirm the address with %(provider)s, or ask your "
                "administrator."
            )
            % {"provider": provider.name, "email": email}
        )
    if not provider.accepts_domain(email):
        raise SignInRefused(
            _("%(email)s is not an address %(organization)s signs in with through %(provider)s.")
            % {"email": email, "organization": provider.organization, "provider": provider.name}
        )
    return email


def sign_in_from_claims(*, provider: IdentityProvider, claims: dict[str, Any]) -> SignedIn:
    """The person and membership the provider's verified claims stand for.

    A member is signed in (their role follows a mapped group); an unknown person with an
    allowed address joins when the provider lets them (lowest role, or a mapped group's
    role) and the administrators are told; anyone else is refused."""
    email = email_from_claims(provider, claims)
    organization = provider.organization
    mapped_role = provider.role_for_groups(claims.get(provider.group_claim))
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        membership = (
            Membership.objects.filter(user=user, organization=organization).first()
            if user
            else None
        )
        if user is not None and not user.is_active:
            raise SignInRefused(_("Your account is deactivated. Ask your administrator."))
        if membership is not None and not membership.is_active:
            raise SignInRefused(
                _("Your membership of %(organization)s is deactivated. Ask its administrator.")
                % {"organization": organization}
            )
        if membership is not None:
            policy = SignInPolicy.objects.filter(organization=organization).first()
            is_break_glass = policy is not None and policy.break_glass_admin_id == user.pk  # type: ignore[union-attr]
            if mapped_role and mapped_role != membership.role and not is_break_glass:
                membership.role = mapped_role
                membership._change_reason = str(ROLE_FROM_GROUPS)  # type: ignore[attr-defined]
                membership.save(update_fields=["role", "updated_at"])
            assert user is not None  # noqa: S101 - a membership has a user
            return SignedIn(user=user, membership=membership, joined=False)
        if not (provider.allow_new_members or mapped_role):
            raise SignInRefused(
                _(
                    "You are not a member of %(organization)s in Tiltakshjulet. Ask one of its "
                    "administrators to invite you."
                )
                % {"organization": organization}
            )
        if user is None:
            name = claims.get("name")
            user = User.objects.create_user(
                email, full_name=name if isinstance(name, str) else ""
            )  # no usable password: this person signs in through the provider
        membership = Membership.objects.create(
            user=user, organization=organization, role=mapped_role or LOWEST_ROLE
        )
        transaction.on_commit(lambda: notify_admins_of_new_member(membership, provider))
    return SignedIn(user=user, membership=membership, joined=True)


def notify_admins_of_new_member(membership: Membership, provider: IdentityProvider) -> None:
    """An in-app notification to each administrator, in their own language."""
    organization = membership.organization
    admins = User.objects.filter(
        memberships__organization=organization,
        memberships__role=Role.ADMIN,
        memberships__is_active=True,
        is_active=True,
    ).exclude(pk=membership.user_id)
    path = reverse("member_list", kwargs={"org_slug": organization.slug})
    for admin in admins:
        with translation.override(admin.language or organization.written_standard):
            Notification.objects.create(
                recipient=admin,
                organization=organization,
                title=_("%(person)s joined through %(provider)s")
                % {"person": membership.user.email, "provider": provider.name},
                text=_("Role: %(role)s. Check the role on the members page.")
                % {"role": membership.get_role_display()},
                path=path,
            )
