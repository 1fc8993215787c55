"""The calendar import counts the events while reading and stops at the limit: a file with
far too many is refused before icalendar parses any of it."""

from __future__ import annotations

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.factories import RingFactory
from yearwheel import ical_read
from yearwheel.ical_read import MAX_EVENTS, MAX_UPLOAD_BYTES, ImportFileError, parse_calendar
from yearwheel.models import Event, Kind


def calendar_of(count: int, *extra: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//NB"]
    for n in range(count):
        lines += [
            "BEGIN:VEVENT",
            f"UID:e{n}@kalender.test",
            f"SUMMARY:Møte {n}",
            "DTSTART;VALUE=DATE:20260915",
            *extra,
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def parses(monkeypatch):
    """How often icalendar was asked to parse a file (the real parser still does the work)."""
    calls = []
    real = icalendar.Calendar.from_ical

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(icalendar.Calendar, "from_ical", counting)
    return calls


def test_a_file_of_5000_events_is_refused_without_being_parsed(parses):
    content = calendar_of(5000)
    assert len(content) < MAX_UPLOAD_BYTES  # refused for its events, not its size
    with translation.override("en"), pytest.raises(ImportFileError, match="too large"):
        parse_calendar(content)
    assert parses == []


def test_a_file_of_exactly_the_limit_is_read(parses):
    parsed = parse_calendar(calendar_of(MAX_EVENTS))
    assert len(parsed.rows) == MAX_EVENTS
    assert parses == [1]


def test_one_event_over_the_limit_is_refused(parses):
    with translation.override("en"), pytest.raises(ImportFileError, match="too large"):
        parse_calendar(calendar_of(MAX_EVENTS + 1))
    assert parses == []


def test_events_in_lower_case_count_too_as_the_parser_reads_them(monkeypatch, parses):
    monkeypatch.setattr(ical_read, "MAX_EVENTS", 1)
    content = calendar_of(1)
    content = content.replace(
        b"END:VCALENDAR", b"Begin:vevent\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR"
    )
    with translation.override("en"), pytest.raises(ImportFileError, match="too large"):
        parse_calendar(content)
    assert parses == []


def test_a_folded_line_that_reads_begin_vevent_is_no_event(monkeypatch):
    monkeypatch.setattr(ical_read, "MAX_EVENTS", 2)
    # A description folded so that its continuation reads BEGIN:VEVENT: two events, not four.
    parsed = parse_calendar(calendar_of(2, "DESCRIPTION:Agenda:", " BEGIN:VEVENT"))
    assert len(parsed.rows) == 2


@pytest.mark.django_db
def test_the_upload_page_names_the_limit(login, coordinator, organization):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    ring = RingFactory(organization=organization, name="Skole", default_kind=Kind.MEETING)
    response = login(coordinator).post(
        reverse("event_import", args=[organization.slug]),
        {"file": SimpleUploadedFile("k.ics", calendar_of(5000)), "ring": ring.pk, "kind": ""},
    )
    (error,) = response.context["form"].errors["file"]
    assert error.startswith("The file is too large")
    assert "2,000 events" in error or "2\xa0000 events" in error
    assert not Event.objects.exists()
