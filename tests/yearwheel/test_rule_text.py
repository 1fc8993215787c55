"""Recurrence rules in plain words (yearwheel/rule_text.py): every part we describe, and the
general phrase for what we do not, never the raw rule."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from yearwheel.models import PRESET_RULES, Recurrence
from yearwheel.rule_text import describe_rule

TUESDAY = date(2027, 1, 5)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270615;WKST=MO",
            "every other Tuesday until 15 June",
        ),
        ("FREQ=WEEKLY;BYDAY=TU", "every Tuesday"),
        ("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TH", "every Monday and Thursday"),
        ("FREQ=WEEKLY;BYDAY=FR,MO,WE", "every Monday, Wednesday and Friday"),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=MO", "every 3 weeks on Monday"),
        ("FREQ=WEEKLY", "every Tuesday"),  # the weekday of the first date
        ("FREQ=WEEKLY;INTERVAL=2", "every other Tuesday"),
        ("FREQ=DAILY", "every day"),
        ("FREQ=DAILY;INTERVAL=2", "every other day"),
        ("FREQ=DAILY;INTERVAL=3", "every 3 days"),
        ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "every weekday (Monday to Friday)"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday (Monday to Friday)"),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR",
            "every other Monday, Tuesday, Wednesday, Thursday and Friday",
        ),
        ("FREQ=DAILY;COUNT=6", "every day, 6 times"),
        ("FREQ=DAILY;COUNT=1", "every day, 1 time"),
        ("FREQ=MONTHLY", "on day 5 of the month"),
        ("FREQ=MONTHLY;INTERVAL=2", "on day 5 of every other month"),
        ("FREQ=MONTHLY;INTERVAL=3", "on day 5 of every 3 months"),
        ("FREQ=MONTHLY;BYDAY=1MO", "first Monday of the month"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "last Friday of the month"),
        ("FREQ=MONTHLY;BYDAY=+2WE", "second Wednesday of the month"),
        ("FREQ=MONTHLY;BYDAY=-2TH;INTERVAL=2", "second to last Thursday of every other month"),
        ("FREQ=MONTHLY;BYDAY=1MO,3MO", "first Monday and third Monday of the month"),
        ("FREQ=MONTHLY;BYDAY=TU", "every Tuesday of the month"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "on day 15 of the month"),
        ("FREQ=MONTHLY;BYMONTHDAY=15,1", "on days 1 and 15 of the month"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "on the last day of the month"),
        (
            "FREQ=MONTHLY;BYMONTHDAY=20;BYMONTH=6,12",
            "on day 20 of the month, only in June and December",
        ),
        ("FREQ=YEARLY", "every year on 5 January"),
        ("FREQ=YEARLY;INTERVAL=2", "every other year on 5 January"),
        ("FREQ=YEARLY;INTERVAL=4", "every 4 years on 5 January"),
        ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=20", "every year on 20 June"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "every year on 29 February"),
        ("FREQ=YEARLY;BYMONTH=3;BYDAY=1MO", "first Monday in March every year"),
        ("FREQ=YEARLY;BYMONTH=3,9", "on day 5 in March and September every year"),
        ("FREQ=WEEKLY;BYDAY=TU;COUNT=6", "every Tuesday, 6 times"),
        ("FREQ=WEEKLY;UNTIL=20280110", "every Tuesday until 10 January 2028"),
        ("FREQ=WEEKLY;UNTIL=20270615T215959Z", "every Tuesday until 15 June"),
        ("RRULE:FREQ=WEEKLY", "every Tuesday"),
        ("freq=weekly;byday=tu", "every Tuesday"),
    ],
)
def test_a_rule_reads_in_plain_words(rule, words):
    assert describe_rule(rule, TUESDAY) == words


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY", "every week"),
        ("FREQ=WEEKLY;INTERVAL=2", "every other week"),
        ("FREQ=WEEKLY;INTERVAL=5", "every 5 weeks"),
        ("FREQ=MONTHLY", "every month"),
        ("FREQ=MONTHLY;INTERVAL=2", "every other month"),
        ("FREQ=MONTHLY;INTERVAL=6", "every 6 months"),
        ("FREQ=YEARLY", "every year"),
        ("FREQ=YEARLY;BYMONTH=3", "in March every year"),
    ],
)
def test_without_a_first_date_it_says_only_the_rhythm(rule, words):
    assert describe_rule(rule) == words


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "on certain days of the month"),
        ("FREQ=YEARLY;BYWEEKNO=20", "on certain days of the year"),
        ("FREQ=YEARLY;BYYEARDAY=100", "on certain days of the year"),
        ("FREQ=WEEKLY;BYDAY=1MO", "on certain days of the week"),
        ("FREQ=DAILY;BYHOUR=9", "on certain days"),
        ("FREQ=DAILY;INTERVAL=2;BYDAY=MO", "on certain days"),
        ("FREQ=MONTHLY;BYDAY=6MO", "on certain days of the month"),
        ("FREQ=MONTHLY;BYMONTHDAY=-3", "on certain days of the month"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "on certain days of the month"),
        ("FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=1", "on certain days of the month"),
        ("FREQ=WEEKLY;INTERVAL=0", "on certain days of the week"),
        ("FREQ=WEEKLY;BYDAY=XX", "on certain days of the week"),
        ("FREQ=HOURLY", "repeats by its own rule"),
        ("FREQ=WEEKLY;FREQ=DAILY", "repeats by its own rule"),
        ("nonsense", "repeats by its own rule"),
        ("FREQ=MONTHLY;BYSETPOS=1;BYDAY=MO;COUNT=3", "on certain days of the month, 3 times"),
        ("FREQ=WEEKLY;UNTIL=banana", "every Tuesday"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20270301", "every Tuesday"),
    ],
)
def test_what_it_cannot_say_falls_back_to_a_general_phrase(rule, words):
    text = describe_rule(rule, TUESDAY)
    assert text == words
    assert "FREQ" not in text.upper()


def test_no_rule_says_nothing():
    assert describe_rule("") == ""
    assert describe_rule("   ") == ""


@pytest.mark.parametrize(
    ("recurrence", "words"),
    [
        (Recurrence.WEEKLY, "every Tuesday"),
        (Recurrence.MONTHLY, "on day 5 of the month"),
        (Recurrence.TERM, "on day 5 of every 6 months"),
        (Recurrence.YEARLY, "every year on 5 January"),
    ],
)
def test_every_preset_reads_in_words(recurrence, words):
    assert describe_rule(PRESET_RULES[recurrence], TUESDAY) == words


def test_the_words_follow_the_active_language():
    rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270615;WKST=MO"
    with translation.override("nb"):
        bokmal = describe_rule(rule, TUESDAY)
    with translation.override("nn"):
        nynorsk = describe_rule(rule, TUESDAY)
    # The weekday and the date come in each language's own words and format.
    assert "tirsdag" in bokmal
    assert "15. juni" in bokmal
    assert "tysdag" in nynorsk
    assert "15. juni" in nynorsk
    assert describe_rule(rule, TUESDAY) == "every other Tuesday until 15 June"
