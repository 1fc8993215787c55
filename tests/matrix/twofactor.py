"""Expectations for the second factor's pages (twofactor/).

The matrix logs people in past the second factor (the ``login`` fixture): administrators and
coordinators (and the outsider, an administrator elsewhere) have an authenticator, the other
roles have none and may set one up.
"""

from __future__ import annotations

from tests.matrix.base import ADMINS, LOGIN, Case, logged_in, no_args, org, slug_and

WITHOUT_DEVICE = ["viewer", "member", "team_lead"]
# Set-up is for people without an authenticator; the others are sent to their profile.
SETUP = {**logged_in(302), **dict.fromkeys(WITHOUT_DEVICE, 200)}

MATRIX: dict[str, Case] = {
    # Nothing to verify in a verified session (or for a person who needs no code): sent on.
    "two_factor_verify": Case(no_args, logged_in(302), logged_in(302)),
    "two_factor_setup": Case(no_args, SETUP, SETUP),
    # The new codes are shown once from the session; without any, back to the profile.
    "two_factor_recovery_codes": Case(no_args, logged_in(302), logged_in(302)),
    "two_factor_recovery_codes_download": Case(
        no_args, logged_in(302), {**logged_in(405), "anonymous": LOGIN}
    ),
    "two_factor_recovery_codes_renew": Case(no_args, logged_in(405), logged_in(302)),
    "two_factor_turn_off": Case(no_args, logged_in(405), logged_in(302)),
    "two_factor_member_reset": Case(slug_and("membership"), org(ADMINS, 405), org(ADMINS, 302)),
}
