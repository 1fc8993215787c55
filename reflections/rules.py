"""Who may do what with reflection questions, learning meetings, action items and lessons.

- Every member reads everything here, politicians included.
- Coordinators and admins keep the question bank and may run any meeting; a team lead runs
  the meetings of the measures they lead (a programme's meetings are the planners').
- Members who take part in a meeting answer its questions and add action items; the owner of
  an action item may mark it done.
- Anyone but a viewer records lessons; the one who recorded a lesson and the planners change
  it; only planners share lessons with partner organisations.
"""

from __future__ import annotations

from typing import Any

import rules

from measures.rules import is_planner, may_work_on_measure
from organizations.models import Role
from organizations.rules import can_edit_content, has_role, is_member


def meeting_of(obj: Any) -> Any:
    """The meeting an object belongs to (itself, or through ``.meeting``)."""
    from reflections.models import LearningMeeting

    if isinstance(obj, LearningMeeting):
        return obj
    return getattr(obj, "meeting", None)


@rules.predicate
def takes_part(user: Any, obj: Any) -> bool:
    """The user is a participant of the meeting (read from prefetched participants when the
    view loaded them, so a page of checks costs no queries)."""
    meeting = meeting_of(obj)
    if meeting is None or not getattr(user, "is_authenticated", False):
        return False
    cache = getattr(meeting, "_prefetched_objects_cache", {})
    if "participants" in cache:
        return any(person.pk == user.pk for person in cache["participants"])
    return meeting.participants.filter(pk=user.pk).exists()


@rules.predicate
def runs_meeting(user: Any, obj: Any) -> bool:
    """Planners, or the team lead of the meeting's measure."""
    meeting = meeting_of(obj)
    if meeting is None:
        return False
    return bool(may_work_on_measure(user, meeting))


@rules.predicate
def owns_item(user: Any, obj: Any) -> bool:
    return getattr(obj, "owner_id", None) == user.pk


@rules.predicate
def recorded_it(user: Any, obj: Any) -> bool:
    return getattr(obj, "recorded_by_id", None) == user.pk


may_take_part = runs_meeting | (can_edit_content & takes_part)

rules.add_perm("reflections.view_reflections", is_member)
rules.add_perm("reflections.manage_questions", is_planner)
# Planners add any meeting; team leads add meetings of the measures they lead (the form
# offers only those).
rules.add_perm("reflections.add_meeting", is_planner | has_role(Role.TEAM_LEAD))
rules.add_perm("reflections.run_meeting", runs_meeting)
rules.add_perm("reflections.take_part", may_take_part)
rules.add_perm("reflections.update_action_item", may_take_part | (can_edit_content & owns_item))
rules.add_perm("reflections.add_lesson", can_edit_content)
rules.add_perm("reflections.change_lesson", is_planner | (can_edit_content & recorded_it))
rules.add_perm("reflections.share_lessons", is_planner)
