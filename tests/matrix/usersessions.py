"""Expectations for sessions: a person's own list, an administrator's sign-out of a member."""

from __future__ import annotations

from tests.matrix.base import ADMINS, Case, logged_in, no_args, org, slug_and

MATRIX: dict[str, Case] = {
    # POST without a session to end says it had already ended and goes back to the list.
    "session_list": Case(no_args, logged_in(200), logged_in(302)),
    "member_sign_out": Case(slug_and("membership"), org(ADMINS, 200), org(ADMINS, 302)),
}
