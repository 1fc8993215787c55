"""What an imported calendar entry means besides its time: who organises it and who takes
part (ORGANIZER, ATTENDEE), what kind of event it is (CATEGORIES) and its description as plain
text (Google's HTML DESCRIPTION, Outlook's ``X-ALT-DESC;FMTTYPE=text/html``).

Reads only; matching the addresses to the organisation's members happens in
yearwheel/ical_import.py, which keeps no address that matches nobody.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.utils import translation

from yearwheel.html_text import looks_like_html, plain_description
from yearwheel.models import Kind

MAX_CATEGORIES = 20  # per event; more is not a category list anyone made by hand
CATEGORY_LENGTH = 80
EMAIL_LENGTH = 254

# Words that name a kind, in Norwegian (both forms) and English, as single words or phrases.
# The kinds' own labels in every language are added below, so a file exported from the wheel
# keeps its kinds. Outlook's colour categories ("Rød kategori") name no kind.
_KIND_WORDS = {
    Kind.MEETING: (
        "møte",
        "møter",
        "møtet",
        "meeting",
        "meetings",
        "møteplass",
        "møtestad",
    ),
    Kind.DEADLINE: ("frist", "frister", "fristar", "deadline", "deadlines", "innlevering"),
    Kind.CHECKPOINT: (
        "sjekkpunkt",
        "checkpoint",
        "checkpoints",
        "milepæl",
        "milepæler",
        "milepælar",
        "milestone",
        "milestones",
    ),
    Kind.ACTIVITY: ("aktivitet", "aktiviteter", "aktivitetar", "activity", "activities"),
}
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _kind_table() -> dict[str, str]:
    table = {word: str(kind) for kind, words in _KIND_WORDS.items() for word in words}
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            for kind in Kind:
                table.setdefault(str(kind.label).casefold(), kind.value)
    return table


def kind_of_category(category: str) -> str:
    """The kind a category names ('' for none): the whole category ("Møteplass"), else its
    first word that names one ("Frister 2027", "Team meeting")."""
    table = _kind_table()
    folded = " ".join(category.casefold().split())
    if folded in table:
        return table[folded]
    for word in _WORD.findall(folded):
        if word in table:
            return table[word]
    return ""


def categories(component: Any) -> list[str]:
    """The event's categories as written, without repeats; CATEGORIES may come several times
    and each may list several."""
    props = component.get("CATEGORIES")
    if props is None:
        return []
    found: list[str] = []
    for prop in props if isinstance(props, list) else [props]:
        values = getattr(prop, "cats", None)
        if values is None:
            values = str(prop).split(",")
        for value in values:
            name = " ".join(str(value).split())[:CATEGORY_LENGTH]
            if name and name not in found:
                found.append(name)
    return found[:MAX_CATEGORIES]


def _address(value: Any) -> str:
    """The email of a CAL-ADDRESS (``mailto:Ola@Kommune.no``), lower-cased; '' for others."""
    text = str(value or "").strip()
    if text[:7].lower() != "mailto:":
        return ""
    email = text[7:].strip().lower()
    if "@" not in email or len(email) > EMAIL_LENGTH or any(c.isspace() for c in email):
        return ""
    return email


def organizer(component: Any) -> str:
    value = component.get("ORGANIZER")
    if isinstance(value, list):
        value = value[0] if value else None
    return _address(value)


def attendees(component: Any) -> list[str]:
    values = component.get("ATTENDEE")
    if values is None:
        return []
    found: list[str] = []
    for value in values if isinstance(values, list) else [values]:
        email = _address(value)
        if email and email not in found:
            found.append(email)
    return found


def description(component: Any) -> str:
    """The description as plain text: DESCRIPTION (converted when it is HTML, as Google
    writes it), else the HTML copy Outlook writes in X-ALT-DESC."""
    text = _first(component.get("DESCRIPTION"))
    if text.strip():
        return plain_description(text.strip())
    alternative = component.get("X-ALT-DESC")
    for value in alternative if isinstance(alternative, list) else [alternative]:
        if value is None:
            continue
        kind = str(getattr(value, "params", {}).get("FMTTYPE", "")).lower()
        html = str(value)
        if kind == "text/html" or looks_like_html(html):
            return plain_description(html)
    return ""


def _first(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "")
