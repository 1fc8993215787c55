"""The client secrets of identity providers, encrypted at rest with Fernet.

The key is ``settings.SSO_ENCRYPTION_KEY`` when set, otherwise derived from ``SECRET_KEY``
(HKDF-SHA256 with a purpose of its own, so the derived key is useless for anything else).
Rotating ``SECRET_KEY`` without ``SSO_ENCRYPTION_KEY`` makes the stored secrets unreadable:
the administrators then enter them again (docs/single-sign-on.md).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt"]


def _fernet() -> Fernet:
    material: str = settings.SSO_ENCRYPTION_KEY or settings.SECRET_KEY or ""
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"tiltakshjulet sso client secret"
    ).derive(material.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    """The secret; raises ``InvalidToken`` when the key has changed since it was stored."""
    return _fernet().decrypt(token.encode()).decode()
