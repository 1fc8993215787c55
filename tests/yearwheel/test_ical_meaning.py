"""A calendar import keeps what the events mean: the responsible person (ORGANIZER), the
participants (ATTENDEE), the kind (CATEGORIES, or the importer's mapping in the preview) and
the description as plain text, for files written the way Outlook and Google write them
(tests/data/calendars/)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from organizations.models import Membership
from tests.factories import EventFactory, MembershipFactory, RingFactory, UserFactory
from tests.yearwheel.test_ical_import import calendar, confirm, messages_of, upload, vevent
from yearwheel.ical_meaning import kind_of_category
from yearwheel.models import Event, Kind

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "calendars"
OUTLOOK = (DATA / "outlook-oppvekst.ics").read_bytes()
GOOGLE = (DATA / "google-oppvekst.ics").read_bytes()


@pytest.fixture
def importer(coordinator):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    return coordinator


@pytest.fixture
def ring(organization):
    # The usual kind is "activity": a kind that comes from anything else shows.
    return RingFactory(organization=organization, name="Oppvekst", default_kind=Kind.ACTIVITY)


@pytest.fixture
def former(organization):
    """Named in the Outlook file, but no longer an active member."""
    return MembershipFactory(
        organization=organization, user=UserFactory(email="sluttet@testvik.test"), is_active=False
    ).user


def preview_of(client, organization, content, ring, kind=""):
    response = upload(client, organization, content, ring, kind)
    assert response.status_code == 200
    assert response.context["payload"]
    return response


def by_title():
    return {event.title: event for event in Event.objects.all()}


# --- the Outlook file -----------------------------------------------------------------------


def test_outlook_organiser_attendees_categories_and_descriptions_are_kept(
    login, importer, team_lead, member, former, organization, ring
):
    client = login(importer)
    preview = preview_of(client, organization, OUTLOOK, ring)
    response = confirm(client, organization, preview.context["payload"])
    assert response.status_code == 302
    events = by_title()
    meeting = events["Koordineringsmøte oppvekst"]
    # ORGANIZER:mailto:Teamleder@Testvik.TEST, matched whatever the case.
    assert meeting.responsible == team_lead
    # MEDLEM@testvik.test is a member; the outside adviser and the former employee are not.
    assert list(meeting.participants.all()) == [member]
    assert meeting.kind == Kind.MEETING  # CATEGORIES:Møte
    assert meeting.rrule == "FREQ=WEEKLY;UNTIL=20270615;INTERVAL=2;BYDAY=TU;WKST=MO"
    assert meeting.description == (
        "Fast agenda:\n1. Status for tiltakene\n2. Saker fra enhetene\n\n"
        "Møterom: Rådhuset, 3. etasje"
    )
    deadline = events["Frist for budsjettinnspill"]
    assert deadline.kind == Kind.DEADLINE  # CATEGORIES:Frist,Rød kategori
    assert deadline.responsible == importer  # the organiser is no member here
    assert not deadline.participants.exists()
    day_off = events["Planleggingsdag skolene"]
    assert day_off.kind == Kind.ACTIVITY  # "Gul kategori" names no kind: the ring's usual one
    assert day_off.responsible == importer  # no organiser at all
    # DESCRIPTION is empty; Outlook's HTML copy (X-ALT-DESC) is read as text.
    assert day_off.description == (
        "Ingen undervisning.\n\nSe skolekalenderen (https://skole.testvik.test/kalender)."
    )
    assert any(
        "2 events had no organiser we know; you are set as responsible." in text
        for text in messages_of(response)
    )


def test_the_outlook_preview_shows_kinds_people_and_rules_in_words(
    login, importer, team_lead, member, former, organization, ring
):
    preview = preview_of(login(importer), organization, OUTLOOK, ring)
    page = preview.content.decode()
    assert preview.context["without_organizer"] == 2
    assert "2 new events have no organiser we know; you will be set as responsible" in page
    assert preview.context["unknown_attendees"] == [
        "radgiver@leverandor.test",
        "sluttet@testvik.test",
    ]
    assert "radgiver@leverandor.test" in page
    assert "Every other Tuesday until 15 June 2027" in page
    assert "FREQ=" not in page
    assert f"Responsible: {team_lead}" in page
    assert f"Participants: {member}" in page
    rows = preview.context["shown_rows"]
    assert [row.kind for row in rows] == ["Meeting place", "Deadline", "Activity"]
    mapping = preview.context["mapping_form"]
    assert mapping.names == ["Møte", "Frist", "Rød kategori", "Gul kategori"]
    assert [mapping[f"category_{n}"].initial for n in range(4)] == ["meeting", "deadline", "", ""]
    assert mapping["default_kind"].initial == Kind.ACTIVITY
    assert 'name="category_2"' in page
    assert Event.objects.count() == 0


def test_the_importer_chooses_the_kind_of_each_category_in_the_preview(
    login, importer, organization, ring
):
    client = login(importer)
    preview = preview_of(client, organization, OUTLOOK, ring)
    response = client.post(
        reverse("event_import_confirm", args=[organization.slug]),
        {
            "payload": preview.context["payload"],
            "default_kind": Kind.DEADLINE,
            "category_0": Kind.CHECKPOINT,  # Møte
            "category_1": "",  # Frist: as events without a category
            "category_2": Kind.MEETING,  # Rød kategori
            "category_3": "",  # Gul kategori
        },
    )
    assert response.status_code == 302
    events = by_title()
    assert events["Koordineringsmøte oppvekst"].kind == Kind.CHECKPOINT
    # Its first category has no kind now; the next one has.
    assert events["Frist for budsjettinnspill"].kind == Kind.MEETING
    assert events["Planleggingsdag skolene"].kind == Kind.DEADLINE


@pytest.mark.parametrize(
    "changes", [{"default_kind": "boss"}, {"default_kind": "", "category_0": "meeting"}]
)
def test_a_kind_that_is_no_kind_saves_nothing(login, importer, organization, ring, changes):
    client = login(importer)
    preview = preview_of(client, organization, OUTLOOK, ring)
    url = reverse("event_import_confirm", args=[organization.slug])
    data = {"payload": preview.context["payload"], "category_1": "nonsense", **changes}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Event.objects.count() == 0
    assert any("could not be read" in text for text in messages_of(response))
    # The preview is not used up: confirmed properly, it imports.
    client.post(url, {"payload": preview.context["payload"], "default_kind": Kind.ACTIVITY})
    assert Event.objects.count() == 3


def test_a_category_kind_forged_into_the_payload_saves_nothing(login, importer, organization, ring):
    client = login(importer)
    preview = preview_of(client, organization, OUTLOOK, ring)
    salt = f"yearwheel.import.{organization.pk}.{importer.pk}"
    data = signing.loads(preview.context["payload"], salt=salt)
    data["kinds"]["Møte"] = "boss"
    response = confirm(client, organization, signing.dumps(data, salt=salt, compress=True))
    assert response.status_code == 302
    assert Event.objects.count() == 0


def test_the_preview_carries_member_ids_not_addresses(
    login, importer, team_lead, member, organization, ring
):
    preview = preview_of(login(importer), organization, OUTLOOK, ring)
    data = signing.loads(
        preview.context["payload"], salt=f"yearwheel.import.{organization.pk}.{importer.pk}"
    )
    text = json.dumps(data)
    assert "@" not in text
    meeting = data["rows"][0]
    assert meeting[-2:] == [team_lead.pk, [member.pk]]


def test_people_who_left_between_preview_and_confirmation_are_not_set(
    login, importer, team_lead, member, organization, ring
):
    client = login(importer)
    preview = preview_of(client, organization, OUTLOOK, ring)
    Membership.objects.filter(user__in=[team_lead, member]).update(is_active=False)
    confirm(client, organization, preview.context["payload"])
    meeting = by_title()["Koordineringsmøte oppvekst"]
    assert meeting.responsible == importer
    assert not meeting.participants.exists()


def test_members_of_other_organisations_are_not_matched(
    login, importer, outsider, organization, ring
):
    content = calendar(
        vevent(
            "x@t",
            "Møte",
            "DTSTART;VALUE=DATE:20261001",
            "ORGANIZER:mailto:admin@nabo.test",
            "ATTENDEE:mailto:admin@nabo.test",
        )
    )
    client = login(importer)
    preview = preview_of(client, organization, content, ring)
    assert preview.context["unknown_attendees"] == ["admin@nabo.test"]
    confirm(client, organization, preview.context["payload"])
    event = Event.objects.get()
    assert event.responsible == importer
    assert not event.participants.exists()


def test_an_organiser_who_is_a_member_means_no_note(login, importer, team_lead, organization, ring):
    content = calendar(
        vevent(
            "x@t", "Møte", "DTSTART;VALUE=DATE:20261001", "ORGANIZER:MAILTO:teamleder@testvik.test"
        )
    )
    client = login(importer)
    preview = preview_of(client, organization, content, ring)
    assert preview.context["without_organizer"] == 0
    assert "no organiser we know" not in preview.content.decode()
    response = confirm(client, organization, preview.context["payload"])
    assert Event.objects.get().responsible == team_lead
    assert not any("no organiser" in text for text in messages_of(response))


def test_a_reimport_keeps_the_people_and_kind_the_event_has(
    login, importer, team_lead, member, organization, ring
):
    client = login(importer)
    confirm(
        client, organization, preview_of(client, organization, OUTLOOK, ring).context["payload"]
    )
    meeting = by_title()["Koordineringsmøte oppvekst"]
    meeting.responsible = member
    meeting.kind = Kind.CHECKPOINT
    meeting.save()
    meeting.participants.set([team_lead])
    preview = upload(client, organization, OUTLOOK, ring)
    assert [row.status for row in preview.context["parsed"].rows] == ["unchanged"] * 3
    meeting.refresh_from_db()
    assert (meeting.responsible, meeting.kind) == (member, Kind.CHECKPOINT)
    assert list(meeting.participants.all()) == [team_lead]


# --- the Google file ------------------------------------------------------------------------


def test_google_organiser_attendees_and_html_description_are_kept(
    login, importer, team_lead, viewer, organization, ring
):
    client = login(importer)
    preview = preview_of(client, organization, GOOGLE, ring)
    assert preview.context["unknown_attendees"] == ["fau@foreldre.test"]
    assert "Every other Tuesday until 15 June 2027" in preview.content.decode()
    client.post(
        reverse("event_import_confirm", args=[organization.slug]),
        {"payload": preview.context["payload"], "default_kind": Kind.DEADLINE},
    )
    events = by_title()
    meeting = events["Ledermøte oppvekst"]
    assert meeting.responsible == team_lead
    # Google lists the organiser among the attendees: not a participant besides.
    assert list(meeting.participants.all()) == [viewer]
    assert meeting.kind == Kind.DEADLINE  # no categories: the kind chosen in the preview
    # UNTIL=20270615T215959Z is the last second of 15 June in Oslo.
    assert meeting.rrule == "FREQ=WEEKLY;UNTIL=20270615;INTERVAL=2;BYDAY=TU;WKST=MO"
    assert meeting.description == (
        "Fast agenda\n1. Status for tiltakene\n2. Eventuelt\n\n"
        "Sakspapirer: mappen for ledermøtet (https://docs.testvik.test/ledermote) "
        "(oppdateres fredag)"
    )
    grant = events["Søknadsfrist tilskudd til fritidstiltak"]
    # The organiser is the shared calendar itself.
    assert grant.responsible == importer
    assert grant.description == (
        "- Skjema: https://tilskudd.testvik.test/\n- Budsjett & fremdriftsplan\nKlikk her"
    )


def test_an_imported_html_description_shows_as_text_on_the_event_page(
    login, importer, team_lead, organization, ring
):
    client = login(importer)
    confirm(client, organization, preview_of(client, organization, GOOGLE, ring).context["payload"])
    meeting = by_title()["Ledermøte oppvekst"]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "&lt;b&gt;" not in page
    assert "<b>Fast agenda</b>" not in page
    assert 'alert("x")' not in page
    assert "color:red" not in page
    assert "Fast agenda<br>1. Status for tiltakene" in page
    assert "Every other Tuesday until 15 June 2027" in page


# --- the wheel's own files ------------------------------------------------------------------


def test_a_wheels_export_keeps_its_kinds_when_imported_elsewhere(
    login, coordinator, outsider, organization, other_organization
):
    from tests.factories import WheelFactory

    WheelFactory(organization=organization, year=2026)
    for kind in Kind:
        EventFactory(
            organization=organization,
            title=f"E-{kind.value}",
            kind=kind,
            start_date=date(2026, 9, 1),
        )
    exported = login(coordinator).get(reverse("wheel_ics", args=[organization.slug, 2026]))
    target = RingFactory(organization=other_organization, default_kind=Kind.ACTIVITY)
    client = login(outsider)
    preview = preview_of(client, other_organization, exported.content, target)
    confirm(client, other_organization, preview.context["payload"])
    copies = Event.objects.filter(organization=other_organization)
    assert {event.title: event.kind for event in copies} == {
        f"E-{kind.value}": kind.value for kind in Kind
    }


# --- the words of categories ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "kind"),
    [
        ("Møte", Kind.MEETING),
        ("MØTE", Kind.MEETING),
        ("meeting", Kind.MEETING),
        ("Team meeting", Kind.MEETING),
        ("Møteplass", Kind.MEETING),
        ("Meeting place", Kind.MEETING),
        ("frist", Kind.DEADLINE),
        ("Deadline", Kind.DEADLINE),
        ("Frister 2027", Kind.DEADLINE),
        ("Sjekkpunkt", Kind.CHECKPOINT),
        ("checkpoint", Kind.CHECKPOINT),
        ("Milepæl", Kind.CHECKPOINT),
        ("Aktivitet", Kind.ACTIVITY),
        ("Activity", Kind.ACTIVITY),
        ("Rød kategori", ""),
        ("Red category", ""),
        ("Gul kategori", ""),
        ("Møterom", ""),
        ("", ""),
    ],
)
def test_the_words_of_a_category_name_its_kind(category, kind):
    assert kind_of_category(category) == kind


def test_the_kinds_own_labels_in_every_language_name_it():
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            labels = {kind.value: str(kind.label) for kind in Kind}
        for value, label in labels.items():
            assert kind_of_category(label) == value, (language, label)


def test_markup_in_categories_and_addresses_is_shown_as_text(login, importer, organization, ring):
    content = calendar(
        vevent(
            "x@t",
            "Møte",
            "DTSTART;VALUE=DATE:20261001",
            "CATEGORIES:<img src=x onerror=alert(1)>",
            "ATTENDEE:mailto:<script>@x.test",
        )
    )
    page = preview_of(login(importer), organization, content, ring).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>@x.test" not in page
    assert "&lt;script&gt;@x.test" in page


def test_the_participants_of_all_new_events_are_written_in_one_query(
    login, importer, member, viewer, organization, ring
):
    content = calendar(
        *(
            vevent(
                f"p{number}@t",
                f"Møte {number}",
                "DTSTART;VALUE=DATE:20261001",
                "ATTENDEE:mailto:medlem@testvik.test",
                "ATTENDEE:mailto:politiker@testvik.test",
            )
            for number in range(6)
        )
    )
    client = login(importer)
    preview = preview_of(client, organization, content, ring)
    with CaptureQueriesContext(connection) as queries:
        confirm(client, organization, preview.context["payload"])
    writes = [q["sql"] for q in queries if "yearwheel_event_participants" in q["sql"]]
    assert len(writes) == 1
    assert all(set(event.participants.all()) == {member, viewer} for event in Event.objects.all())
