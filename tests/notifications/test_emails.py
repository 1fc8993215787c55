"""The reminder emails (before, escalation, digest): rendered in bokmål, nynorsk and English,
with working absolute links, a stable Message-ID and plain text without HTML.

The project's own catalogues for these emails are filled in later, so the checks look at the
structure (links, headers, dates in the recipient's language from Django's own catalogue)
rather than at bokmål or nynorsk wording; the English wording is the source text and is
checked where it matters.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from notifications.emails import send_reminder
from notifications.models import Reminder
from organizations.models import Role
from tests.factories import (
    EventFactory,
    MeasureFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
LANGUAGES = ["nb", "nn", "en"]
KINDS = ["before", "escalation", "digest"]
# Month names come from Django's own catalogues, so they show the language already.
OCTOBER = {"nb": "oktober", "nn": "oktober", "en": "October"}
SENT_AT = datetime(2026, 10, 5, 7, 0, tzinfo=OSLO)  # a Monday
TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
ENTITY = re.compile(r"&(amp|lt|gt|quot|#x?[0-9a-fA-F]+);")
URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def person(organization):
    return MembershipFactory(
        organization=organization,
        role=Role.COORDINATOR,
        user=UserFactory(full_name="Kari Nordmann", email="kari@testvik.test", digest_weekday=0),
    ).user


@pytest.fixture
def measure(organization, person):
    program = ProgramFactory(organization=organization, name="Oppvekst")
    return MeasureFactory(
        program=program,
        name="Trygg skolevei",
        team_lead=person,
        next_evaluation_due=date(2026, 9, 20),
    )


def make(kind, organization, person, measure, **fields):
    values = {
        "before": {
            "title": "Budsjett & «seminar»",
            "starts_on": date(2026, 10, 15),
            "ends_on": date(2026, 10, 15),
            "start_time": time(9, 0),
            "place": "Rådhuset",
            "about": "Trygg skolevei",
            "offset_days": 10,
            "path": f"/o/{organization.slug}/wheel/",
        },
        "escalation": {
            "title": measure.name,
            "starts_on": measure.next_evaluation_due,
            "ends_on": measure.next_evaluation_due,
            "about": measure.program.name,
            "path": measure.get_absolute_url() + "#evaluations",
        },
        "digest": {
            "title": "",
            "starts_on": date(2026, 10, 5),
            "ends_on": date(2026, 10, 19),
            "subject_key": "digest",
        },
    }[kind]
    values.update(fields)
    values.setdefault("subject_key", f"{kind}-subject")
    return Reminder.objects.create(
        organization=organization,
        recipient=person,
        key=f"{kind}:{values['starts_on']}:{values.get('offset_days', 0)}:{len(mail.outbox)}",
        kind=kind,
        due_at=SENT_AT,
        **values,
    )


def send(reminder):
    mail.outbox.clear()
    with time_machine.travel(SENT_AT, tick=False):
        send_reminder(reminder)
    [message] = mail.outbox
    return message


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.fixture
def upcoming(organization, person):
    """What the digest lists: an event the person is responsible for, in the next 14 days."""
    return EventFactory(
        organization=organization,
        title="Foreldremøte",
        start_date=date(2026, 10, 15),
        place="Aulaen",
        responsible=person,
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_email_renders_in_every_language(
    kind, language, organization, person, measure, upcoming
):
    person.language = language
    person.save()
    message = send(make(kind, organization, person, measure))
    html = html_of(message)
    assert message.to == [person.email]
    assert message.subject and "\n" not in message.subject
    assert f'<html lang="{language}">' in html
    # The dates are in the person's language.
    assert OCTOBER[language] in message.body or kind == "escalation"
    if kind == "escalation":
        september = {"nb": "september", "nn": "september", "en": "September"}[language]
        assert september in message.body and september in html
    # Plain text is plain: no tags, no escaped entities.
    assert not TAG.search(message.body), TAG.search(message.body)
    assert not ENTITY.search(message.body)
    assert not ENTITY.search(message.subject)


@pytest.mark.parametrize("kind", KINDS)
def test_the_links_are_absolute_and_the_same_in_every_language(
    kind, organization, person, measure, upcoming
):
    reminder = make(kind, organization, person, measure)
    found = {}
    for language in LANGUAGES:
        person.language = language
        person.save()
        message = send(reminder)
        text_links = set(URL.findall(message.body))
        html_links = set(re.findall(r'href="([^"]+)"', html_of(message)))
        assert text_links == html_links, language
        found[language] = text_links
    assert found["nb"] == found["nn"] == found["en"]
    links = found["en"]
    assert all(link.startswith(settings.SITE_URL + "/") for link in links), links
    assert f"{settings.SITE_URL}/accounts/profile/" in links or kind == "escalation"
    if reminder.path:
        assert f"{settings.SITE_URL}{reminder.path}" in links


def test_the_message_id_is_the_same_on_every_attempt(organization, person, measure):
    reminder = make("before", organization, person, measure)
    first = send(reminder)
    again = send(reminder)
    other = send(make("before", organization, person, measure, offset_days=1))
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"] == reminder.message_id
    assert other.extra_headers["Message-ID"] != reminder.message_id
    assert first.extra_headers["Auto-Submitted"] == "auto-generated"


def test_the_language_follows_the_person_then_the_organisation(organization, person, measure):
    organization.written_standard = "nn"
    organization.save()
    person.language = ""
    person.save()
    assert '<html lang="nn">' in html_of(send(make("before", organization, person, measure)))


def test_titles_are_written_as_they_are_in_text_and_escaped_in_html(organization, person, measure):
    person.language = "en"
    person.save()
    message = send(make("before", organization, person, measure))
    assert "Budsjett & «seminar»" in message.subject
    assert "Budsjett & «seminar»" in message.body
    assert "Budsjett &amp; «seminar»" in html_of(message)


@pytest.mark.parametrize(
    ("offset", "subject", "line"),
    [
        (0, "Today: Budsjett & «seminar»", "Coming up today:"),
        (1, "Tomorrow: Budsjett & «seminar»", "Coming up tomorrow:"),
        (10, "15 October: Budsjett & «seminar»", "Coming up in 10 days:"),
    ],
)
def test_the_reminder_says_when(organization, person, measure, offset, subject, line):
    person.language = "en"
    person.save()
    message = send(make("before", organization, person, measure, offset_days=offset))
    assert message.subject == subject
    assert line in message.body
    assert "When: Thursday 15 October 2026, 09:00" in message.body
    assert "Where: Rådhuset" in message.body


def when_line(message) -> str:
    """The line that says when (its label is translated, the date is Django's)."""
    [line] = [line for line in message.body.splitlines() if "2026" in line and ":" in line]
    return line


# The date in the recipient's language; the time span after it ("kl." in Norwegian comes
# from the project's catalogue).
@pytest.mark.parametrize(
    ("language", "day"),
    [
        ("nb", "torsdag 15. oktober 2026, "),
        ("nn", "torsdag 15. oktober 2026, "),
        ("en", "Thursday 15 October 2026, "),
    ],
)
def test_the_reminder_gives_the_end_time(organization, person, measure, language, day):
    person.language = language
    person.save()
    message = send(make("before", organization, person, measure, end_time=time(11, 0)))
    line = when_line(message)
    assert day in line and line.endswith("09:00–11:00")
    assert line.split(": ", 1)[1] in html_of(message)


def test_the_english_span_reads_plainly(organization, person, measure):
    person.language = "en"
    person.save()
    message = send(make("before", organization, person, measure, end_time=time(11, 0)))
    assert "When: Thursday 15 October 2026, 09:00–11:00\n" in message.body
    assert "<td>Thursday 15 October 2026, 09:00–11:00</td>" in html_of(message)


@pytest.mark.parametrize(
    ("language", "first", "last"),
    [
        ("nb", "torsdag 15. oktober 2026, ", "fredag 16. oktober 2026, "),
        ("en", "Thursday 15 October 2026, ", "Friday 16 October 2026, "),
    ],
)
def test_over_several_days_the_times_go_with_their_days(
    organization, person, measure, language, first, last
):
    person.language = language
    person.save()
    reminder = make(
        "before", organization, person, measure, ends_on=date(2026, 10, 16), end_time=time(15, 30)
    )
    line = when_line(send(reminder))
    start, end = line.split(" – ")
    assert first in start and start.endswith("09:00")
    assert end.startswith(last) and end.endswith("15:30")


def test_dates_are_written_the_norwegian_way(organization, person, measure):
    person.language = "nb"
    person.save()
    message = send(make("before", organization, person, measure, start_time=None))
    assert when_line(message).endswith(": torsdag 15. oktober 2026")


def test_a_date_range_shows_both_ends(organization, person, measure):
    person.language = "en"
    person.save()
    reminder = make(
        "before", organization, person, measure, ends_on=date(2026, 10, 16), start_time=None
    )
    assert "When: Thursday 15 October 2026 – Friday 16 October 2026\n" in send(reminder).body


def test_the_escalation_says_how_late_and_why(organization, person, measure):
    person.language = "en"
    person.save()
    organization.escalate_after_days = 10
    organization.save()
    message = send(make("escalation", organization, person, measure))
    html = html_of(message)
    sentence = (
        "The evaluation of “Trygg skolevei” was due on 20 September 2026 and is 15 days overdue."
    )
    assert message.subject == "Evaluation overdue: Trygg skolevei"
    assert sentence in message.body and sentence in html
    assert "when an evaluation is 10 days overdue." in message.body
    settings_url = f"{settings.SITE_URL}/o/{organization.slug}/settings/"
    assert settings_url in message.body and f'href="{settings_url}"' in html
    assert f"{settings.SITE_URL}{measure.get_absolute_url()}#evaluations" in message.body


def test_one_day_overdue_is_singular(organization, person, measure):
    person.language = "en"
    person.save()
    measure.next_evaluation_due = date(2026, 10, 4)
    measure.save()
    body = send(make("escalation", organization, person, measure)).body
    assert "and is 1 day overdue." in body


def test_the_digest_lists_what_is_coming_and_what_is_overdue(
    organization, person, measure, upcoming
):
    person.language = "en"
    person.save()
    message = send(make("digest", organization, person, measure))
    html = html_of(message)
    assert message.subject == f"Weekly digest: your next 14 days in {organization.name}"
    assert "Thursday 15 October 2026: Foreldremøte (Aulaen)" in message.body
    event_url = f"{settings.SITE_URL}{upcoming.get_absolute_url()}"
    assert event_url in message.body and f'href="{event_url}"' in html
    assert "Trygg skolevei: due 20 September 2026" in message.body
    measure_url = f"{settings.SITE_URL}{measure.get_absolute_url()}#evaluations"
    assert measure_url in message.body and f'href="{measure_url}"' in html
    assert "(day: Monday)" in message.body


def test_an_empty_digest_says_there_is_nothing(organization, person):
    person.language = "en"
    person.save()
    reminder = Reminder.objects.create(
        organization=organization,
        recipient=person,
        key="digest-empty",
        kind="digest",
        subject_key="digest",
        title="",
        starts_on=date(2026, 10, 5),
        ends_on=date(2026, 10, 19),
        due_at=SENT_AT,
    )
    message = send(reminder)
    assert "Nothing you are responsible for in the next 14 days." in message.body
    assert "None of the measures you lead has an overdue evaluation." in message.body
    assert "Nothing you are responsible for" in html_of(message)
