"""``{{ value|safe_url }}``: a stored link, or "" when it is no web or mail link."""

from __future__ import annotations

from django import template

from organizations.links import is_safe_url

register = template.Library()


@register.filter
def safe_url(value: object) -> str:
    """The link when its scheme is ``http``, ``https`` or ``mailto``; else "" (so a template
    writes ``{% if item.url|safe_url %}`` and shows no link). Escaped as usual after this."""
    return str(value) if is_safe_url(value) else ""
