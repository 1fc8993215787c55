"""Reminders as rows (an outbox) and the notifications people read in the product.

A reminder is planned ahead by ``notifications.planning`` with a unique ``key`` (what, which
occurrence, to whom, how many days before), so planning twice creates nothing twice. The
dispatcher (``notifications.dispatch``) claims due rows under a row lock, sends, and records
the outcome. Nothing here is ever deleted by the product: the rows are the history that the
coordinators' page shows.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

# What an escalation is about (``Reminder.overdue_item``).
EVALUATION = "evaluation"
ACTION_ITEM = "action"


class Reminder(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", _("Reminder before")
        ESCALATION = "escalation", _("Overdue, to the coordinator")
        DIGEST = "digest", _("Weekly digest")
        # A team lead asks the coordinators to review a gate (phases.services).
        GATE_REVIEW = "gate_review", _("Gate review requested")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    class Problem(models.TextChoices):
        NONE = "", _("None")
        NO_RECIPIENT = "no_recipient", _("Nobody is responsible")
        NO_EMAIL = "no_email", _("The person has no email address")
        INACTIVE = "inactive", _("The person is no longer an active member")
        REJECTED = "rejected", _("The mail server refused the address")
        GAVE_UP = "gave_up", _("The mail server could not be reached, retries used up")
        TOO_LATE = "too_late", _("Too late to be useful")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="reminders"
    )
    # None when there is nobody to remind: the row is kept so coordinators see the gap.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The occurrence the reminder is about ("event-12-2026-10-15"), or "digest".
    subject_key = models.CharField(max_length=120)
    offset_days = models.PositiveSmallIntegerField(default=0)
    # What the email says, as planned (the planner refreshes pending rows when it changes).
    title = models.CharField(max_length=300)
    starts_on = models.DateField()
    ends_on = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    about = models.CharField(max_length=300, blank=True)  # the measure or programme
    path = models.CharField(max_length=500, blank=True)  # the item's page, without the host
    kind_of_item = models.CharField(max_length=20, blank=True)  # yearwheel Kind value

    due_at = models.DateTimeField()
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.PENDING, db_index=True
    )
    problem = models.CharField(max_length=20, choices=Problem.choices, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The lease (outbox.leases): who holds a "sending" row, and until when.
    claim_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # The in-app notification that told of it: one for a whole group of escalations
    # (``notifications.grouping``), so the list shows the day's overdue items together.
    told_in = models.ForeignKey(
        "Notification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_at", "pk"]
        indexes = [
            # The dispatcher's question: pending rows that are due.
            models.Index(
                fields=["due_at"],
                condition=models.Q(state="pending"),
                name="reminder_pending_due",
            ),
            # The planner's question: this organisation's pending rows in its window.
            models.Index(fields=["organization", "state", "starts_on"], name="reminder_org_plan"),
            # Taking over the rows of a dispatcher whose lease ran out.
            models.Index(fields=["state", "lease_until"], name="reminder_lease"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def overdue_item(self) -> str:
        """What an escalation is about, from its subject key: ``ACTION_ITEM`` for an action
        item of a learning meeting ("action-12-2026-10-15"), else ``EVALUATION``."""
        if self.kind == Reminder.Kind.ESCALATION and self.subject_key.startswith("action-"):
            return ACTION_ITEM
        return EVALUATION

    @property
    def message_id(self) -> str:
        """The same for every attempt, so a mail system can drop a duplicate delivery."""
        digest = hashlib.sha256(self.key.encode()).hexdigest()[:32]
        return f"<reminder-{digest}@tiltakshjulet>"


class Notification(models.Model):
    """What a person finds in the product's notification list (one per reminder sent)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="notifications"
    )
    reminder = models.OneToOneField(
        Reminder, on_delete=models.CASCADE, null=True, blank=True, related_name="notification"
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.CharField(_("text"), max_length=500, blank=True)
    path = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title
