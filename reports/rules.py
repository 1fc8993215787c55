"""Who may do what with the status dashboard and reports.

Every member reads the dashboard and the published reports; politicians (viewers) land on the
dashboard. Coordinators and admins write the measures' summaries, compose, publish and share
reports. Readers of a share link need no account (reports/sharing.py).
"""

from __future__ import annotations

import rules

from measures.rules import is_planner
from organizations.rules import is_member

rules.add_perm("reports.view_dashboard", is_member)
rules.add_perm("reports.view_reports", is_member)
rules.add_perm("reports.write_summary", is_planner)
rules.add_perm("reports.manage_reports", is_planner)
