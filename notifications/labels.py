"""What a reminder is and when, in words: one home for the line the notification list, the
coordinators' page and the emails show under a reminder's title.

An escalation says what is overdue (an evaluation or an action item: ``Reminder.overdue_item``),
a reminder before says what is coming (a meeting, a deadline, …) and when, with the end time
when it is known, and a date span when the item runs over several days.
"""

from __future__ import annotations

from datetime import date, time

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from notifications.models import ACTION_ITEM, Reminder
from yearwheel.models import Kind

# What is coming, by the wheel's kind of item.
UPCOMING: dict[str, object] = {
    Kind.CHECKPOINT: gettext_lazy("Checkpoint"),
    Kind.MEETING: gettext_lazy("Meeting"),
    Kind.ACTIVITY: gettext_lazy("Activity"),
    Kind.DEADLINE: gettext_lazy("Deadline"),
}


def long_date(day: date) -> str:
    """ "torsdag 4. mars 2027" in Norwegian, "Thursday 4 March 2027" in English."""
    return f"{formats.date_format(day, 'l')} {formats.date_format(day, 'DATE_FORMAT')}"


def short_date(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")


def _at(day: str, start: time | None, end: time | None) -> str:
    if start is None:
        return day
    if end is None or end == start:
        return pgettext("a date and a time", "%(date)s, %(time)s") % {
            "date": day,
            "time": _clock(start),
        }
    return pgettext("a date and a time span", "%(date)s, %(start)s–%(end)s") % {
        "date": day,
        "start": _clock(start),
        "end": _clock(end),
    }


def when(
    starts_on: date,
    ends_on: date,
    start_time: time | None,
    end_time: time | None,
    *,
    short: bool = False,
) -> str:
    """The day (or the span of days) and the time: "torsdag 4. mars 2027, kl. 09:00–11:00",
    "Thursday 4 March 2027 – Friday 5 March 2027"."""
    written = short_date if short else long_date
    if ends_on == starts_on:
        return _at(written(starts_on), start_time, end_time)
    # Over several days, the start time belongs to the first day and the end time to the last.
    return pgettext("a span of days", "%(start)s – %(end)s") % {
        "start": _at(written(starts_on), start_time, None),
        "end": _at(written(ends_on), end_time, None),
    }


def reminder_when(reminder: Reminder, *, short: bool = False) -> str:
    return when(
        reminder.starts_on, reminder.ends_on, reminder.start_time, reminder.end_time, short=short
    )


def overdue_label(reminder: Reminder, *, short: bool = True) -> str:
    """ "Action item overdue since 04.03.2027" or "Evaluation overdue since …"."""
    day = short_date(reminder.starts_on) if short else long_date(reminder.starts_on)
    if reminder.overdue_item == ACTION_ITEM:
        return _("Action item overdue since %(date)s") % {"date": day}
    return _("Evaluation overdue since %(date)s") % {"date": day}


def describe(reminder: Reminder) -> str:
    """The line under a reminder's title in the product's lists (short dates)."""
    if reminder.kind == Reminder.Kind.ESCALATION:
        return overdue_label(reminder)
    if reminder.kind == Reminder.Kind.DIGEST:
        return _("Weekly digest")
    if reminder.kind == Reminder.Kind.GATE_REVIEW:
        return _("Gate review requested on %(date)s") % {"date": short_date(reminder.starts_on)}
    span = reminder_when(reminder, short=True)
    kind = UPCOMING.get(reminder.kind_of_item)
    return f"{kind}: {span}" if kind else span
