"""Tokens for share links: the URL a council member gets carries the link's id, signed.

The signature only proves that we made the token, so nobody can walk through ids. Whether the
link still works is decided by its row, on every use: a link is revoked by setting
``revoked_at``, and its ``expires_at`` may be moved earlier after the URL has been sent. A
``TimestampSigner`` with ``max_age`` could do neither (its signature stays valid until the age
it was checked against runs out), so the token has no timestamp and the row has the last word.
"""

from __future__ import annotations

from django.core import signing

from reports.models import ShareLink

SALT = "reports.share-link"


def _signer() -> signing.Signer:
    # A salt of its own: a value signed elsewhere in the project (calendar feeds, say) is
    # never accepted as a share link.
    return signing.Signer(salt=SALT)


def token_for(link: ShareLink) -> str:
    """The URL-safe token for ``link``: its id and a signature, e.g. ``"12:Xb3…"``."""
    return _signer().sign(str(link.pk))


def link_for_token(token: str) -> ShareLink | None:
    """The share link behind ``token`` if it still works, else None.

    None for a tampered or malformed token, an unknown id, a revoked or expired link, and a
    report of an organisation that is no longer active. The caller shows one and the same
    page for all of these, so a reader learns nothing about which it was."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    try:
        pk = int(value)
    except ValueError:
        return None
    link = (
        ShareLink.objects.select_related("published__organization")
        # Megabytes for a large report: read only by the page that shows them.
        .defer("published__content", "published__body_html")
        .filter(pk=pk)
        .first()
    )
    # Read from the row on every use, not from the signature: see the module's docstring.
    if link is None or not link.is_active:
        return None
    if not link.published.organization.is_active:
        return None
    return link
