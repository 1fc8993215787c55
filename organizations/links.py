"""Stored links are only ever followed to the web or to mail.

A link a person saved (knowledge, evidence, a routine's description) goes into an ``href``.
Forms accept only ``http(s)``, but a row can also come from an import, a script or an older
version, and ``javascript:`` or ``data:`` in an ``href`` runs code in our pages. So the scheme
is checked when a record is validated (``TimeStamped.clean_fields``) and again when a link is
rendered (the ``safe_url`` filter, organizations/templatetags/links.py).
"""

from __future__ import annotations

import re

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
# Browsers drop tabs and line breaks anywhere in a URL and control characters and spaces at
# its ends before they read the scheme ("java\tscript:" is "javascript:").
_IGNORED_ANYWHERE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_ENDS = "".join(chr(code) for code in range(0x21))  # C0 controls and the space


def url_scheme(url: str) -> str | None:
    """The scheme a browser would read from ``url`` (lower case), or None for a relative URL."""
    cleaned = _IGNORED_ANYWHERE.sub("", url).strip(_ENDS)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def is_safe_url(url: object) -> bool:
    """Whether ``url`` is a link to the web or to mail: an absolute ``http``, ``https`` or
    ``mailto`` URL. Relative URLs are not stored links, so they are refused too."""
    return isinstance(url, str) and url_scheme(url) in ALLOWED_SCHEMES
