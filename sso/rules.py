"""Who may configure how an organisation's members sign in."""

from __future__ import annotations

import rules

from organizations.rules import is_admin

# Identity providers decide who gets into the organisation, so administrators only.
rules.add_perm("sso.manage_sign_in", is_admin)
