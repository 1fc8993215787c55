"""Who may see what of the reminders. A person's own notifications need no rule: the views
only ever read the signed-in person's rows (``recipient=request.user``)."""

from __future__ import annotations

import rules

from measures.rules import is_planner

# The coordinators' page: reminders of the organisation that failed, were missed, or had
# nobody to go to. It names people and their problems, so planners only.
rules.add_perm("notifications.view_reminder_problems", is_planner)
