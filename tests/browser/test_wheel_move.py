"""Moving an event by hand on the wheel in Chromium: a coordinator drags an event along its
ring, sees the new date before it is saved, undoes the move, then moves it with the arrow keys
and Enter; the agenda and the personal calendar feed follow.

The wheel is zoomed to the month that contains today (a day is then some 40 px wide, so a drag
lands on the day aimed at), and the event stays in that month, inside the feed's window.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.conftest import describe_violations
from tests.factories import EventFactory, RingFactory, WheelFactory
from yearwheel import feeds
from yearwheel.forms import planning_year_of
from yearwheel.models import Event, Kind

pytestmark = pytest.mark.browser

TITLE = "Budsjettfrist"
# The screen point of the middle of day ``offset`` of the period, on the ring of the event's
# mark (the mark sits in the middle of its day).
DAY_POINT_JS = """([id, offset]) => {
    const svg = document.querySelector("svg.wheel-svg");
    const item = svg.querySelector(`a.wheel-item[data-event-id="${id}"]`);
    const box = item.getBBox();
    const cx = parseFloat(svg.dataset.cx), cy = parseFloat(svg.dataset.cy);
    const radius = Math.hypot(box.x + box.width / 2 - cx, box.y + box.height / 2 - cy);
    const start = Date.parse(svg.dataset.periodStart), end = Date.parse(svg.dataset.periodEnd);
    const days = Math.round((end - start) / 86400000) + 1;
    const angle = ((offset + 0.5) / days) * 2 * Math.PI;
    const point = svg.createSVGPoint();
    point.x = cx + radius * Math.sin(angle);
    point.y = cy - radius * Math.cos(angle);
    const screen = point.matrixTransform(svg.getScreenCTM());
    return {x: screen.x, y: screen.y};
}"""


def _english(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _feed_starts(page, path: str, event: Event) -> list[date]:
    calendar = Calendar.from_ical(page.request.get(path).body())
    return [
        entry["DTSTART"].dt
        for entry in calendar.walk("VEVENT")
        if str(entry["UID"]).startswith(f"event-{event.pk}")
    ]


def test_a_coordinator_drags_an_event_undoes_it_and_moves_it_with_the_keyboard(
    page, log_in, axe_violations, base_url, organization, coordinator, password
):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    today = timezone.localdate()
    wheel = WheelFactory(
        organization=organization,
        year=planning_year_of(organization, today),
        start_month=organization.planning_year_start_month,
    )
    month = today.replace(day=1)
    zoom = wheel.months().index(month) + 1
    ring = RingFactory(organization=organization, name="Økonomi", default_kind=Kind.DEADLINE)
    first = month + timedelta(days=1 if today.day >= 16 else 15)
    event = EventFactory(
        organization=organization, ring=ring, title=TITLE, kind=Kind.DEADLINE, start_date=first
    )
    feed = feeds.feed_path(feeds.create_or_regenerate(coordinator)[0])
    wheel_path = f"/o/{organization.slug}/wheel/{wheel.year}/?zoom=m{zoom}"

    log_in(coordinator, password)
    expect(page).to_have_url(f"{base_url}/o/{organization.slug}/")
    page.goto(wheel_path)
    mark = page.locator(f"svg.wheel-svg a.wheel-item[data-event-id='{event.pk}']")
    expect(mark).to_have_attribute("data-date", first.isoformat())
    status = page.locator("#wheel-move-status")
    undo = page.get_by_role("button", name="Undo", exact=True)
    expect(undo).to_be_hidden()
    violations = axe_violations()
    assert not violations, describe_violations(violations)

    # Drag four days on: the new date is shown (and the mark turned) before anything is saved.
    offset = (first - month).days
    # The points are in window coordinates: the event must be in view (below a menu that may
    # take two lines) before they are read.
    mark.scroll_into_view_if_needed()
    start = page.evaluate(DAY_POINT_JS, [event.pk, offset])
    target = page.evaluate(DAY_POINT_JS, [event.pk, offset + 4])
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move((start["x"] + target["x"]) / 2, (start["y"] + target["y"]) / 2, steps=4)
    page.mouse.move(target["x"], target["y"], steps=4)
    dragged = first + timedelta(days=4)
    expect(status).to_contain_text(f"Move “{TITLE}” to")
    expect(status).to_contain_text(f"{dragged.day} {dragged:%B %Y}")
    expect(status).to_contain_text("Not saved yet.")
    assert mark.get_attribute("transform")
    event.refresh_from_db()
    assert event.start_date == first
    page.mouse.up()
    expect(status).to_have_text(f"“{TITLE}” is moved to {_english(dragged)}.")
    expect(mark).to_have_attribute("data-date", dragged.isoformat())
    expect(mark).to_have_attribute(
        "aria-label", re.compile(rf", {dragged.day} \w+ {dragged.year},")
    )
    expect(page).to_have_url(f"{base_url}{wheel_path}")  # the drag did not open the event
    event.refresh_from_db()
    assert event.start_date == dragged

    # Undo puts the date back.
    expect(undo).to_be_visible()
    undo.click()
    expect(status).to_have_text(f"“{TITLE}” is moved to {_english(first)}.")
    expect(undo).to_be_hidden()
    expect(mark).to_have_attribute("data-date", first.isoformat())
    event.refresh_from_db()
    assert event.start_date == first

    # The keyboard: two days and a week on, Escape first to show nothing is kept, then Enter.
    mark.focus()
    page.keyboard.press("ArrowRight")
    expect(status).to_contain_text(f"{(first + timedelta(days=1)).day} {first:%B}")
    page.keyboard.press("Escape")
    expect(status).to_have_text("The move is cancelled.")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    moved = first + timedelta(days=9)
    expect(status).to_contain_text(f"{moved.day} {moved:%B %Y}")
    page.keyboard.press("Enter")
    expect(status).to_have_text(f"“{TITLE}” is moved to {_english(moved)}.")
    expect(page).to_have_url(f"{base_url}{wheel_path}")
    event.refresh_from_db()
    assert event.start_date == moved

    # The agenda and the calendar feed read the same data.
    page.goto(f"/o/{organization.slug}/wheel/{wheel.year}/agenda/")
    row = page.locator("main table tbody tr").filter(has_text=TITLE)
    expect(row.locator("td").first).to_have_text(moved.strftime("%d.%m.%Y"))
    assert _feed_starts(page, feed, event) == [moved]
