"""Who may do what with programmes and measures (see organizations/rules.py for the roles)."""

from __future__ import annotations

from typing import Any

import rules

from organizations.models import Role
from organizations.rules import can_edit_content, has_role, is_member

is_planner = has_role(Role.ADMIN, Role.COORDINATOR)


def measure_of(obj: Any) -> Any:
    """The measure an object belongs to (itself, or through ``.measure``), if any."""
    from measures.models import Measure

    if isinstance(obj, Measure):
        return obj
    return getattr(obj, "measure", None)


@rules.predicate
def leads_the_measure(user: Any, obj: Any) -> bool:
    measure = measure_of(obj)
    return measure is not None and measure.team_lead_id == user.pk


# Team leads edit the measures they lead (and enter its measurements and evaluations);
# coordinators and admins edit everything in their organisation.
may_work_on_measure = is_planner | (can_edit_content & leads_the_measure)

rules.add_perm("measures.view_programs", is_member)
rules.add_perm("measures.manage_programs", is_planner)
rules.add_perm("measures.view_measures", is_member)
rules.add_perm("measures.add_measure", is_planner)
rules.add_perm("measures.archive_measure", is_planner)
rules.add_perm("measures.change_measure", may_work_on_measure)
rules.add_perm("measures.enter_measurements", may_work_on_measure)
rules.add_perm("measures.add_evaluation", may_work_on_measure)
rules.add_perm("measures.comment_measure", can_edit_content)
rules.add_perm("measures.export_data", is_member)
rules.add_perm("measures.import_measurements", is_planner)
# Programmes other organisations share with this one (see measures/views/partners.py).
rules.add_perm("measures.view_shared", is_member)
# Publishing a measure as a template for every partner of its programme.
rules.add_perm("measures.publish_template", is_planner)
# Partnerships (measures/partnerships.py, docs/partnerships.md). Administrators and
# coordinators see them and invite, choose what is shared and end what they granted; an
# invitation received binds the whole organisation, so only its administrators answer it
# and end it from the receiving side.
rules.add_perm("measures.view_partnerships", is_planner)
rules.add_perm("measures.manage_partnerships", is_planner)
rules.add_perm("measures.answer_partnerships", has_role(Role.ADMIN))
