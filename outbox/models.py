"""Every email that is not a reminder, as a row written in the same transaction as whatever
caused it (an invitation, a password reset request), and sent by the reminders' dispatcher.

The request never talks to the broker or the mail server: it writes the row, and the
dispatcher sends it when it next runs (every minute, sooner when the request's best-effort
kick reaches a worker). A broker or mail server outage delays an email; it never loses one
and never fails the request.

The body is stored rendered (in the recipient's language) because the links in it carry
tokens that exist nowhere else: the invitation row keeps only a hash, and a password reset
token cannot be derived again once the password changed. The body is therefore kept only
while the email is waiting: it is cleared the moment the row is settled (sent, failed,
missed or cancelled), and a row whose link has expired is never sent (``expires_at``).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Email(models.Model):
    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        PASSWORD_RESET = "password_reset", _("Password reset")

    # The same values as the reminders' states: the shared lease code reads both tables.
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    class Problem(models.TextChoices):
        NONE = "", _("None")
        REJECTED = "rejected", _("The mail server refused the address")
        GAVE_UP = "gave_up", _("The mail server could not be reached, retries used up")
        TOO_LATE = "too_late", _("Too late to be useful")

    # None for an email that belongs to a person rather than an organisation (a password
    # reset): it shows on no organisation's page.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_emails",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # What the email is about ("invitation-12"), read again just before sending.
    about = models.CharField(max_length=120, blank=True)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    # Cleared once the row is settled: they may hold a token (see the module's docstring).
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=200)
    # Not sent after this: the link in it no longer works.
    expires_at = models.DateTimeField(null=True, blank=True)

    state = models.CharField(
        max_length=20, choices=State.choices, default=State.PENDING, db_index=True
    )
    problem = models.CharField(max_length=20, choices=Problem.choices, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The lease (outbox.leases): who holds a "sending" row, and until when.
    claim_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["created_at", "pk"]
        indexes = [
            # The dispatcher's question: rows waiting, or held by a lease.
            models.Index(
                fields=["created_at"],
                condition=models.Q(state__in=["pending", "sending"]),
                name="outbox_email_open",
            ),
            # The coordinators' page: an organisation's emails that went wrong.
            models.Index(fields=["organization", "state", "created_at"], name="outbox_email_org"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}"

    @staticmethod
    def new_message_id(kind: str) -> str:
        """Random, and the same for every attempt at the row, so a mail system can drop a
        duplicate delivery."""
        return f"<{kind.replace('_', '-')}-{uuid.uuid4().hex}@tiltakshjulet>"
