"""Telling the coordinators that a team lead asks them to review a gate.

The same machinery as every other message: a ``Reminder`` row per coordinator (kind
``GATE_REVIEW``, due now), which the dispatcher claims and sends as an email in the
recipient's language (``notifications.emails``), or records as failed when it cannot reach
them. The in-app notification is made at once, tied to the row, so the coordinator sees it
before the email goes and the dispatcher does not make a second one.

Who is told: the programme's coordinator, or every coordinator of the organisation when the
programme has none among the active members (as the escalations do). The person asking is
never told of their own request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from measures.models import Phase
from notifications.models import Notification, Reminder
from notifications.planned import People

if TYPE_CHECKING:
    from phases.models import GateReviewRequest


def subject_key(request: GateReviewRequest) -> str:
    return f"gate-review-{request.pk}"


def request_id(reminder: Reminder) -> int | None:
    """The request a ``GATE_REVIEW`` row is about, from its subject key."""
    pk = reminder.subject_key.removeprefix("gate-review-")
    return int(pk) if pk.isdigit() else None


def recipients(request: GateReviewRequest) -> list[int]:
    measure = request.measure
    people = People.of(measure.organization)
    coordinator_id = measure.program.coordinator_id
    if coordinator_id in people.members and coordinator_id != request.requested_by_id:
        return [coordinator_id]
    return [pk for pk in people.coordinators if pk != request.requested_by_id]


def notify_gate_review(request: GateReviewRequest) -> list[Reminder]:
    """The rows (and notifications) for one request; call inside the request's transaction,
    so both are stored or neither."""
    measure = request.measure
    organization = measure.organization
    path = reverse("phase_gate", args=[organization.slug, measure.pk]) + "#gate-review"
    now = timezone.now()
    today = timezone.localdate()
    people = People.of(organization)
    rows = []
    for recipient_id in recipients(request):
        row = Reminder.objects.create(
            organization=organization,
            recipient_id=recipient_id,
            key=f"gate-review:{request.pk}:{recipient_id}",
            kind=Reminder.Kind.GATE_REVIEW,
            subject_key=subject_key(request),
            title=measure.name[:300],
            starts_on=today,
            ends_on=today,
            about=measure.program.name[:300],
            path=path,
            due_at=now,
        )
        person = people.members[recipient_id]
        with translation.override(person.language or organization.written_standard):
            Notification.objects.create(
                recipient_id=recipient_id,
                organization=organization,
                reminder=row,
                title=(_("Gate review requested: %(measure)s") % {"measure": measure.name})[:300],
                text=(
                    _("%(person)s asks you to review the gate to %(phase)s.")
                    % {
                        "person": request.requested_by,
                        "phase": Phase(request.to_phase).label,
                    }
                )[:500],
                path=path,
            )
        rows.append(row)
    return rows
