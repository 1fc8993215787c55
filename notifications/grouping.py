"""Escalations reach a coordinator as one message a day, listing every overdue item.

On the first start, or after a busy week, a coordinator may have many items overdue at once:
one email (and one in-app notification) each would bury the important ones. So:

- **Claimed together.** When the dispatcher claims an escalation, it takes along the same
  person's other escalations that are due by the end of that day, in every organisation
  (``take_along``: the same claim token and lease, ``select_for_update(skip_locked=True)``).
- **Sent together.** Delivering any one of them sends all the held ones in one email,
  grouped by organisation and by what is overdue, each with its link, and makes one in-app
  notification that lists them (``deliver_group``). Each row still records its own outcome.
- **Once a day.** Before sending, under a row lock on the person, the group takes the day's
  escalation notification; if the person already has one for today (another dispatcher's
  group, or rows that became due later that day), the rows wait until the next morning at
  ``SEND_AT`` instead. Only the rows of a dispatcher that died after it took the day but
  before it recorded the outcome can be sent again, as for any reminder (``outbox.leases``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import ngettext

from notifications.dispatch import still_wanted
from notifications.models import Notification, Reminder
from notifications.planned import MISSED_AFTER, due_at
from outbox import leases
from outbox.leases import Claim, PermanentFailure

log = logging.getLogger(__name__)

ESCALATION = Reminder.Kind.ESCALATION


def day_start(moment: datetime) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(moment), time.min))


def take_along(batch: Claim, now: datetime) -> Claim:
    """Adds to ``batch`` the other escalations due by the end of the day of each person
    whose escalation it holds: they go out in the same message."""
    recipients = set(
        Reminder.objects.filter(pk__in=batch.ids, kind=ESCALATION, recipient__isnull=False)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    if not recipients:
        return batch
    with transaction.atomic():
        rows = Reminder.objects.select_for_update(skip_locked=True).filter(
            leases.takeable(now),
            kind=ESCALATION,
            recipient_id__in=recipients,
            due_at__lt=day_start(now) + timedelta(days=1),
            # Rows past the cut-off are the claim's to settle (missed), not to send.
            due_at__gte=now - MISSED_AFTER,
        )
        ids = list(rows.exclude(pk__in=batch.ids).values_list("pk", flat=True))
        if ids:
            Reminder.objects.filter(pk__in=ids).update(
                state=leases.SENDING,
                claim_token=batch.token,
                lease_until=now + leases.lease(),
                claimed_at=now,
                updated_at=now,
            )
    batch.ids.extend(ids)
    return batch


def deliver_group(lead: Reminder, token: uuid.UUID, now: datetime | None = None) -> str:
    """Sends ``lead`` and the same person's other held escalations as one message; returns
    the state ``lead`` ended in."""
    from notifications.emails import check_recipient, send_escalations

    rows = list(
        leases.held(Reminder, token)
        .filter(kind=ESCALATION, recipient_id=lead.recipient_id)
        .select_related("recipient", "organization")
        .order_by("organization__name", "organization_id", "starts_on", "pk")
    )
    outcome: dict[int, str] = {}
    ready: list[Reminder] = []
    for row in rows:
        if not still_wanted(row):
            leases.finish(Reminder, row.pk, token, state=Reminder.State.CANCELLED)
            outcome[row.pk] = Reminder.State.CANCELLED
            continue
        try:
            check_recipient(row)
        except PermanentFailure as failure:
            leases.finish(
                Reminder,
                row.pk,
                token,
                state=Reminder.State.FAILED,
                problem=failure.problem,
                error=str(failure),
            )
            outcome[row.pk] = Reminder.State.FAILED
            continue
        ready.append(row)
    if ready:
        if _take_the_day(ready) is None:
            _wait_until_tomorrow(ready, token)
            outcome.update(dict.fromkeys((row.pk for row in ready), Reminder.State.PENDING))
        else:
            outcome.update(_send(ready, token, now, send_escalations))
    return outcome.get(lead.pk, "gone")


def _send(
    rows: list[Reminder],
    token: uuid.UUID,
    now: datetime | None,
    send: Callable[[list[Reminder]], None],
) -> dict[int, str]:
    """One message for ``rows``; each row records the outcome (or a retry, all together)."""
    result = leases.attempt(
        lambda: send(rows),
        lambda message: log.exception("escalations %s: %s", [row.pk for row in rows], message),
    )
    states: dict[int, str] = {}
    for row in rows:
        if result.state == leases.PENDING:
            states[row.pk] = leases.retry(Reminder, row, token, result.error, now)
        else:
            leases.finish(
                Reminder,
                row.pk,
                token,
                state=result.state,
                problem=result.problem,
                error=result.error,
            )
            states[row.pk] = result.state
    return states


def _take_the_day(rows: list[Reminder]) -> Notification | None:
    """The in-app notification of the person's escalations today, made for ``rows`` (or
    theirs already, on a retry); None when another group already has today's."""
    person = rows[0].recipient
    assert person is not None  # noqa: S101 - checked before
    pks = [row.pk for row in rows]
    with transaction.atomic():
        # One group at a time per person: the check and the new notification are one step.
        get_user_model().objects.select_for_update().filter(pk=person.pk).values_list(
            "pk", flat=True
        ).first()
        notification = Notification.objects.filter(items__pk__in=pks).first()
        if notification is None:
            today = Notification.objects.filter(
                recipient_id=person.pk,
                reminder__kind=ESCALATION,
                created_at__gte=day_start(timezone.now()),
            )
            if today.exists():
                return None
            notification = Notification.objects.create(
                recipient_id=person.pk,
                organization_id=rows[0].organization_id,
                reminder=rows[0],
                **_summary(rows),
            )
        Reminder.objects.filter(pk__in=pks).update(told_in=notification)
    return notification


def _summary(rows: list[Reminder]) -> dict[str, str]:
    """Title, text and link of the notification: the item itself when it is one."""
    if len(rows) == 1:
        return {"title": rows[0].title, "text": rows[0].about, "path": rows[0].path}
    person = rows[0].recipient
    assert person is not None  # noqa: S101 - checked before
    with translation.override(person.language or rows[0].organization.written_standard):
        title = ngettext(
            "%(count)d overdue item to follow up", "%(count)d overdue items to follow up", len(rows)
        ) % {"count": len(rows)}
    names = dict.fromkeys(row.organization.name for row in rows)
    return {"title": title, "text": ", ".join(names)[:500], "path": ""}


def _wait_until_tomorrow(rows: list[Reminder], token: uuid.UUID) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    leases.held(Reminder, token).filter(pk__in=[row.pk for row in rows]).update(
        state=Reminder.State.PENDING,
        due_at=due_at(tomorrow),
        claim_token=None,
        lease_until=None,
        claimed_at=None,
        updated_at=timezone.now(),
    )
