"""No required radio list offers an empty choice (Django's "---------"), on any page.

Walks every URL of the permission matrix with a role allowed to see it (GET, and an empty
POST, which shows a form again with its errors) and reads the radio buttons in the HTML: a
radio group whose buttons are required must not have a button without a value, and no radio
button anywhere is labelled "---------" (issue 13, finding 6).
"""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser

from django.db import transaction
from django.urls import reverse

from tests.conftest import ROLE_FIXTURES
from tests.matrix.base import LazyContext
from tests.second_factor import pass_second_factor
from tests.test_permission_matrix import BUILDERS, MATRIX

# The roles tried in turn: the first one the matrix lets see a page renders it.
ROLES_IN_TURN = ("coordinator", "admin", "team_lead", "member", "viewer")
DJANGO_EMPTY_LABEL = "---------"


class RadioReader(HTMLParser):
    """Collects the radio buttons of a page per form and name, with their labels."""

    def __init__(self) -> None:
        super().__init__()
        self.form = 0
        self.radios: dict[tuple[int, str], list[dict]] = defaultdict(list)
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._label_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.form += 1
        elif tag == "input" and values.get("type") == "radio":
            self.radios[(self.form, values.get("name") or "")].append(
                {
                    "id": values.get("id") or "",
                    "value": values.get("value") or "",
                    "required": "required" in values,
                }
            )
        elif tag == "label" and values.get("for"):
            self._label_for, self._label_text = values["for"], []

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self._label_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_for is not None:
            self.labels[self._label_for] = "".join(self._label_text).strip()
            self._label_for = None


def problems_in(html: str) -> list[str]:
    reader = RadioReader()
    reader.feed(html)
    found = []
    for (_form, name), buttons in reader.radios.items():
        for button in buttons:
            if reader.labels.get(button["id"]) == DJANGO_EMPTY_LABEL:
                found.append(f"{name}: a choice labelled {DJANGO_EMPTY_LABEL}")
        if any(button["required"] for button in buttons) and any(
            not button["value"] for button in buttons
        ):
            found.append(f"{name}: a required radio list with an empty choice")
    return found


def test_the_reader_finds_an_empty_choice_in_a_required_radio_list():
    html = (
        '<form><input type="radio" name="a" value="" required id="a0">'
        '<label for="a0">---------</label>'
        '<input type="radio" name="a" value="x" required id="a1"><label for="a1">X</label>'
        '</form><form><input type="radio" name="b" value="" id="b0">'
        '<label for="b0">Not clear yet</label><input type="radio" name="b" value="y" id="b1">'
        "</form>"
    )
    assert problems_in(html) == [
        "a: a choice labelled ---------",
        "a: a required radio list with an empty choice",
    ]


def test_no_page_offers_an_empty_choice_in_a_required_radio_list(organization, client, request):
    users = {role: request.getfixturevalue(ROLE_FIXTURES[role]) for role in ROLES_IN_TURN}
    found: dict[str, list[str]] = {}
    pages = 0
    for name, case in sorted(MATRIX.items()):
        for method in ("get", "post"):
            role = next((r for r in ROLES_IN_TURN if getattr(case, method)[r] == 200), None)
            if role is None:
                continue
            # Each page gets its own objects, rolled back after it (as each matrix case does).
            with transaction.atomic():
                ctx = LazyContext(BUILDERS, organization=organization)
                client.force_login(users[role])
                pass_second_factor(client, users[role])
                response = getattr(client, method)(reverse(name, kwargs=case.kwargs(ctx)))
                transaction.set_rollback(True)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            pages += 1
            problems = problems_in(response.content.decode())
            if problems:
                found[f"{method.upper()} {name} ({role})"] = problems
    assert pages > 100  # the walk reached the product's pages
    assert not found, found
