"""Expectations for the reminders' pages: a person's own notifications and the coordinators'
page of reminders that went wrong.

The notification list and "mark all as read" are personal: every signed-in person has one
(outsiders included, since they are someone's member elsewhere). The matrix notification
belongs to the ``member`` user: opening it redirects them to its item; for everyone else it
does not exist (404). The coordinators' page is for planners, read only.
"""

from __future__ import annotations

from notifications.models import Notification
from organizations.models import User
from tests.matrix.base import LOGGED_IN, LOGIN, PLANNERS, Case, logged_in, no_args, org, slug

# The email of the ``member`` fixture (tests/conftest.py): the matrix notification is theirs.
OWNER_EMAIL = "medlem@testvik.test"


def _only_the_owner(status: int) -> dict:
    return {"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, 404), "member": status}


MATRIX = {
    "notification_list": Case(no_args, logged_in(200), logged_in(405)),
    "notification_read_all": Case(no_args, logged_in(405), logged_in(302)),
    "notification_open": Case(
        lambda ctx: {"pk": ctx["notification"].pk}, logged_in(405), _only_the_owner(302)
    ),
    "reminder_problems": Case(slug, org(PLANNERS, 200), org(PLANNERS, 405)),
}


def _notification(ctx) -> Notification:
    # The member fixture made the owner when the member is under test; otherwise the owner
    # is made here (and never logs in).
    owner = User.objects.filter(email=OWNER_EMAIL).first() or User.objects.create_user(
        OWNER_EMAIL, full_name="Matrix Medlem"
    )
    return Notification.objects.create(
        recipient=owner,
        organization=ctx["organization"],
        title="Budsjettseminar",
        path=f"/o/{ctx['organization'].slug}/",
    )


BUILDERS = {"notification": _notification}
