"""Running a confirmed import once per preview."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from imports.models import ConfirmedImport
from organizations.models import Organization, User

# A claim matters only while its preview can still be confirmed (an hour: PREVIEW_MAX_AGE in
# the views); it is kept a day, then removed by the next import confirmed in the product.
KEEP_CLAIMS = timedelta(days=1)


def new_token() -> str:
    """A token for a preview, to travel (signed) with its rows to the confirmation."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Outcome:
    values: dict[str, Any]  # what ``save`` returned, the first time
    first: bool  # False: an earlier confirmation of the same preview saved it


def import_once(
    *,
    token: str,
    kind: str,
    organization: Organization,
    user: User | None,
    save: Callable[[], dict[str, Any]],
) -> Outcome:
    """Runs ``save`` at most once per token. ``save`` saves the whole import or raises and saves
    nothing, and returns what it did as JSON values (kept, and returned again to any later
    confirmation of the same preview).

    The claim is inserted in the same transaction as the import: if the import fails, the claim
    goes with it and the preview can be confirmed again; if it succeeds, a second confirmation
    (double click, a retry after a lost response) finds it. A second confirmation arriving
    while the first is still saving waits on the token's unique index, then gets the
    IntegrityError and reads the committed claim.
    """
    done = ConfirmedImport.objects.filter(token=token, organization=organization).first()
    if done is not None:
        return Outcome(values=done.outcome, first=False)
    try:
        with transaction.atomic():
            claim = ConfirmedImport.objects.create(
                token=token, kind=kind, organization=organization, user=user
            )
            claim.outcome = save()
            claim.save(update_fields=["outcome"])
            ConfirmedImport.objects.filter(created_at__lt=timezone.now() - KEEP_CLAIMS).delete()
    except IntegrityError:
        done = ConfirmedImport.objects.filter(token=token, organization=organization).first()
        if done is None:  # not our claim that clashed: the import's own error
            raise
        return Outcome(values=done.outcome, first=False)
    return Outcome(values=claim.outcome, first=True)
