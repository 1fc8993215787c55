"""``{% content_lang %}``: `` lang="nb"`` on the element holding an organisation's own words,
when the page is in another language (see organizations/content_language.py).

``{% content_lang %}`` speaks for the page's organisation; ``{% content_lang owner %}`` for
content owned by another one (a partner's programme: ``program.organization``), or for a code
or a frozen organisation. Put it on the containing element (a heading, a cell, a card, a
list), not around every string::

    <h1{% content_lang %}>{{ measure.name }}</h1>
    <td{% content_lang program.organization %}>{{ program.name }}</td>

and ``|orgtext`` for a name inside a sentence of the interface.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from organizations.content_language import lang_attribute

register = template.Library()


@register.simple_tag(takes_context=True)
def content_lang(context: template.Context, owner: Any = None) -> SafeString:
    if owner is None:
        owner = context.get("organization")
    return lang_attribute(owner)


@register.filter
def orgtext(value: object, owner: object) -> SafeString:
    """``{{ goal.title|orgtext:organization }}``: the text in a ``<span lang>`` where the page
    is in another language, else just the text (escaped). For a name inside a sentence of the
    interface, as ``{% blocktranslate with title=goal.title|orgtext:organization %}``, which
    keeps the markup: the sentence's own element cannot carry the name's language."""
    text = conditional_escape(str(value))  # str() of a SafeString stays safe
    attribute = lang_attribute(owner)
    return format_html("<span{}>{}</span>", attribute, text) if attribute else text
