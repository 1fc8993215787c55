"""QuickSelect renders a select in Python with the same HTML as Django's templates."""

from __future__ import annotations

import re

from django import forms

from organizations.widgets import QuickSelect

CHOICES = [
    ("", "–"),
    ("1", "Skole & barnehage"),
    ("Grupper", [("2", "<b>Helse</b>"), ("3", "Kultur")]),
]


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_it_renders_what_django_renders():
    for value in ("", "1", "3", None):
        attrs = {"id": "id_unit", "class": "form-select", "aria-describedby": "hjelp"}
        django = forms.Select(choices=CHOICES).render("unit", value, attrs)
        quick = QuickSelect(choices=CHOICES).render("unit", value, attrs)
        assert _normalised(quick) == _normalised(django), value


def test_it_escapes_labels_and_values():
    html = QuickSelect(choices=[('"x"', "<script>")]).render("f", None)
    assert "<script>" not in html
    assert 'value="&quot;x&quot;"' in html
