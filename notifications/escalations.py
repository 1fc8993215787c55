"""Escalations: what is overdue by the organisation's limit goes to a coordinator, once.

Overdue evaluations and open action items from learning meetings both go to the coordinator of
the programme they belong to or, without one, to every coordinator; with no coordinator at all
the gap is recorded as a failed row, so admins see it on the reminders page. Each is told once
per missed due date: given a new date that passes too, it is told again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.urls import reverse

from notifications.models import Reminder
from notifications.planned import MISSED_AFTER, People, Planned, due_at
from organizations.models import Organization
from yearwheel.models import Kind


def _escalation(
    *,
    subject: str,
    coordinator_id: int | None,
    people: People,
    overdue_on: date,
    organization: Organization,
    now: datetime,
    title: str,
    about: str,
    path: str,
    kind_of_item: str,
) -> Iterator[Planned]:
    """The rows telling the programme's coordinator (or every coordinator) about ``subject``,
    due on ``overdue_on`` and overdue by the organisation's limit."""
    if coordinator_id in people.members:
        recipients: list[int | None] = [coordinator_id]
    else:
        recipients = [*people.coordinators] or [None]
    limit = timedelta(days=organization.escalate_after_days)
    # Still worth saying late (what is overdue stays overdue): never planned missed.
    escalate_at = max(due_at(overdue_on + limit), now - MISSED_AFTER / 2)
    for recipient_id in recipients:
        # Nobody to tell: the gap is recorded as a failed row.
        yield Planned(
            key=f"escalation:{subject}:{recipient_id or 'nobody'}",
            kind=Reminder.Kind.ESCALATION,
            subject_key=subject,
            recipient_id=recipient_id,
            offset_days=0,
            due_at=escalate_at,
            state=Reminder.State.PENDING if recipient_id else Reminder.State.FAILED,
            problem="" if recipient_id else Reminder.Problem.NO_RECIPIENT,
            title=title,
            starts_on=overdue_on,
            ends_on=overdue_on,
            start_time=None,
            place="",
            about=about,
            path=path,
            kind_of_item=kind_of_item,
        )


def plan_escalations(
    organization: Organization, people: People, today: date, now: datetime
) -> Iterator[Planned]:
    """Evaluations overdue by the organisation's limit."""
    from measures.models import Measure

    limit = today - timedelta(days=organization.escalate_after_days)
    overdue = (
        Measure.objects.active()
        .filter(organization=organization, next_evaluation_due__lte=limit)
        .select_related("program")
        .only("pk", "name", "next_evaluation_due", "program__name", "program__coordinator_id")
    )
    for measure in overdue:
        assert measure.next_evaluation_due is not None  # noqa: S101 - filtered above
        measure.organization = organization  # its URL needs the slug: no query per measure
        yield from _escalation(
            subject=f"evaluation-{measure.pk}-{measure.next_evaluation_due.isoformat()}",
            coordinator_id=measure.program.coordinator_id,
            people=people,
            overdue_on=measure.next_evaluation_due,
            organization=organization,
            now=now,
            title=measure.name,
            about=measure.program.name,
            path=measure.get_absolute_url() + "#evaluations",
            kind_of_item=Kind.CHECKPOINT,
        )


def plan_action_escalations(
    organization: Organization, people: People, today: date, now: datetime
) -> Iterator[Planned]:
    """Open action items of learning meetings overdue by the organisation's limit."""
    from reflections.models import ActionItem

    limit = today - timedelta(days=organization.escalate_after_days)
    overdue = (
        ActionItem.objects.open()
        .filter(organization=organization, due_date__lte=limit, meeting__is_archived=False)
        # The wheel leaves out an archived measure's meetings: so does this.
        .exclude(meeting__measure__is_archived=True)
        .select_related("meeting__measure", "meeting__program")
        .only(
            "pk",
            "text",
            "due_date",
            "meeting_id",
            "meeting__measure__name",
            "meeting__program__name",
            "meeting__program__coordinator_id",
        )
    )
    # reverse() once, not per item.
    prefix = reverse("meeting_detail", kwargs={"org_slug": organization.slug, "pk": 1})
    prefix = prefix.removesuffix("1/")
    for item in overdue:
        meeting = item.meeting
        program, measure = meeting.program, meeting.measure
        yield from _escalation(
            subject=f"action-{item.pk}-{item.due_date.isoformat()}",
            coordinator_id=program.coordinator_id if program else None,
            people=people,
            overdue_on=item.due_date,
            organization=organization,
            now=now,
            title=item.text,
            about=measure.name if measure else (program.name if program else ""),
            path=f"{prefix}{meeting.pk}/#action-{item.pk}",
            kind_of_item=Kind.DEADLINE,
        )
