"""The reminder emails: text and HTML, in the recipient's language, saying what, when,
where and why, with a link to the item and to the person's notification settings."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from notifications.dispatch import PermanentFailure
from notifications.models import ACTION_ITEM, Reminder
from organizations.emails import render_email
from organizations.models import Membership
from yearwheel.occurrences import Occurrence, occurrences_between

TEMPLATES = {
    Reminder.Kind.BEFORE: "reminder",
    Reminder.Kind.ESCALATION: "reminder-escalation",
    Reminder.Kind.DIGEST: "reminder-digest",
    Reminder.Kind.GATE_REVIEW: "reminder-gate-review",
}
# Escalations are about an overdue evaluation, unless the subject says otherwise.
ACTION_ESCALATION = "reminder-escalation-action"


def check_recipient(reminder: Reminder) -> None:
    """Raises :class:`PermanentFailure` when the reminder can never reach its person."""
    person = reminder.recipient
    if person is None:
        raise PermanentFailure(Reminder.Problem.NO_RECIPIENT)
    member = Membership.objects.active().filter(
        user=person, organization_id=reminder.organization_id
    )
    if not person.is_active or not member.exists():
        raise PermanentFailure(Reminder.Problem.INACTIVE)
    if not person.email:
        raise PermanentFailure(Reminder.Problem.NO_EMAIL)


def digest_content(reminder: Reminder) -> dict[str, Any]:
    """The person's next 14 days and what is overdue, read when the digest is sent."""
    from measures.models import Measure

    assert reminder.recipient is not None  # noqa: S101 - checked before
    person = reminder.recipient
    today = timezone.localdate()
    upcoming: list[Occurrence] = [
        occurrence
        for occurrence in occurrences_between(
            reminder.organization, today, today + timedelta(days=14)
        )
        if occurrence.responsible_id == person.pk
    ]
    overdue = list(
        Measure.objects.active()
        .filter(
            organization_id=reminder.organization_id,
            team_lead=person,
            next_evaluation_due__lt=today,
        )
        .order_by("next_evaluation_due")
    )
    return {"upcoming": upcoming, "overdue": overdue}


def action_item_owner(reminder: Reminder) -> Any:
    """The owner of the overdue action item an escalation is about (``action-<pk>-<due>``),
    read when the email is sent, so the coordinator knows whom to ask; None if it is gone."""
    from reflections.models import ActionItem

    pk = reminder.subject_key.split("-")[1]
    if not pk.isdigit():
        return None
    item = (
        ActionItem.objects.filter(pk=int(pk), organization_id=reminder.organization_id)
        .select_related("owner")
        .first()
    )
    return item.owner if item else None


def gate_review_content(reminder: Reminder) -> dict[str, Any]:
    """Who asks for the gate review, to which phase, and their message, read when sent."""
    from notifications.gate_reviews import request_id
    from phases.models import GateReviewRequest

    pk = request_id(reminder)
    request = (
        GateReviewRequest.objects.filter(pk=pk, measure__organization_id=reminder.organization_id)
        .select_related("requested_by")
        .first()
        if pk is not None
        else None
    )
    if request is None:
        return {"requested_by": None, "to_phase": "", "message": ""}
    return {
        "requested_by": request.requested_by,
        "to_phase": request.get_to_phase_display(),
        "message": request.message,
    }


def send_escalations(rows: list[Reminder]) -> None:
    """One email for a person's escalations of the day (``notifications.grouping``): the
    email of the item itself when there is one, else a list of them all."""
    if len(rows) == 1:
        send_reminder(rows[0])
        return
    person = rows[0].recipient
    assert person is not None  # noqa: S101 - checked before
    organization = rows[0].organization
    language = person.language or organization.written_standard
    today = timezone.localdate()
    owners = _action_item_owners(rows)
    sections: dict[int, dict[str, Any]] = {}
    for row in rows:  # ordered by organisation, then due date
        section = sections.setdefault(
            row.organization_id,
            {"organization": row.organization, "evaluations": [], "action_items": []},
        )
        item = {
            "reminder": row,
            "days_overdue": (today - row.starts_on).days,
            "url": f"{settings.SITE_URL}{row.path}" if row.path else "",
            "owner": owners.get(row.pk),
        }
        group = "action_items" if row.overdue_item == ACTION_ITEM else "evaluations"
        section[group].append(item)
    context: dict[str, Any] = {
        "person": person,
        "organization": organization,
        "count": len(rows),
        "sections": list(sections.values()),
        "one_organization": len(sections) == 1,
        "settings_url": f"{settings.SITE_URL}{reverse('profile')}",
    }
    subject, text, html = render_email("reminder-escalations", context, language)
    # The same on every attempt of this group, as a single reminder's.
    digest = hashlib.sha256("|".join(sorted(row.key for row in rows)).encode()).hexdigest()
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[person.email],
        headers={
            "Message-ID": f"<escalations-{digest[:32]}@tiltakshjulet>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _action_item_owners(rows: list[Reminder]) -> dict[int, Any]:
    """The owners of the action items among ``rows``, by row: one query."""
    from reflections.models import ActionItem

    wanted: dict[int, int] = {}
    for row in rows:
        pk = row.subject_key.split("-")[1] if row.overdue_item == ACTION_ITEM else ""
        if pk.isdigit():
            wanted[int(pk)] = row.pk
    if not wanted:
        return {}
    items = ActionItem.objects.filter(pk__in=wanted).select_related("owner")
    return {wanted[item.pk]: item.owner for item in items}


def send_reminder(reminder: Reminder) -> None:
    """Sends the email; the dispatcher has checked the recipient (``check_recipient``)."""
    person = reminder.recipient
    assert person is not None  # noqa: S101 - checked above
    language = person.language or reminder.organization.written_standard
    context: dict[str, Any] = {
        "reminder": reminder,
        "person": person,
        "organization": reminder.organization,
        "item_url": f"{settings.SITE_URL}{reminder.path}" if reminder.path else "",
        "settings_url": f"{settings.SITE_URL}{reverse('profile')}",
    }
    name = TEMPLATES[Reminder.Kind(reminder.kind)]
    if reminder.kind == Reminder.Kind.DIGEST:
        context.update(digest_content(reminder))
    elif reminder.kind == Reminder.Kind.GATE_REVIEW:
        context.update(gate_review_content(reminder))
    elif reminder.kind == Reminder.Kind.ESCALATION:
        # The due date is the row's date: how late it is when the email goes.
        context["days_overdue"] = (timezone.localdate() - reminder.starts_on).days
        if reminder.overdue_item == ACTION_ITEM:
            name = ACTION_ESCALATION
            context["owner"] = action_item_owner(reminder)
    subject, text, html = render_email(name, context, language)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[person.email],
        headers={"Message-ID": reminder.message_id, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.send()
