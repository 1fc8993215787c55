"""HTML in calendar descriptions turned into plain text.

Google Calendar writes its descriptions as HTML (``<b>``, ``<br>``, ``<a href>``, ``&nbsp;``)
and Outlook adds an HTML copy (``X-ALT-DESC;FMTTYPE=text/html``). The wheel stores and shows
descriptions as text, so the tags would be shown as they are. This keeps what a reader of the
calendar saw: the words, the line breaks of ``<br>``, paragraphs and list items, and each link
as "text (address)"; scripts, styles and the head are dropped. The result is plain text and is
escaped wherever it is shown, like any description.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Tags that say the text is HTML, or an entity: plain text with "<3" or "AT&T" is not HTML.
_LOOKS_LIKE_HTML = re.compile(
    r"</?(?:a|b|i|u|p|br|div|span|strong|em|ul|ol|li|table|tr|td|th|h[1-6]|html|body|"
    r"font|hr|blockquote|pre)\b[^<>]*>|&(?:nbsp|amp|lt|gt|quot|#\d{1,7}|#x[0-9a-f]{1,6});",
    re.IGNORECASE,
)
# A tag cut off at the end (a description shortened by its calendar): the parser would give
# it back as text.
_CUT_OFF_TAG = re.compile(r"<[a-zA-Z/][^<>]*$")
_BREAK = {"br"}
_BLOCKS = {
    "p",
    "div",
    "ul",
    "ol",
    "table",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "section",
    "article",
}
_DROPPED = {"script", "style", "head", "title", "template", "noscript", "iframe", "object"}
# Addresses worth showing to a reader; "javascript:" and the like are not.
_SHOWN_LINK = re.compile(r"^(?:https?://|mailto:|tel:)", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_LIKE_HTML.search(text))


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.dropping = 0
        self.links: list[tuple[str, int]] = []  # the open links: address, where its text began

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self.dropping += 1
        elif tag in _BREAK:
            self.pieces.append("\n")
        elif tag in _BLOCKS:
            self.pieces.append("\n\n")
        elif tag == "li":
            self.pieces.append("\n- ")
        elif tag in ("td", "th"):
            self.pieces.append(" ")
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            self.links.append((href, len(self.pieces)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAK:
            self.pieces.append("\n")
        elif tag == "hr":
            self.pieces.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.dropping = max(self.dropping - 1, 0)
        elif tag in _BLOCKS:
            self.pieces.append("\n")
        elif tag == "a" and self.links:
            href, begin = self.links.pop()
            shown = " ".join("".join(self.pieces[begin:]).split())
            if _SHOWN_LINK.match(href) and href.removeprefix("mailto:") != shown:
                self.pieces.append(f" ({href})" if shown else href)

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.pieces.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment or document."""
    collector = _TextCollector()
    collector.feed(_CUT_OFF_TAG.sub("", html))
    collector.close()
    text = "".join(collector.pieces).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    # At most one empty line in a row, none at the start or the end.
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def plain_description(text: str) -> str:
    """The description as plain text: converted when it is HTML, else as it is."""
    return html_to_text(text) if looks_like_html(text) else text
