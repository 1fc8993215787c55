"""The pages of the reminders: a person's own notifications (across organisations) and the
coordinators' page of an organisation's reminders that did not reach anyone.

The notification pages only ever read the signed-in person's rows, so another person's
notification is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from notifications.models import Notification, Reminder
from organizations.views.base import OrganizationViewMixin
from outbox.models import Email

# --- a person's notifications --------------------------------------------------------------


class NotificationListView(LoginRequiredMixin, ListView):
    """``/notifications/``: the person's notifications, newest first, from every
    organisation. The unread count comes from the context processor (no second query)."""

    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self) -> QuerySet[Notification]:
        # The items of a day's escalations, listed under their notification: one query.
        items = Reminder.objects.select_related("organization").order_by(
            "organization__name", "organization_id", "starts_on", "pk"
        )
        return (
            Notification.objects.filter(recipient_id=self.request.user.pk)
            .select_related("organization", "reminder")
            .prefetch_related(Prefetch("items", queryset=items))
            .order_by("-created_at", "-pk")
        )


def safe_path(request: HttpRequest, path: str) -> str | None:
    """The item's page if it is a path on this site (never another host)."""
    if not path.startswith("/") or path.startswith("//"):
        return None
    if not url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
        return None
    return path


class NotificationOpenView(LoginRequiredMixin, View):
    """POST only: marks the notification read and goes to its item; a notification that
    lists several items (a day's escalations) stays in the list, where each has its link."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notification = get_object_or_404(
            Notification.objects.only("pk", "path", "read_at"),
            pk=pk,
            recipient_id=request.user.pk,
        )
        if notification.read_at is None:
            Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
                read_at=timezone.now()
            )
        target = safe_path(request, notification.path)
        return redirect(target) if target else redirect("notification_list")


class NotificationReadAllView(LoginRequiredMixin, View):
    """POST only: marks every notification of the person read."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        count = Notification.objects.filter(
            recipient_id=request.user.pk, read_at__isnull=True
        ).update(read_at=timezone.now())
        if count:
            messages.success(request, _("All your notifications are marked as read."))
        return redirect("notification_list")


# --- the coordinators' page ----------------------------------------------------------------

# What went wrong, in rows worth a coordinator's attention (gaps are failed from the start).
PROBLEM_STATES = (Reminder.State.FAILED, Reminder.State.MISSED)
STATS_DAYS = 30
PAGE_SIZE = 50

# What a coordinator can do about each problem, under its plain-words reason.
ADVICE = {
    Reminder.Problem.NO_RECIPIENT: gettext_lazy(
        "Choose someone responsible for it, so somebody is reminded."
    ),
    Reminder.Problem.NO_EMAIL: gettext_lazy("The person's account needs an email address."),
    Reminder.Problem.INACTIVE: gettext_lazy(
        "Choose someone else responsible, or ask an administrator to reactivate the person."
    ),
    Reminder.Problem.REJECTED: gettext_lazy(
        "Check the person's email address: the mail server refused it."
    ),
    Reminder.Problem.GAVE_UP: gettext_lazy(
        "The mail server was down for a long time. Later reminders are sent as usual."
    ),
    Reminder.Problem.TOO_LATE: gettext_lazy(
        "The reminder could not go out in time (the service was down), so it was not sent late."
    ),
}


# The outbox's emails (invitations) that did not go out, and what to do about each.
EMAIL_PROBLEM_STATES = (Email.State.FAILED, Email.State.MISSED)
EMAILS_SHOWN = 20
EMAIL_ADVICE = {
    Email.Problem.REJECTED: gettext_lazy(
        "Check the address: the mail server refused it. Invite the person again with the "
        "right address."
    ),
    Email.Problem.GAVE_UP: gettext_lazy(
        "The mail server was down for a long time. Invite the person again to send a new link."
    ),
    Email.Problem.TOO_LATE: gettext_lazy(
        "The email could not go out before its link expired (the service was down). Invite "
        "the person again."
    ),
}


class ReminderFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[
            ("", gettext_lazy("Failed or missed")),
            *[(state.value, state.label) for state in PROBLEM_STATES],
        ],
    )
    problem = forms.ChoiceField(
        label=gettext_lazy("Reason"),
        required=False,
        choices=[
            ("", gettext_lazy("Any reason")),
            *[(value, label) for value, label in Reminder.Problem.choices if value],
        ],
    )


class ReminderProblemsView(OrganizationViewMixin, ListView):
    """``/o/<slug>/reminders/``: the organisation's reminders that failed or were missed,
    and the planned gaps (nobody to remind), newest first, with the last 30 days' counts.

    Below them, the organisation's other emails (invitations) that failed or were missed:
    kind, address, reason and attempts, never the body (it held the link's token, and is
    cleared once the row is settled anyway).

    A fixed number of queries: the page of rows (with their recipients), its count, one
    aggregate for the counts, and the latest emails that went wrong."""

    permission_required = "notifications.view_reminder_problems"
    template_name = "notifications/reminder_problems.html"
    context_object_name = "reminders"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Reminder]:
        self.filter_form = ReminderFilterForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        rows = Reminder.objects.filter(organization=self.organization, state__in=PROBLEM_STATES)
        if data.get("state"):
            rows = rows.filter(state=data["state"])
        if data.get("problem"):
            rows = rows.filter(problem=data["problem"])
        return rows.select_related("recipient").order_by("-due_at", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = list(context["reminders"])
        for row in rows:
            row.advice = ADVICE.get(row.problem, "")
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            reminders=rows,
            object_list=rows,
            filter_form=self.filter_form,
            query_without_page=query.urlencode(),
            stats=self.stats(),
            stats_days=STATS_DAYS,
            failed_emails=self.failed_emails(),
        )
        return context

    def failed_emails(self) -> list[Email]:
        emails = list(
            Email.objects.filter(organization=self.organization, state__in=EMAIL_PROBLEM_STATES)
            .only("kind", "to", "state", "problem", "attempts", "created_at", "last_error")
            .order_by("-created_at", "-pk")[:EMAILS_SHOWN]
        )
        for email in emails:
            email.advice = EMAIL_ADVICE.get(Email.Problem(email.problem), "")  # type: ignore[attr-defined]
        return emails

    def stats(self) -> dict[str, int]:
        """How the reminders due in the last 30 days went, and the coming gaps: one query."""
        now = timezone.now()
        since = now - timedelta(days=STATS_DAYS)
        state = Reminder.State
        past = Q(due_at__lte=now)
        counts: dict[str, int] = Reminder.objects.filter(
            organization=self.organization, due_at__gte=since
        ).aggregate(
            sent=Count("pk", filter=past & Q(state=state.SENT)),
            waiting=Count("pk", filter=past & Q(state__in=[state.PENDING, state.SENDING])),
            failed=Count("pk", filter=past & Q(state=state.FAILED)),
            missed=Count("pk", filter=past & Q(state=state.MISSED)),
            coming_gaps=Count("pk", filter=Q(due_at__gt=now, state=state.FAILED)),
        )
        return counts
