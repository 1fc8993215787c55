"""Who may do what on the annual wheel (roles: organizations/rules.py).

Everyone in the organisation reads the wheel, politicians included. Coordinators and admins
plan it: wheels, rings, templates and imports. Team leads put their own meetings, checkpoints
and deadlines on it and change the events they made, are responsible for, or whose measure
they lead.
"""

from __future__ import annotations

from typing import Any

import rules

from measures.rules import is_planner
from organizations.models import Role
from organizations.rules import has_role, is_member

is_team_lead = has_role(Role.TEAM_LEAD)


@rules.predicate
def has_a_hand_in_the_event(user: Any, event: Any) -> bool:
    if event is None or not hasattr(event, "created_by_id"):
        return False
    if user.pk in (event.created_by_id, event.responsible_id):
        return True
    return event.measure is not None and event.measure.team_lead_id == user.pk


rules.add_perm("yearwheel.view_wheel", is_member)
rules.add_perm("yearwheel.manage_wheel", is_planner)
rules.add_perm("yearwheel.add_event", is_planner | is_team_lead)
rules.add_perm("yearwheel.change_event", is_planner | (is_team_lead & has_a_hand_in_the_event))
