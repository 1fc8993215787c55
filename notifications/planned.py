"""What the planner and the escalations share: a reminder row as wanted, the members it may go
to, and when reminders go out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from notifications.models import Reminder
from organizations.models import Membership, Organization, Role, User

SEND_AT = time(7, 0)  # reminders go out at seven in the morning, Oslo time
# Past this, a reminder is useless: the dispatcher marks it missed (and the planner skips it).
MISSED_AFTER = timedelta(hours=6)


@dataclass(frozen=True)
class Planned:
    """A reminder row as the planner wants it."""

    key: str
    kind: str
    subject_key: str
    recipient_id: int | None
    offset_days: int
    due_at: datetime
    title: str
    starts_on: date
    ends_on: date
    start_time: time | None
    place: str
    about: str
    path: str
    kind_of_item: str
    # Last: the escalations and digests have no end time.
    end_time: time | None = None
    state: str = Reminder.State.PENDING
    problem: str = ""

    def row(self, organization: Organization) -> Reminder:
        return Reminder(
            organization=organization,
            recipient_id=self.recipient_id,
            key=self.key,
            kind=self.kind,
            subject_key=self.subject_key,
            offset_days=self.offset_days,
            due_at=self.due_at,
            title=self.title[:300],
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            start_time=self.start_time,
            end_time=self.end_time,
            place=self.place[:200],
            about=self.about[:300],
            path=self.path[:500],
            kind_of_item=self.kind_of_item,
            state=self.state,
            problem=self.problem,
        )

    def refreshed(self) -> tuple[Any, ...]:
        """The values of ``REFRESHED`` as stored (cut to the columns' lengths, as ``row``)."""
        return (
            self.title[:300],
            self.starts_on,
            self.ends_on,
            self.start_time,
            self.end_time,
            self.place[:200],
            self.about[:300],
            self.path[:500],
            self.kind_of_item,
            self.due_at,
        )


def due_at(day: date) -> datetime:
    """``SEND_AT`` on ``day`` in the site's time zone (Oslo), as an aware datetime: the wall
    clock time stays seven in the morning across daylight-saving changes."""
    return timezone.make_aware(datetime.combine(day, SEND_AT))


@dataclass
class People:
    """The organisation's active members, by id, with what planning needs of them."""

    members: dict[int, User]
    coordinators: list[int]

    @classmethod
    def of(cls, organization: Organization) -> People:
        memberships = Membership.objects.active().filter(organization=organization)
        members: dict[int, User] = {}
        coordinators: list[int] = []
        for membership in memberships.select_related("user").order_by("user_id"):
            members[membership.user_id] = membership.user
            if membership.role == Role.COORDINATOR:
                coordinators.append(membership.user_id)
        return cls(members, coordinators)
