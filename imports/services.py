"""Running a confirmed import once per preview."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from imports.models import ConfirmedImport
from organizations.models import Organization, User


def new_token() -> str:
    """A token for a preview, to travel (signed) with its rows to the confirmation."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Outcome:
    count: int
    first: bool  # False: an earlier confirmation of the same preview saved it


def import_once(
    *,
    token: str,
    kind: str,
    organization: Organization,
    user: User | None,
    save: Callable[[], int],
) -> Outcome:
    """Runs ``save`` (which saves the whole import, or raises and saves nothing, and returns the
    number saved) at most once per token.

    The claim is inserted in the same transaction as the import: if the import fails, the claim
    goes with it and the preview can be confirmed again; if it succeeds, a second confirmation
    (double click, a retry after a lost response) finds it. A second confirmation arriving
    while the first is still saving waits on the token's unique index, then gets the
    IntegrityError and reads the committed claim.
    """
    done = ConfirmedImport.objects.filter(token=token, organization=organization).first()
    if done is not None:
        return Outcome(count=done.count, first=False)
    try:
        with transaction.atomic():
            claim = ConfirmedImport.objects.create(
                token=token, kind=kind, organization=organization, user=user
            )
            claim.count = save()
            claim.save(update_fields=["count"])
    except IntegrityError:
        done = ConfirmedImport.objects.filter(token=token, organization=organization).first()
        if done is None:  # not our claim that clashed: the import's own error
            raise
        return Outcome(count=done.count, first=False)
    return Outcome(count=claim.count, first=True)
