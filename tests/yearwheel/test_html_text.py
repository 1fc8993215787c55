"""HTML descriptions from calendars as plain text (yearwheel/html_text.py)."""

from __future__ import annotations

import pytest

from yearwheel.html_text import html_to_text, looks_like_html, plain_description


def test_line_breaks_paragraphs_and_list_items_are_kept():
    html = (
        "<b>Agenda</b><br>1. Status<br/>2. Budget<p>Next paragraph</p>"
        "<ul><li>one</li><li>two</li></ul>"
    )
    assert html_to_text(html) == "Agenda\n1. Status\n2. Budget\n\nNext paragraph\n\n- one\n- two"


def test_a_link_reads_as_its_text_and_address():
    html = 'See <a href="https://docs.test/a?b=1&amp;c=2">the papers</a>.'
    assert html_to_text(html) == "See the papers (https://docs.test/a?b=1&c=2)."


def test_a_link_whose_text_is_its_address_is_written_once():
    assert html_to_text('<a href="https://x.test/">https://x.test/</a>') == "https://x.test/"
    assert html_to_text('<a href="mailto:a@b.test">a@b.test</a>') == "a@b.test"


def test_a_link_without_text_is_its_address():
    assert html_to_text('Map: <a href="https://map.test/"></a>') == "Map: https://map.test/"


def test_addresses_that_are_no_place_to_go_are_left_out():
    html = '<a href="javascript:alert(1)">Click</a> <a href="data:text/html,x">here</a>'
    assert html_to_text(html) == "Click here"


def test_entities_are_decoded_and_non_breaking_spaces_are_spaces():
    assert html_to_text("Budget &amp; plan&nbsp;(draft) &lt;b&gt; &#229;&#x00F8;") == (
        "Budget & plan (draft) <b> åø"
    )


def test_scripts_styles_and_the_head_are_dropped():
    html = (
        "<html><head><title>Ignored</title><style>p{color:red}</style></head>"
        "<body><p>Kept</p><script>alert('x')</script><noscript>no</noscript></body></html>"
    )
    assert html_to_text(html) == "Kept"


def test_whitespace_is_tidied():
    html = "<p>  Many    spaces  </p>\n\n\n\n<p>\tand lines </p>\n"
    assert html_to_text(html) == "Many spaces\n\nand lines"


def test_broken_html_still_gives_its_text():
    assert html_to_text("<b>unclosed <i>tags<br") == "unclosed tags"


@pytest.mark.parametrize(
    "text",
    [
        "Plain text with a heart <3 and AT&T",
        "a < b and c > d",
        "Line one\nLine two",
        "Price: 5 & 6",
    ],
)
def test_plain_text_is_left_as_it_is(text):
    assert not looks_like_html(text)
    assert plain_description(text) == text


@pytest.mark.parametrize(
    "text",
    ["<b>x</b>", "a<br>b", '<a href="https://x.test">x</a>', "a&nbsp;b", "<P>x</P>", "<BR/>"],
)
def test_html_is_recognised(text):
    assert looks_like_html(text)
