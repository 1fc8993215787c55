"""Workflows that touch several rows: invitations, joining, and guarding the last admin."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.emails import invitation_email_enqueue
from organizations.models import Invitation, Membership, Organization, Role, User


class MembershipError(Exception):
    """A change that would break a rule of the organisation; the message is for the user."""


class InvitationUnavailable(Exception):
    """The invitation was used, withdrawn or expired between showing it and accepting it."""


def invitation_create(
    *, organization: Organization, email: str, role: str, invited_by: User
) -> Invitation:
    """Creates an invitation and its email in the outbox, sent once the transaction commits.

    Inviting the same address again replaces the pending invitation, so only the newest link
    works and an admin can simply invite again when a message went astray.
    """
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.pending().filter(organization=organization, email=email).update(
            revoked_at=now
        )
        token, token_hash = Invitation.new_token()
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            token_hash=token_hash,
            invited_by=invited_by,
            expires_at=Invitation.default_expiry(),
        )
        # The raw token exists only here and in the email: the row keeps a hash. The email is
        # an outbox row in this transaction, so it exists exactly when the invitation does,
        # and no broker is involved in the request (docs/outbox.md).
        invitation_email_enqueue(invitation, token)
    return invitation


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Makes ``user`` a member with the invited role; the link works once.

    The invitation is claimed with a conditional update, so two clicks on the same link (or
    two browsers) cannot both succeed.
    """
    with transaction.atomic():
        claimed = (
            Invitation.objects.pending()
            .filter(pk=invitation.pk)
            .update(accepted_at=timezone.now(), accepted_by=user)
        )
        if not claimed:
            raise InvitationUnavailable
        membership, created = Membership.objects.get_or_create(
            user=user,
            organization=invitation.organization,
            defaults={"role": invitation.role},
        )
        if not created and (not membership.is_active or membership.role != invitation.role):
            membership.is_active = True
            membership.role = invitation.role
            membership.save(update_fields=["is_active", "role", "updated_at"])
    return membership


def _lock_and_check_admins(membership: Membership, *, stays_admin: bool) -> None:
    """Raises unless the organisation keeps an active admin after this change.

    The organisation's active admins are locked first, so two admins demoting each other at
    the same moment cannot both succeed. The membership's stored state is what counts, not
    the in-memory object (a form may already have changed it).
    """
    admins = set(
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.ADMIN, is_active=True)
        .values_list("pk", flat=True)
    )
    if not stays_admin and admins == {membership.pk}:
        raise MembershipError(_("The organisation must keep at least one administrator."))


def membership_change_role(*, membership: Membership, role: str) -> Membership:
    with transaction.atomic():
        _lock_and_check_admins(membership, stays_admin=role == Role.ADMIN)
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    return membership


def membership_set_active(*, membership: Membership, active: bool) -> Membership:
    with transaction.atomic():
        _lock_and_check_admins(membership, stays_admin=active and membership.role == Role.ADMIN)
        membership.is_active = active
        membership.save(update_fields=["is_active", "updated_at"])
    return membership
