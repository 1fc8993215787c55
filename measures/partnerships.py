"""Partnerships made in the product: an invitation to a programme, its answer, and its end.

States (organizations.models.Partnership.Status): pending → accepted or declined; pending or
accepted → ended. ``is_active`` is true exactly while accepted, and every partner page
filters on it, so an end removes access with the next request. Each step saves the row (so
the audit trail has who and when) and tells the other side's administrators.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from measures.models import Program
from notifications.partnerships import notify_admins
from organizations.models import Organization, Partnership, User


class PartnershipError(Exception):
    """A step the partnership's state does not allow (answered twice, ended twice)."""


def _page(organization: Organization) -> str:
    return reverse("partnership_list", args=[organization.slug])


def open_partnership_exists(program: Program, partner: Organization) -> bool:
    return program.partnerships.filter(
        partner=partner,
        status__in=[Partnership.Status.PENDING, Partnership.Status.ACCEPTED],
    ).exists()


def partnership_invite(
    *, program: Program, partner: Organization, access: str, message: str, user: User
) -> Partnership:
    grantor = program.organization
    if partner.pk == grantor.pk:
        raise PartnershipError("An organisation cannot invite itself")
    with transaction.atomic():
        partnership = Partnership.objects.create(
            grantor=grantor,
            partner=partner,
            access=access,
            message=message,
            status=Partnership.Status.PENDING,
            is_active=False,
            invited_by=user,
        )
        program.partnerships.add(partnership)
        notify_admins(
            partner,
            title=lambda: (
                _("%(organization)s invites you to the programme %(program)s")
                % {"organization": grantor.name, "program": program.name}
            ),
            text=lambda: message,
            path=_page(partner),
        )
    return partnership


def _locked(partnership: Partnership) -> Partnership:
    return Partnership.objects.select_for_update().get(pk=partnership.pk)


def partnership_answer(*, partnership: Partnership, accept: bool, user: User) -> Partnership:
    """The invited organisation's answer. Locked, so two administrators answering at once
    give one answer and an error, never two."""
    with transaction.atomic():
        row = _locked(partnership)
        if row.status != Partnership.Status.PENDING:
            raise PartnershipError("The invitation is already answered or withdrawn")
        row.status = Partnership.Status.ACCEPTED if accept else Partnership.Status.DECLINED
        row.is_active = accept
        row.answered_by = user
        row.answered_at = timezone.now()
        row.save()
        partner = row.partner
        notify_admins(
            row.grantor,
            title=lambda: (
                (
                    _("%(organization)s accepted your invitation")
                    if accept
                    else _("%(organization)s declined your invitation")
                )
                % {"organization": partner.name}
            ),
            text=lambda: "",
            path=_page(row.grantor),
        )
    return row


def partnership_end(*, partnership: Partnership, by: Organization, user: User) -> Partnership:
    """Either side ends an accepted partnership (or the grantor withdraws an invitation);
    access goes at once."""
    with transaction.atomic():
        row = _locked(partnership)
        if row.status not in (Partnership.Status.PENDING, Partnership.Status.ACCEPTED):
            raise PartnershipError("The partnership is not open")
        row.status = Partnership.Status.ENDED
        row.is_active = False
        row.ended_by = user
        row.ended_at = timezone.now()
        row.save()
        other = row.partner if by.pk == row.grantor_id else row.grantor
        notify_admins(
            other,
            title=lambda: _("%(organization)s ended the partnership") % {"organization": by.name},
            text=lambda: "",
            path=_page(other),
        )
    return row
