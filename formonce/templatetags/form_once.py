from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from formonce.services import FIELD, new_token, posted_token

register = template.Library()


@register.simple_tag(takes_context=True)
def form_once(context: template.Context, form: Any = None) -> SafeString:
    """The hidden one-time token of a form that creates a record.

    A form shown again with its errors keeps the token it was sent with (that POST saved
    nothing, so nothing is claimed); any other rendering gets a new one.
    """
    request = context.get("request")
    token = None
    if request is not None and getattr(form, "is_bound", False) and form.errors:
        token = posted_token(request)
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token or new_token())
