"""Where people read a rule, they read it in words: the event page, the event form, the
agenda's badge and the ``rule_text`` filter behind them."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from tests.factories import EventFactory, RingFactory, WheelFactory
from yearwheel.models import Recurrence
from yearwheel.occurrences import Occurrence

pytestmark = pytest.mark.django_db

RULE = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270615;WKST=MO"


@pytest.fixture
def english(coordinator):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    return coordinator


@pytest.fixture
def custom(organization):
    return EventFactory(
        organization=organization,
        ring=RingFactory(organization=organization),
        title="Ledermøte",
        start_date=date(2027, 1, 5),
        recurrence=Recurrence.CUSTOM,
        rrule=RULE,
    )


def render(text, **context):
    with translation.override("en"):
        return Template("{% load wheel_rules %}" + text).render(Context(context))


def test_the_filter_reads_an_event_a_preset_and_a_bare_rule(organization):
    weekly = EventFactory(
        organization=organization,
        start_date=date(2027, 1, 5),
        recurrence=Recurrence.WEEKLY,
        repeat_until=date(2027, 3, 30),
    )
    once = EventFactory(organization=organization, start_date=date(2027, 1, 5))
    assert render("{{ e|rule_text }}", e=weekly) == "every Tuesday until 30 March"
    assert render("{{ e|rule_text }}", e=once) == ""
    assert render("{{ r|rule_text }}", r="FREQ=MONTHLY;BYDAY=1MO") == "first Monday of the month"
    assert render("{{ r|rule_text }}", r=None) == ""


def test_the_filter_reads_an_occurrence_by_its_series_first_date(organization, custom):
    occurrence = Occurrence(
        key="k",
        source="",
        kind="meeting",
        title="t",
        start=date(2027, 3, 2),
        end=date(2027, 3, 2),
        url="/",
        recurring=True,
        extra={"rule": "FREQ=WEEKLY;INTERVAL=2", "rule_start": "2027-01-05"},
    )
    assert render("{{ o|rule_text }}", o=occurrence) == "every other Tuesday"
    derived = Occurrence(
        key="d",
        source="evaluations",
        kind="checkpoint",
        title="t",
        start=date(2027, 3, 2),
        end=date(2027, 3, 2),
        url="/",
        recurring=True,
    )
    assert render("{{ o|rule_text }}", o=derived) == ""


def test_the_event_page_says_the_rule_in_words(login, english, organization, custom):
    page = login(english).get(custom.get_absolute_url()).content.decode()
    assert "Every other Tuesday until 15 June" in page
    assert "FREQ=" not in page


def test_the_event_page_of_a_single_event_says_it_does_not_repeat(login, english, organization):
    event = EventFactory(organization=organization, start_date=date(2027, 1, 5))
    assert "Does not repeat" in login(english).get(event.get_absolute_url()).content.decode()


def test_the_event_form_says_the_saved_custom_rule_in_words(login, english, organization, custom):
    url = reverse("event_update", kwargs={"org_slug": organization.slug, "pk": custom.pk})
    page = login(english).get(url).content.decode()
    assert "The saved rule, in words: every other Tuesday until 15 June." in page
    preset = EventFactory(
        organization=organization, start_date=date(2027, 1, 5), recurrence=Recurrence.WEEKLY
    )
    url = reverse("event_update", kwargs={"org_slug": organization.slug, "pk": preset.pk})
    assert "The saved rule, in words" not in login(english).get(url).content.decode()


def test_the_agenda_badge_says_the_rule_in_words(login, english, organization, custom):
    WheelFactory(organization=organization, year=2027, start_month=1)
    url = reverse("wheel_agenda", kwargs={"org_slug": organization.slug, "year": 2027})
    client = login(english)
    # A month a page, the series one row a month: 5 Jan … 15 Jun.
    for month in range(1, 7):
        page = client.get(f"{url}?zoom=m{month}").content.decode()
        assert page.count("every other Tuesday until 15 June") == 1
        assert "FREQ=" not in page
    assert "every other Tuesday" not in client.get(f"{url}?zoom=m7").content.decode()
