"""The client secrets' encryption: a key of its own, or one derived from SECRET_KEY."""

from __future__ import annotations

import pytest

from sso import crypto


def test_it_round_trips_and_never_stores_the_plain_secret():
    token = crypto.encrypt("hemmelig")
    assert "hemmelig" not in token
    assert crypto.decrypt(token) == "hemmelig"


def test_a_dedicated_key_is_used_when_set(settings):
    settings.SSO_ENCRYPTION_KEY = "dedicated"
    token = crypto.encrypt("hemmelig")
    settings.SSO_ENCRYPTION_KEY = ""
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)


def test_rotating_the_secret_key_makes_derived_secrets_unreadable(settings):
    settings.SSO_ENCRYPTION_KEY = ""
    token = crypto.encrypt("hemmelig")
    settings.SECRET_KEY = "another-secret-key"
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)
