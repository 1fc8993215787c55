"""The bell in the utility bar: the signed-in person's unread count, and whether the menu
links to the coordinators' page of reminders."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import Notification

# Counting stops here: the bell says "99+" rather than counting a long-neglected list.
MOST_COUNTED = 99


class UnreadNotifications:
    """The unread count, read with one query the first time a template asks for it, and
    kept on the request: every template rendered for the request shares it."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id

    @cached_property
    def count(self) -> int:
        unread = Notification.objects.filter(recipient_id=self.user_id, read_at__isnull=True)
        # COUNT over a LIMIT: cheap however many there are (the partial index covers it).
        return unread.values("pk")[: MOST_COUNTED + 1].count()

    @property
    def shown(self) -> str:
        return f"{MOST_COUNTED}+" if self.count > MOST_COUNTED else str(self.count)

    @property
    def label(self) -> str:
        """What a screen reader says for the bell: "3 unread notifications"."""
        if self.count > MOST_COUNTED:
            return _("More than %(count)s unread notifications") % {"count": MOST_COUNTED}
        if self.count == 0:
            return _("No unread notifications")
        return ngettext(
            "%(count)s unread notification", "%(count)s unread notifications", self.count
        ) % {"count": self.count}


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = getattr(request, "_unread_notifications", None)
    if unread is None:
        unread = UnreadNotifications(user.pk)
        request._unread_notifications = unread  # type: ignore[attr-defined]
    organization = getattr(request, "organization", None)
    return {
        "unread_notifications": unread,
        # The membership is cached on the user by the middleware: no query.
        "nav_reminder_problems": organization is not None
        and user.has_perm("notifications.view_reminder_problems", organization),
    }
