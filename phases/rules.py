"""Who may do what in the phase life cycle (roles: organizations/rules.py)."""

from __future__ import annotations

import rules

from measures.rules import is_planner, may_work_on_measure
from organizations.rules import is_admin, is_member

# Only coordinators and admins move measures between phases (and override gates).
rules.add_perm("phases.move_phase", is_planner)
rules.add_perm("phases.view_phases", is_member)
# The measure's own team works on its phase material: assessments, plan, laps, components.
rules.add_perm("phases.work_on_phase", may_work_on_measure)
# Recording decisions (phase I go-on, phase IV continuation) is for planners.
rules.add_perm("phases.record_decision", is_planner)
# The organisation's set of success factors.
rules.add_perm("phases.manage_factors", is_admin)
# Taking a partner's measure into use makes a measure of one's own: planners of the adopter.
rules.add_perm("phases.adopt_measure", is_planner)
