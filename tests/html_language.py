"""The language a screen reader uses for each text of a page: the ``lang`` of the nearest
element that has one (WCAG 3.1.2). Parsed with the standard library's HTMLParser (the
project has no BeautifulSoup or lxml)."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _Languages(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        # (tag, lang of the element, its effective language)
        self.stack: list[tuple[str, str | None, str]] = []
        self.texts: list[tuple[str, str]] = []  # (text, effective language)
        self.attributes: list[tuple[str, str, str]] = []  # (tag, lang, effective parent's)
        self.widgets: dict[str, str] = {}  # a field's name: its lang ("" if none)
        self.in_switcher = False

    def _current(self) -> str:
        return self.stack[-1][2] if self.stack else ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        lang = found.get("lang")
        # The language switcher names each language in itself: not the organisation's words.
        switcher = tag == "option" and any(t == "select" for t, _, _ in self.stack[-1:])
        if lang is not None and not (switcher and self.in_switcher):
            self.attributes.append((tag, lang, self._current()))
        if tag == "select":
            self.in_switcher = found.get("id") == "language-select"
        if tag in ("input", "textarea", "select") and found.get("name"):
            self.widgets[str(found["name"])] = lang or ""
        if tag not in VOID:
            self.stack.append((tag, lang, lang if lang is not None else self._current()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        # The window's title is read in the page's language whatever it holds.
        if data.strip() and not any(tag == "title" for tag, _, _ in self.stack[-1:]):
            self.texts.append((data.strip(), self._current()))


def parse(html: str | bytes) -> _Languages:
    parser = _Languages()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser


def languages_of(html: str | bytes, text: str) -> set[str]:
    """The effective languages of every text node that contains ``text``."""
    return {lang for found, lang in parse(html).texts if text in found}


def redundant_langs(html: str | bytes) -> list[tuple[str, str]]:
    """Elements below the root whose ``lang`` only repeats the language around them."""
    return [
        (tag, lang)
        for tag, lang, around in parse(html).attributes
        if tag != "html" and lang == around
    ]


def body_langs(html: str | bytes) -> list[tuple[str, str]]:
    """Every ``lang`` below the root element."""
    return [(tag, lang) for tag, lang, _ in parse(html).attributes if tag != "html"]
