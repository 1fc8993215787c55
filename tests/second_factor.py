"""Gets test clients past the second factor without each test typing a code.

Used by the ``login`` fixtures after the password step, so it composes with however that step
is done (``Client.login`` or ``force_login``).
"""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from twofactor.policy import step_for
from twofactor.services import RECOVERY_DEVICE_NAME


def authenticator_for(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def pass_second_factor(client: Client, user) -> None:
    """Marks the client's session as verified, as django_otp.login does, for a person who
    would be asked for a code (or to set one up); others are left as they are."""
    if step_for(user) is None:
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
    session.save()


def fresh_recovery_code(user) -> str:
    """A new single-use recovery code for ``user`` (and an authenticator, so they are asked)."""
    authenticator_for(user)
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    return device.token_set.create(token=StaticToken.random_token()).token
