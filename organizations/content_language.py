"""The language of an organisation's own words on a page in another language (WCAG 3.1.2).

What an organisation writes (names, summaries, events, lessons, minutes) is in its written
standard, bokmål or nynorsk, whatever language the reader chose for the interface. A screen
reader reads a page in the language of ``<html lang>``, so where that content sits in an
English page, or a bokmål partner's measure in a nynorsk page, its element must say its own
language, or Norwegian is read with an English voice.

Published reports and minutes are whole documents in the written standard: they switch the
page to it (``{% language %}``) and set ``lang`` on their root. Everywhere else one piece of
markup holds both the interface's words and the organisation's, so the element holding the
organisation's words gets ``lang`` from :func:`lang_attribute` (in templates, the
``{% content_lang %}`` tag of ``organizations/templatetags/content_lang.py``), and only when
it differs from the page's language: a redundant ``lang`` on every cell says nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# The languages a field for one language may be suffixed with (``text_nn``).
FIELD_LANGUAGES = ("nb", "nn", "en")


def written_standard_of(owner: object) -> str:
    """The language code of ``owner``'s words: ``owner`` is a code ("nb"), an organisation (or
    anything with ``written_standard``, as the frozen organisation of a report), or a record
    with an ``organization``; "" when unknown.

    Partners' content is in the standard of the organisation that owns it, so pass the owner
    (``program.organization``), not the organisation of the page."""
    if owner is None or owner == "":
        return ""
    if isinstance(owner, str):
        return owner
    if isinstance(owner, Mapping):
        return str(owner.get("written_standard") or "")
    standard = getattr(owner, "written_standard", None)
    if standard is not None:
        return str(standard)
    organization = getattr(owner, "organization", None)
    return written_standard_of(organization) if organization is not None else ""


def _primary(code: str) -> str:
    return code.lower().replace("_", "-").split("-")[0]


def content_language(owner: object, page_language: str | None = None) -> str:
    """``owner``'s language when it is not the page's (default: the active language), else ""."""
    standard = written_standard_of(owner)
    page = page_language or translation.get_language() or ""
    if not standard or _primary(standard) == _primary(page):
        return ""
    return standard


def lang_attribute(owner: object, page_language: str | None = None) -> SafeString:
    """`` lang="nb"`` (with its leading space) or "" (see :func:`content_language`)."""
    language = content_language(owner, page_language)
    return format_html(' lang="{}"', language) if language else mark_safe("")


def mark_field_languages(form: forms.BaseForm) -> None:
    """Give every field kept in one language (``text_nb``, ``text_nn``, ``text_en``) its
    ``lang``, so a screen reader reads the nynorsk wording as nynorsk in an English form.
    Always set, unlike :func:`lang_attribute`: the field's language is part of what it is."""
    for name, field in form.fields.items():
        suffix = name.rsplit("_", 1)[-1]
        if "_" in name and suffix in FIELD_LANGUAGES:
            field.widget.attrs["lang"] = suffix


def mark_choice_languages(form: forms.BaseForm, names: Iterable[str], owner: object) -> None:
    """Give the options of the fields ``names`` (the organisation's programmes, units,
    rings) ``owner``'s language where the page is in another one; "Every …" and the empty
    choice stay in the page's language."""
    language = content_language(owner)
    if not language:
        return
    for name in names:
        widget = form.fields[name].widget
        widget.create_option = _LanguageOptions(widget.create_option, language)


class _LanguageOptions:
    """A widget's ``create_option`` that adds ``lang`` to the options with a value."""

    def __init__(self, create_option: Callable[..., dict[str, Any]], language: str) -> None:
        self.create_option = create_option
        self.language = language

    def __call__(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = self.create_option(name, value, *args, **kwargs)
        if value not in ("", None):
            option["attrs"] = {**option.get("attrs", {}), "lang": self.language}
        return option
