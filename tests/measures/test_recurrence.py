"""Due dates of evaluation rhythms: plain functions, so most tests need no database."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import translation

from measures import recurrence
from measures.recurrence import InvalidRule, next_due, normalize_rule, parse_rule, upcoming

D = dt.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def dates(rhythm, first_due, count=5, rule="", start=None):
    return upcoming(
        rhythm=rhythm, first_due=first_due, rule=rule, start=start or first_due, count=count
    )


def test_monthly_keeps_the_day_and_falls_on_the_last_day_of_short_months():
    assert dates("monthly", D(2026, 1, 31)) == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 30),
        D(2026, 5, 31),
    ]


def test_quarterly_and_yearly_count_from_the_first_due_date():
    assert dates("quarterly", D(2026, 11, 30), 3) == [
        D(2026, 11, 30),
        D(2027, 2, 28),
        D(2027, 5, 30),
    ]
    assert dates("yearly", D(2028, 2, 29), 3) == [D(2028, 2, 29), D(2029, 2, 28), D(2030, 2, 28)]


def test_each_school_term_is_due_on_20_june_and_20_december():
    assert dates("term", D(2026, 12, 15), 4) == [
        D(2026, 12, 20),
        D(2027, 6, 20),
        D(2027, 12, 20),
        D(2028, 6, 20),
    ]
    assert dates("term", D(2026, 6, 20), 1) == [D(2026, 6, 20)]
    assert dates("term", D(2026, 6, 21), 1) == [D(2026, 12, 20)]


def test_upcoming_starts_on_the_given_day():
    assert dates("monthly", D(2026, 1, 15), 2, start=D(2026, 3, 16)) == [
        D(2026, 4, 15),
        D(2026, 5, 15),
    ]


def test_a_custom_rule_counts_from_the_first_due_date():
    assert dates("custom", D(2026, 1, 15), 3, rule="FREQ=MONTHLY;INTERVAL=2") == [
        D(2026, 1, 15),
        D(2026, 3, 15),
        D(2026, 5, 15),
    ]
    twice_a_year = "FREQ=YEARLY;BYMONTH=3,10;BYMONTHDAY=1"
    assert dates("custom", D(2026, 1, 15), 3, rule=twice_a_year) == [
        D(2026, 3, 1),
        D(2026, 10, 1),
        D(2027, 3, 1),
    ]


def test_without_an_evaluation_the_first_due_date_is_next():
    assert next_due(rhythm="term", first_due=D(2026, 12, 15), last_evaluated=None) == D(
        2026, 12, 20
    )


@pytest.mark.parametrize(
    ("period_end", "expected"),
    [
        (D(2026, 12, 20), D(2027, 6, 20)),  # on the day
        (D(2026, 12, 18), D(2027, 6, 20)),  # a few days early: counts for 20 December
        (D(2027, 1, 10), D(2027, 6, 20)),  # a few weeks late: still the December one
        (D(2027, 6, 1), D(2027, 12, 20)),  # early for June
        (D(2027, 12, 28), D(2028, 6, 20)),  # a year late: the date nearest is answered
        (D(2026, 8, 1), D(2026, 12, 20)),  # long before the first date: that one stays due
        (D(2026, 10, 1), D(2027, 6, 20)),  # in the half interval before it: counts
    ],
)
def test_an_evaluation_answers_the_due_date_nearest_to_the_end_of_its_period(period_end, expected):
    assert next_due(rhythm="term", first_due=D(2026, 12, 15), last_evaluated=period_end) == expected


def test_a_missed_date_stays_due_until_an_evaluation_answers_it():
    # Monthly from 15 January; the team evaluated January, then nothing: February is due.
    assert next_due(rhythm="monthly", first_due=D(2026, 1, 15), last_evaluated=D(2026, 1, 14)) == D(
        2026, 2, 15
    )


def test_a_rule_that_ends_has_no_next_date_once_its_last_date_is_answered():
    kwargs = {"rhythm": "custom", "first_due": D(2026, 1, 1), "rule": "FREQ=MONTHLY;COUNT=2"}
    assert next_due(**kwargs, last_evaluated=D(2026, 1, 1)) == D(2026, 2, 1)
    assert next_due(**kwargs, last_evaluated=D(2026, 2, 1)) is None
    assert next_due(**kwargs, last_evaluated=D(2027, 1, 1)) is None


def test_rules_are_stored_in_one_spelling():
    assert normalize_rule(" rrule:freq=monthly; interval=2 ") == "FREQ=MONTHLY;INTERVAL=2"
    assert normalize_rule("FREQ=YEARLY;UNTIL=20271231T000000Z") == "FREQ=YEARLY;UNTIL=20271231"
    parse_rule("FREQ=YEARLY;UNTIL=20271231T000000Z", D(2026, 1, 1))  # no time zone quarrel


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "Write a recurrence rule"),
        ("every month", "is not a part of a recurrence rule"),
        ("INTERVAL=2", "needs a FREQ"),
        ("FREQ=HOURLY", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=DAILY;BYHOUR=8", "BYHOUR cannot be used"),
        ("FREQ=MONTHLY;DTSTART=20260101", "DTSTART is not a recurrence rule part we know"),
        ("FREQ=MONTHLY;INTERVAL=0", "INTERVAL must be a whole number from 1 to 1000"),
        ("FREQ=MONTHLY;COUNT=x", "COUNT must be a whole number"),
        ("FREQ=MONTHLY;FREQ=YEARLY", "FREQ is given twice"),
        ("FREQ=MONTHLY;COUNT=2;UNTIL=20270101", "either COUNT or UNTIL"),
        ("FREQ=MONTHLY;UNTIL=2027", "Write UNTIL as a date"),
        ("FREQ=DAILY;BYSETPOS=1", "BYSETPOS needs FREQ=WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=MONTHLY;UNTIL=20271332", "The recurrence rule is not valid"),
        ("FREQ=MONTHLY;BYDAY=XX", "The recurrence rule is not valid"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "gives no date within 10 years"),
        ("FREQ=YEARLY;UNTIL=20200101", "gives no date within 10 years"),
    ],
)
def test_a_bad_custom_rule_is_refused_with_a_clear_message(rule, message):
    with pytest.raises(InvalidRule, match=message):
        parse_rule(rule, D(2026, 1, 1))


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=WEEKLY;BYSETPOS=8",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=10",
    ],
)
def test_a_rule_that_never_occurs_is_refused_quickly(rule):
    # dateutil alone would search until the year 9999: seconds for a daily rule.
    started = time.perf_counter()
    with pytest.raises(InvalidRule, match="gives no date within"):
        parse_rule(rule, D(2026, 1, 1))
    assert time.perf_counter() - started < 1.5


def test_a_rule_that_occurs_rarely_is_accepted():
    # 29 February on a Monday: 2044 is the first after 2026.
    rule = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO"
    with pytest.raises(InvalidRule):
        parse_rule(rule, D(2026, 1, 1))  # more than ten years away
    parse_rule(rule, D(2036, 1, 1))
    assert dates("custom", D(2036, 1, 1), 1, rule=rule) == [D(2044, 2, 29)]


def test_series_refuses_an_unknown_rhythm():
    with pytest.raises(ValueError, match="unknown rhythm"):
        recurrence.series(rhythm="weekly", first_due=D(2026, 1, 1))


@pytest.mark.parametrize("rhythm", ["monthly", "quarterly", "yearly", "term"])
def test_before_and_after_agree_for_every_day_of_two_years(rhythm):
    series = recurrence.series(rhythm=rhythm, first_due=D(2026, 1, 31))
    due = set(dates(rhythm, D(2026, 1, 31), 30))
    day = D(2025, 12, 1)
    while day < D(2028, 1, 1):
        later = [d for d in sorted(due) if d > day]
        earlier = [d for d in sorted(due) if d < day]
        assert series.after(day) == later[0], day
        assert series.before(day) == (earlier[-1] if earlier else None), day
        assert series.after(day, inclusive=True) == (day if day in due else later[0]), day
        day += dt.timedelta(days=1)
