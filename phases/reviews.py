"""A team lead's request that the coordinators review the gate the measure stands at.

Team leads may not move a measure between phases; coordinators may. A request is recorded
(with its history, so it is on the audit trail, and on the measure's timeline), and the
coordinators are told in the product and by email (``notifications.gate_reviews``). A request
is pending until the measure moves; while one is, another for the same gate is refused.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from measures.models import Measure, Phase
from organizations.models import User
from phases.models import GateReviewRequest, PhaseTransition


class GateReviewRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def pending_gate_review(measure: Measure) -> GateReviewRequest | None:
    """The request for the measure's current gate not yet followed by a move (one query)."""
    moved_since = PhaseTransition.objects.filter(
        measure=OuterRef("measure"), decided_at__gte=OuterRef("requested_at")
    )
    return (
        GateReviewRequest.objects.filter(measure=measure, from_phase=measure.phase)
        .exclude(Exists(moved_since))
        .select_related("requested_by")
        .first()
    )


def gate_review_request(*, measure: Measure, user: User, message: str) -> GateReviewRequest:
    """Records the request and tells the coordinators, or raises ``GateReviewRefused``."""
    from notifications.gate_reviews import notify_gate_review  # notifications reads phases

    with transaction.atomic():
        # The measure's row is the lock: two requests sent at once cannot both pass the
        # check below, and a move in between is seen.
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        if locked.phase >= Phase.CONTINUE:
            raise GateReviewRefused(_("The measure is in the last phase: there is no gate."))
        measure.phase = locked.phase
        pending = pending_gate_review(measure)
        if pending is not None:
            raise GateReviewRefused(
                _(
                    "A review of this gate was already requested by %(person)s on %(date)s. "
                    "The coordinators have been told; a new request can be sent once the "
                    "measure has moved."
                )
                % {
                    "person": pending.requested_by,
                    "date": date_format(
                        timezone.localtime(pending.requested_at), "SHORT_DATE_FORMAT"
                    ),
                }
            )
        request = GateReviewRequest.objects.create(
            measure=measure,
            from_phase=locked.phase,
            to_phase=locked.phase + 1,
            requested_by=user,
            message=message.strip(),
        )
        notify_gate_review(request)
    return request
