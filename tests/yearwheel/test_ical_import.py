"""Importing events from an .ics file: upload → preview (saves nothing) → confirm."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from tests.factories import EventFactory, RingFactory, WheelFactory
from yearwheel.ical_read import MAX_UPLOAD_BYTES
from yearwheel.models import Event, Kind, Recurrence, Ring
from yearwheel.views import calendars

pytestmark = pytest.mark.django_db


def calendar(*entries: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Test//NB", *entries]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def vevent(
    uid: str | None = "mote-1@kalender.test",
    summary: str | None = "Foreldremøte",
    start: str = "DTSTART;TZID=Europe/Oslo:20260915T180000",
    *extra: str,
) -> str:
    lines = ["BEGIN:VEVENT"]
    if uid is not None:
        lines.append(f"UID:{uid}")
    if summary is not None:
        lines.append(f"SUMMARY:{summary}")
    lines += [start, *extra, "END:VEVENT"]
    return "\r\n".join(lines)


@pytest.fixture
def english_coordinator(coordinator):
    """Requests follow the person's language: messages are matched in English."""
    coordinator.language = "en"
    coordinator.save()
    return coordinator


@pytest.fixture
def ring(organization):
    return RingFactory(organization=organization, name="Skole", default_kind=Kind.MEETING)


def upload(client, organization, content: bytes, ring, kind="", name="kalender.ics"):
    return client.post(
        reverse("event_import", args=[organization.slug]),
        {
            "file": SimpleUploadedFile(name, content, content_type="text/calendar"),
            "ring": ring.pk if isinstance(ring, Ring) else ring,
            "kind": kind,
        },
    )


def confirm(client, organization, payload):
    return client.post(
        reverse("event_import_confirm", args=[organization.slug]), {"payload": payload}
    )


def import_file(client, organization, content, ring, kind=""):
    preview = upload(client, organization, content, ring, kind)
    assert preview.status_code == 200
    assert preview.context["payload"], (
        preview.context.get("form") and preview.context["form"].errors
    )
    return confirm(client, organization, preview.context["payload"])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def statuses(response):
    return [(row.number, row.status) for row in response.context["parsed"].rows]


# --- the pages ------------------------------------------------------------------------------


def test_planners_may_import_and_others_may_not(
    client, login, coordinator, admin_user, team_lead, viewer, outsider, organization
):
    url = reverse("event_import", args=[organization.slug])
    assert client.get(url).status_code == 302
    assert login(coordinator).get(url).status_code == 200
    assert login(admin_user).get(url).status_code == 200
    assert login(team_lead).get(url).status_code == 403
    assert login(viewer).get(url).status_code == 403
    assert login(outsider).get(url).status_code == 404


def test_confirm_answers_post_only(login, coordinator, organization):
    url = reverse("event_import_confirm", args=[organization.slug])
    assert login(coordinator).get(url).status_code == 405


def test_the_preview_saves_nothing(login, coordinator, organization, ring):
    response = upload(login(coordinator), organization, calendar(vevent()), ring)
    assert response.status_code == 200
    assert statuses(response) == [(1, "new")]
    assert response.context["counts"] == {"new": 1, "changed": 0, "unchanged": 0, "error": 0}
    assert response.context["payload"]
    assert Event.objects.count() == 0
    assert b"Foreldrem\xc3\xb8te" in response.content


def test_confirming_creates_the_events(login, coordinator, organization, ring):
    content = calendar(
        vevent(
            "mote-1@kalender.test",
            "Foreldremøte",
            "DTSTART;TZID=Europe/Oslo:20260915T180000",
            "DTEND;TZID=Europe/Oslo:20260915T193000",
            "LOCATION:Aulaen",
            "DESCRIPTION:For alle foreldre\\, 1.–4. trinn.",
        ),
        vevent(
            "frist-1@kalender.test",
            "Frist for søknad",
            "DTSTART;VALUE=DATE:20261001",
            "DTEND;VALUE=DATE:20261004",  # exclusive: 1–3 October
        ),
    )
    response = import_file(login(coordinator), organization, content, ring)
    assert response.status_code == 302
    meeting = Event.objects.get(external_uid="mote-1@kalender.test")
    assert (meeting.start_date, meeting.start_time, meeting.end_date, meeting.end_time) == (
        date(2026, 9, 15),
        time(18),
        None,
        time(19, 30),
    )
    assert meeting.place == "Aulaen"
    assert meeting.description == "For alle foreldre, 1.–4. trinn."
    assert meeting.ring == ring
    assert meeting.kind == Kind.MEETING  # the ring's usual kind
    assert meeting.created_by == coordinator
    assert meeting.organization == organization
    deadline = Event.objects.get(external_uid="frist-1@kalender.test")
    assert (deadline.start_date, deadline.end_date, deadline.start_time) == (
        date(2026, 10, 1),
        date(2026, 10, 3),
        None,
    )


def test_the_chosen_kind_is_used(login, coordinator, organization, ring):
    import_file(login(coordinator), organization, calendar(vevent()), ring, kind=Kind.DEADLINE)
    assert Event.objects.get().kind == Kind.DEADLINE


def test_it_says_what_it_did_and_goes_to_the_wheel_of_the_first_event(
    login, english_coordinator, organization, ring
):
    wheel = WheelFactory(organization=organization, year=2026)
    client = login(english_coordinator)
    response = import_file(client, organization, calendar(vevent()), ring)
    assert response["Location"] == wheel.get_absolute_url()
    assert any("1" in text for text in messages_of(response))


def test_without_a_wheel_it_goes_to_the_wheel_index(login, coordinator, organization, ring):
    response = import_file(login(coordinator), organization, calendar(vevent()), ring)
    assert response["Location"] == reverse("wheel_index", args=[organization.slug])


def test_reimporting_the_same_file_creates_nothing(login, coordinator, organization, ring):
    client = login(coordinator)
    content = calendar(vevent(), vevent("b@kalender.test", "Planleggingsdag"))
    first = upload(client, organization, content, ring)
    payload = first.context["payload"]
    confirm(client, organization, payload)
    assert Event.objects.count() == 2
    again = upload(client, organization, content, ring)
    assert statuses(again) == [(1, "unchanged"), (2, "unchanged")]
    assert not again.context["payload"]  # nothing to save
    confirm(client, organization, payload)  # the old preview confirmed twice
    assert Event.objects.count() == 2


def test_a_moved_event_moves(login, coordinator, organization, ring):
    client = login(coordinator)
    import_file(client, organization, calendar(vevent()), ring)
    event = Event.objects.get()
    moved = calendar(vevent(start="DTSTART;TZID=Europe/Oslo:20261020T170000"))
    preview = upload(client, organization, moved, ring)
    assert statuses(preview) == [(1, "changed")]
    confirm(client, organization, preview.context["payload"])
    event.refresh_from_db()
    assert (event.start_date, event.start_time) == (date(2026, 10, 20), time(17))
    assert Event.objects.count() == 1


def test_a_reimport_keeps_the_ring_and_kind_people_gave_the_event(
    login, coordinator, organization, ring
):
    client = login(coordinator)
    import_file(client, organization, calendar(vevent()), ring)
    other = RingFactory(organization=organization)
    Event.objects.update(ring=other, kind=Kind.ACTIVITY)
    moved = calendar(vevent(start="DTSTART;TZID=Europe/Oslo:20261020T170000"))
    import_file(client, organization, moved, ring, kind=Kind.DEADLINE)
    event = Event.objects.get()
    assert (event.ring, event.kind, event.start_date) == (other, Kind.ACTIVITY, date(2026, 10, 20))


def test_times_in_utc_become_oslo_time_on_both_sides_of_the_clock_change(
    login, coordinator, organization, ring
):
    content = calendar(
        vevent("summer@test", "Sommer", "DTSTART:20260915T070000Z", "DTEND:20260915T080000Z"),
        vevent("winter@test", "Vinter", "DTSTART:20261215T080000Z"),
        vevent("floating@test", "Flytende", "DTSTART:20261215T100000"),
        vevent(
            "newyork@test",
            "New York",
            "DTSTART;TZID=America/New_York:20261215T030000",
        ),
    )
    import_file(login(coordinator), organization, content, ring)
    found = {
        event.external_uid: (event.start_date, event.start_time, event.end_time)
        for event in Event.objects.all()
    }
    assert found == {
        "summer@test": (date(2026, 9, 15), time(9), time(10)),
        "winter@test": (date(2026, 12, 15), time(9), None),
        "floating@test": (date(2026, 12, 15), time(10), None),
        "newyork@test": (date(2026, 12, 15), time(9), None),
    }


def test_duration_and_an_outlook_time_zone(login, coordinator, organization, ring):
    content = calendar(
        "BEGIN:VTIMEZONE",
        "TZID:W. Europe Standard Time",
        "BEGIN:STANDARD",
        "DTSTART:16011028T030000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:16010325T020000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
        vevent(
            "outlook@test",
            "Seminar",
            "DTSTART;TZID=W. Europe Standard Time:20261103T220000",
            "DURATION:PT3H",
        ),
    )
    import_file(login(coordinator), organization, content, ring)
    event = Event.objects.get()
    assert (event.start_date, event.start_time, event.end_date, event.end_time) == (
        date(2026, 11, 3),
        time(22),
        date(2026, 11, 4),
        time(1),
    )


def test_a_recurring_event_keeps_its_rule_and_exceptions(login, coordinator, organization, ring):
    content = calendar(
        vevent(
            "ukentlig@test",
            "Teammøte",
            "DTSTART;TZID=Europe/Oslo:20260901T090000",
            "DTEND;TZID=Europe/Oslo:20260901T100000",
            "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261215T225959Z",
            "EXDATE;TZID=Europe/Oslo:20261013T090000,20261020T090000",
            "EXDATE;TZID=Europe/Oslo:20261201T090000",
        )
    )
    import_file(login(coordinator), organization, content, ring)
    event = Event.objects.get()
    assert event.recurrence == Recurrence.CUSTOM
    # The UTC UNTIL late on 15 December is that day in Oslo.
    assert event.rrule == "FREQ=WEEKLY;UNTIL=20261215;BYDAY=TU"
    assert event.exceptions == ["2026-10-13", "2026-10-20", "2026-12-01"]
    days = event.occurrences(date(2026, 9, 1), date(2027, 1, 31))
    assert days[0] == date(2026, 9, 1)
    assert days[-1] == date(2026, 12, 15)
    assert date(2026, 10, 13) not in days


def test_an_invalid_rule_is_reported_and_the_other_rows_still_import(
    login, english_coordinator, organization, ring
):
    content = calendar(
        vevent("ok@test", "Gyldig"),
        vevent("hourly@test", "Hver time", "DTSTART:20260901T090000", "RRULE:FREQ=HOURLY"),
        vevent("byhour@test", "Klokke", "DTSTART:20260901T090000", "RRULE:FREQ=DAILY;BYHOUR=9"),
    )
    client = login(english_coordinator)
    preview = upload(client, organization, content, ring)
    assert statuses(preview) == [(1, "new"), (2, "error"), (3, "error")]
    rows = preview.context["parsed"].rows
    assert "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY" in rows[1].errors[0]
    assert "BYHOUR" in rows[2].errors[0]
    assert preview.context["counts"]["error"] == 2
    assert b"BYHOUR" in preview.content
    confirm(client, organization, preview.context["payload"])
    assert list(Event.objects.values_list("external_uid", flat=True)) == ["ok@test"]


def test_row_problems_are_reported(login, english_coordinator, organization, ring):
    content = calendar(
        vevent("no-title@test", None),
        vevent("no-start@test", "Uten start", "X-NOTHING:1"),
        vevent("broken@test", "Ødelagt", "DTSTART:2026xx01"),
        vevent("backwards@test", "Baklengs", "DTSTART:20260901T100000", "DTEND:20260901T090000"),
        vevent("dup@test", "Første"),
        vevent("dup@test", "Andre"),
    )
    preview = upload(login(english_coordinator), organization, content, ring)
    rows = preview.context["parsed"].rows
    assert [row.status for row in rows] == ["error", "error", "error", "error", "new", "error"]
    assert "no title" in rows[0].errors[0]
    assert "no start" in rows[1].errors[0]
    assert "DTSTART" in rows[2].errors[0]
    assert "ends before it starts" in rows[3].errors[0]
    assert "same UID" in rows[5].errors[0]


def test_cancelled_events_and_changed_occurrences_are_left_out_with_a_note(
    login, english_coordinator, organization, ring
):
    content = calendar(
        vevent("serie@test", "Serie", "DTSTART:20260901T090000", "RRULE:FREQ=WEEKLY;COUNT=5"),
        vevent(
            "serie@test",
            "Serie (flyttet)",
            "DTSTART:20260909T090000",
            "RECURRENCE-ID:20260908T090000",
        ),
        vevent("avlyst@test", "Avlyst møte", "DTSTART:20260910T090000", "STATUS:CANCELLED"),
    )
    preview = upload(login(english_coordinator), organization, content, ring)
    parsed = preview.context["parsed"]
    assert [row.uid for row in parsed.rows] == ["serie@test"]
    assert any("Avlyst møte" in note and "cancelled" in note for note in parsed.skipped)
    assert any("Serie (flyttet)" in warning for warning in parsed.warnings)


def test_an_event_without_uid_gets_a_stable_one(login, coordinator, organization, ring):
    content = calendar(vevent(None, "Uten UID"))
    client = login(coordinator)
    import_file(client, organization, content, ring)
    event = Event.objects.get()
    assert event.external_uid.startswith("import-")
    again = upload(client, organization, content, ring)
    assert statuses(again) == [(1, "unchanged")]


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"Dette er bare tekst.\r\n", "notater.ics"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "bilde.ics"),
        ("BEGIN:VCALENDAR\r\nSUMMARY:Møte\r\nEND:VCALENDAR\r\n".encode("latin-1"), "k.ics"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "tom.ics"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n", "avkuttet.ics"),
        (calendar(vevent()), "kalender.txt"),
    ],
)
def test_a_file_that_is_not_a_calendar_gets_a_message(
    login, coordinator, organization, ring, content, name
):
    response = login(coordinator).post(
        reverse("event_import", args=[organization.slug]),
        {"file": SimpleUploadedFile(name, content), "ring": ring.pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert "parsed" not in response.context
    assert Event.objects.count() == 0


def test_the_messages_for_broken_files_are_clear(login, english_coordinator, organization, ring):
    client = login(english_coordinator)
    binary = upload(client, organization, b"\x00\x01\x02BEGIN", ring)
    latin = upload(client, organization, calendar(vevent()).decode().encode("utf-16-be"), ring)
    encoded = upload(
        client,
        organization,
        calendar(vevent(summary="Møte")).decode().encode("latin-1"),
        ring,
    )
    assert "not a calendar file" in binary.context["form"].errors["file"][0]
    assert "not a calendar file" in latin.context["form"].errors["file"][0]
    assert "UTF-8" in encoded.context["form"].errors["file"][0]


def test_a_calendar_in_utf16_with_a_byte_order_mark_is_read(login, coordinator, organization, ring):
    content = calendar(vevent()).decode().encode("utf-16")
    preview = upload(login(coordinator), organization, content, ring)
    assert statuses(preview) == [(1, "new")]


def test_a_file_over_one_megabyte_is_too_large(login, english_coordinator, organization, ring):
    padding = "X-PADDING:" + "x" * 60
    lines = [padding] * (MAX_UPLOAD_BYTES // 60)
    content = calendar(vevent("stor@test", "Stor", "DTSTART:20260901T090000", *lines))
    assert len(content) > MAX_UPLOAD_BYTES
    response = upload(login(english_coordinator), organization, content, ring)
    assert response.context["form"].errors["file"][0].startswith("The file is too large")
    assert Event.objects.count() == 0


def test_a_file_with_more_than_2000_events_is_too_large(
    login, english_coordinator, organization, ring
):
    content = calendar(*(vevent(f"e{n}@t", f"E{n}", "DTSTART:20260901") for n in range(2001)))
    assert len(content) < MAX_UPLOAD_BYTES
    response = upload(login(english_coordinator), organization, content, ring)
    assert response.context["form"].errors["file"][0].startswith("The file is too large")


# --- the ring and the signed preview --------------------------------------------------------


def test_the_ring_must_be_one_of_the_organisations_own_rings(
    login, coordinator, organization, other_organization
):
    client = login(coordinator)
    elsewhere = RingFactory(organization=other_organization)
    archived = RingFactory(organization=organization, is_archived=True)
    system = RingFactory(organization=organization, source=Ring.Source.EVALUATIONS)
    for ring in (elsewhere, archived, system):
        response = upload(client, organization, calendar(vevent()), ring)
        assert response.status_code == 200
        assert response.context["form"].errors["ring"], ring
        assert "parsed" not in response.context
    assert Event.objects.count() == 0


def test_a_tampered_payload_saves_nothing(login, coordinator, organization, ring):
    client = login(coordinator)
    preview = upload(client, organization, calendar(vevent()), ring)
    payload = preview.context["payload"]
    for bad in (payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB"), "", "x:y:z"):
        response = confirm(client, organization, bad)
        assert response.status_code == 302
        assert response["Location"] == reverse("event_import", args=[organization.slug])
    assert Event.objects.count() == 0


def test_a_payload_signed_for_someone_else_saves_nothing(
    login, coordinator, admin_user, organization, ring
):
    preview = upload(login(coordinator), organization, calendar(vevent()), ring)
    payload = preview.context["payload"]
    response = confirm(login(admin_user), organization, payload)
    assert response.status_code == 302
    assert response["Location"] == reverse("event_import", args=[organization.slug])
    assert Event.objects.count() == 0


def test_a_payload_naming_another_organisations_ring_saves_nothing(
    login, coordinator, organization, other_organization, ring
):
    client = login(coordinator)
    preview = upload(client, organization, calendar(vevent()), ring)
    data = signing.loads(
        preview.context["payload"], salt=f"yearwheel.import.{organization.pk}.{coordinator.pk}"
    )
    data["ring"] = RingFactory(organization=other_organization).pk
    forged = signing.dumps(
        data, salt=f"yearwheel.import.{organization.pk}.{coordinator.pk}", compress=True
    )
    response = confirm(client, organization, forged)
    assert response.status_code == 302
    assert Event.objects.count() == 0


def test_an_old_preview_must_be_uploaded_again(
    login, english_coordinator, organization, ring, monkeypatch
):
    client = login(english_coordinator)
    preview = upload(client, organization, calendar(vevent()), ring)
    monkeypatch.setattr(calendars, "PREVIEW_MAX_AGE", -1)  # as if it were hours old
    response = confirm(client, organization, preview.context["payload"])
    assert response.status_code == 302
    assert any("Upload the file again" in text for text in messages_of(response))
    assert Event.objects.count() == 0


def test_it_is_all_or_nothing(login, coordinator, organization, ring, monkeypatch):
    client = login(coordinator)
    content = calendar(vevent("a@test", "A"), vevent("b@test", "B"))
    preview = upload(client, organization, content, ring)
    original = Event.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.title)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Event, "save", failing_save)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        confirm(client, organization, preview.context["payload"])
    monkeypatch.undo()
    assert Event.objects.count() == 0


# --- a round trip ---------------------------------------------------------------------------


@override_settings(SITE_URL="https://tiltak.kommune.test")
def test_a_wheel_exported_and_imported_elsewhere_keeps_its_events(
    login, coordinator, outsider, organization, other_organization
):
    WheelFactory(organization=organization, year=2026)
    EventFactory(
        organization=organization,
        title="Ukemøte",
        start_date=date(2026, 10, 15),
        start_time=time(9),
        end_time=time(10),
        recurrence=Recurrence.WEEKLY,
        repeat_until=date(2026, 11, 12),
        exceptions=["2026-11-05"],
    )
    EventFactory(
        organization=organization,
        title="Kurs",
        start_date=date(2026, 9, 7),
        end_date=date(2026, 9, 9),
    )
    exported = login(coordinator).get(reverse("wheel_ics", args=[organization.slug, 2026]))
    target = RingFactory(organization=other_organization)
    import_file(login(outsider), other_organization, exported.content, target)
    copies = {event.title: event for event in Event.objects.filter(organization=other_organization)}
    weekly = copies["Ukemøte"]
    assert (weekly.start_date, weekly.start_time, weekly.end_time) == (
        date(2026, 10, 15),
        time(9),
        time(10),
    )
    assert weekly.rule_text() == "FREQ=WEEKLY;UNTIL=20261112"
    assert weekly.exceptions == ["2026-11-05"]
    course = copies["Kurs"]
    assert (course.start_date, course.end_date, course.start_time) == (
        date(2026, 9, 7),
        date(2026, 9, 9),
        None,
    )


@override_settings(SITE_URL="https://tiltak.kommune.test")
def test_importing_the_wheels_own_export_copies_nothing(login, coordinator, organization, ring):
    from tests.factories import EvaluationCycleFactory, MeasureFactory

    WheelFactory(organization=organization, year=2026)
    event = EventFactory(organization=organization, ring=ring, start_date=date(2026, 10, 15))
    EvaluationCycleFactory(
        measure=MeasureFactory(organization=organization), first_due=date(2026, 6, 20)
    )
    client = login(coordinator)
    exported = client.get(reverse("wheel_ics", args=[organization.slug, 2026]))
    preview = upload(client, organization, exported.content, ring)
    assert statuses(preview) == [(1, "unchanged")]
    assert len(preview.context["parsed"].skipped) == 2  # the two evaluation due dates
    assert Event.objects.count() == 1
    assert Event.objects.get().pk == event.pk


def test_damaged_properties_fail_their_row_only(login, english_coordinator, organization, ring):
    content = calendar(
        vevent("d@test", "Varighet", "DTSTART:20260901T090000", "DURATION:banan"),
        vevent("e@test", "Unntak", "DTSTART:20260901T090000", "RRULE:FREQ=WEEKLY", "EXDATE:x"),
        vevent("r@test", "Regel", "DTSTART:20260901T090000", "RRULE:FREQ=WEEKLY;UNTIL=zz"),
        vevent("ok@test", "Grei"),
    )
    preview = upload(login(english_coordinator), organization, content, ring)
    rows = preview.context["parsed"].rows
    assert [row.status for row in rows] == ["error", "error", "error", "new"]
    assert "DURATION" in rows[0].errors[0]
    assert "EXDATE" in rows[1].errors[0]
    assert "RRULE" in rows[2].errors[0]
