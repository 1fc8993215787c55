"""The wheel's details panel adds only what an event's link does not say (issue 17, 6)."""

from __future__ import annotations

import re

import pytest

from tests.factories import WheelFactory


@pytest.mark.django_db
def test_the_panel_is_not_a_live_region_only_the_extra_details_are(login, member, organization):
    wheel = WheelFactory(organization=organization, year=2026, start_month=8)
    html = login(member).get(wheel.get_absolute_url()).content.decode()
    panel = re.search(r'<div id="wheel-details"[^>]*>', html)[0]
    # A live panel read the title, kind, dates and ring again after the link's own name.
    assert "aria-live" not in panel
    assert '<p class="visually-hidden" aria-live="polite" data-details-extra></p>' in html


def test_the_script_announces_only_what_the_link_name_leaves_out():
    from pathlib import Path

    from django.conf import settings

    script = (Path(settings.BASE_DIR) / "static" / "js" / "wheel.js").read_text()
    extra = re.search(r"var EXTRA = \[([^\]]*)\]", script)[1]
    assert [name.strip(' "') for name in extra.split(",")] == [
        "time",
        "place",
        "responsible",
        "measure",
        "programme",
    ]
