"""The annual wheel: a planning year per organisation, rings (layers) and events.

Rings and events belong to the organisation, not to one year: a weekly meeting place or a
yearly deadline recurs across planning years, and each year's wheel shows the occurrences that
fall in it. A wheel is the organisation's planning year (which starts in January, or in August
for a school year) with its title and introduction.

Events derived from the rest of the product (evaluation due dates, planned activities, phase IV
routines) are not stored here: ``yearwheel/sources.py`` reads them on the fly, and they are
drawn in *system rings* (``Ring.source``) that people may rename, recolour, reorder or hide.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from dateutil import rrule as dateutil_rrule
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models import Evaluation, Goal, Measure, Program
from organizations.models import Organization, TimeStamped
from yearwheel.colours import HEX_COLOUR, readable_on_white
from yearwheel.expansion import occurrence_dates

FIRST_YEAR = 2000
LAST_YEAR = 2100


class Kind(models.TextChoices):
    CHECKPOINT = "checkpoint", _("Checkpoint")
    MEETING = "meeting", _("Meeting place")
    ACTIVITY = "activity", _("Activity")
    DEADLINE = "deadline", _("Deadline")


class Wheel(TimeStamped):
    """One planning year of an organisation: twelve months from ``start_month`` of ``year``."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="wheels")
    year = models.PositiveSmallIntegerField(
        _("planning year"),
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text=_("The calendar year the planning year starts in."),
    )
    # Copied from the organisation when the wheel is made, so changing the organisation's
    # setting later does not shift the months of wheels already planned.
    start_month = models.PositiveSmallIntegerField(
        _("first month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    title = models.CharField(_("title"), max_length=150, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when the municipal planning cycle was applied to this wheel: the wheel rolled on to
    # the next planning year gets the cycle too (yearwheel/rolling.py).
    uses_planning_cycle = models.BooleanField(_("uses the municipal planning cycle"), default=False)
    # Made by the rolling wheel rather than by a person (``created_by`` is then empty too); the
    # audit trail shows the system as its author.
    made_automatically = models.BooleanField(_("made automatically"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual wheel")
        verbose_name_plural = _("annual wheels")
        ordering = ["organization", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="one_wheel_per_year"),
            models.CheckConstraint(
                condition=models.Q(start_month__gte=1, start_month__lte=12),
                name="wheel_start_month_is_a_month",
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(_("Annual wheel %(years)s") % {"years": self.label})

    @property
    def label(self) -> str:
        """``2026`` for a calendar year, ``2026/27`` for a year starting in another month."""
        if self.start_month == 1:
            return str(self.year)
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.year, self.start_month, 1)

    @property
    def end(self) -> date:
        """The last day of the planning year (inclusive)."""
        return self.start + relativedelta(years=1, days=-1)

    def months(self) -> list[date]:
        """The first day of each of the twelve months, in the order of the planning year."""
        return [self.start + relativedelta(months=n) for n in range(12)]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def get_absolute_url(self) -> str:
        return reverse(
            "wheel_detail", kwargs={"org_slug": self.organization.slug, "year": self.year}
        )


def validate_colour(value: str) -> None:
    if not HEX_COLOUR.match(value):
        raise ValidationError(
            _("Write the colour as # and six hexadecimal digits, for example #1f5f8b."),
            code="format",
        )
    if not readable_on_white(value):
        raise ValidationError(
            _(
                "This colour is too light to read on white. Choose a darker shade: text in the "
                "ring's colour needs a contrast of at least 4.5:1."
            ),
            code="contrast",
        )


class RingQuerySet(models.QuerySet["Ring"]):
    def active(self) -> RingQuerySet:
        return self.filter(is_archived=False)


class Ring(TimeStamped):
    """A layer of the wheel, usually a service area or a kind of work."""

    class Source(models.TextChoices):
        # Own rings hold events people make; system rings show what other parts of the product
        # already know (yearwheel/sources.py; reflections/sources.py for learning meetings and
        # action items).
        OWN = "", _("Own events")
        EVALUATIONS = "evaluations", _("Evaluation due dates")
        ACTIVITIES = "activities", _("Planned activities")
        ROUTINES = "routines", _("Maintenance routines")
        MEETINGS = "meetings", _("Learning meetings")
        ACTIONS = "actions", _("Action items from learning meetings")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="rings")
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    colour = models.CharField(
        _("colour"), max_length=7, default="#1f5f8b", validators=[validate_colour]
    )
    default_kind = models.CharField(
        _("usual kind of event"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.ACTIVITY,
        help_text=_("New events in this ring start as this kind."),
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    is_visible = models.BooleanField(
        _("shown on the wheel"),
        default=True,
        help_text=_("Hidden rings are left out of the wheel and the agenda until chosen."),
    )
    source = models.CharField(
        _("shows"), max_length=20, choices=Source.choices, default=Source.OWN, blank=True
    )
    is_archived = models.BooleanField(_("archived"), default=False)

    objects = RingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ring")
        verbose_name_plural = _("rings")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source"],
                condition=~models.Q(source=""),
                name="one_system_ring_per_source",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_system(self) -> bool:
        return bool(self.source)

    def get_absolute_url(self) -> str:
        return reverse("ring_list", kwargs={"org_slug": self.organization.slug})


class Recurrence(models.TextChoices):
    NONE = "", _("Does not repeat")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    TERM = "term", _("Each school term (every six months)")
    YEARLY = "yearly", _("Yearly")
    CUSTOM = "custom", _("Custom (iCalendar RRULE)")


# The iCalendar rule of each preset: the same rule expands the occurrences here and in the
# calendars people subscribe to, so both always agree.
PRESET_RULES = {
    Recurrence.WEEKLY: "FREQ=WEEKLY",
    Recurrence.MONTHLY: "FREQ=MONTHLY",
    Recurrence.TERM: "FREQ=MONTHLY;INTERVAL=6",
    Recurrence.YEARLY: "FREQ=YEARLY",
}


def rule_of(recurrence: str, rrule: str, repeat_until: date | None) -> str:
    """The iCalendar RRULE of an event's repetition fields ('' when it does not repeat), UNTIL
    included: for an event, and for the wheel's sources, which read the fields as values."""
    if recurrence == Recurrence.NONE:
        return ""
    text = rrule if recurrence == Recurrence.CUSTOM else PRESET_RULES[Recurrence(recurrence)]
    if repeat_until and "UNTIL=" not in text and "COUNT=" not in text:
        text += f";UNTIL={repeat_until:%Y%m%d}"
    return text


class EventQuerySet(models.QuerySet["Event"]):
    def active(self) -> EventQuerySet:
        return self.filter(is_archived=False)

    def touching(self, start: date, end: date) -> EventQuerySet:
        """Events that may have an occurrence between ``start`` and ``end`` (inclusive):
        single events overlapping the period, and recurring ones begun by its end and not
        ended before its start. The exact occurrences come from :meth:`Event.occurrences`."""
        single = models.Q(recurrence=Recurrence.NONE, start_date__lte=end) & (
            models.Q(end_date__gte=start) | models.Q(end_date__isnull=True, start_date__gte=start)
        )
        recurring = (
            ~models.Q(recurrence=Recurrence.NONE)
            & models.Q(start_date__lte=end)
            & (models.Q(repeat_until__isnull=True) | models.Q(repeat_until__gte=start))
        )
        return self.filter(single | recurring)


class Event(TimeStamped):
    """A checkpoint, meeting place, activity or deadline on the wheel, once or recurring."""

    Kind = Kind

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="wheel_events"
    )
    ring = models.ForeignKey(
        Ring, verbose_name=_("ring"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("date"))
    end_date = models.DateField(
        _("to date"), null=True, blank=True, help_text=_("For an event that lasts several days.")
    )
    start_time = models.TimeField(_("from time"), null=True, blank=True)
    end_time = models.TimeField(_("to time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="wheel_events",
    )
    # What the event concerns; at most a programme, or a measure and one of its goals or
    # evaluations. Purging a measure keeps the event and forgets the link.
    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.SET_NULL, null=True, blank=True
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wheel_events",
    )
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.SET_NULL, null=True, blank=True
    )
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    recurrence = models.CharField(
        _("repeats"), max_length=20, choices=Recurrence.choices, default="", blank=True
    )
    rrule = models.CharField(
        _("recurrence rule"),
        max_length=300,
        blank=True,
        help_text=_("An iCalendar RRULE, for example FREQ=WEEKLY;INTERVAL=2;BYDAY=TU."),
    )
    repeat_until = models.DateField(_("repeats until"), null=True, blank=True)
    # Single dates (ISO strings) on which a recurring event does not happen: iCalendar EXDATEs.
    exceptions = models.JSONField(_("except on"), default=list, blank=True)
    # Days before that reminders go out for this event, instead of each person's own choice.
    reminder_days = models.JSONField(
        _("remind this many days before"),
        null=True,
        blank=True,
        help_text=_("Leave empty to follow each person's own setting."),
    )
    # The UID of the calendar entry the event was imported from: a re-import updates it.
    external_uid = models.CharField(max_length=255, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_archived = models.BooleanField(_("archived"), default=False)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start_date", "start_time", "pk"]
        indexes = [
            models.Index(fields=["organization", "start_date"], name="event_org_start"),
            models.Index(fields=["organization", "kind"], name="event_org_kind"),
            models.Index(fields=["organization", "measure"], name="event_org_measure"),
            models.Index(fields=["organization", "program"], name="event_org_program"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="event_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(end_time__isnull=True) | models.Q(start_time__isnull=False),
                name="event_end_time_needs_start_time",
            ),
            models.UniqueConstraint(
                fields=["organization", "external_uid"],
                condition=~models.Q(external_uid=""),
                name="one_event_per_imported_uid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("event_detail", kwargs={"org_slug": self.organization.slug, "pk": self.pk})

    @property
    def last_date(self) -> date:
        return self.end_date or self.start_date

    @property
    def duration_days(self) -> int:
        """Days after the start date that an occurrence lasts (0 for a single day)."""
        return (self.last_date - self.start_date).days

    @property
    def is_recurring(self) -> bool:
        return self.recurrence != Recurrence.NONE

    def rule_text(self) -> str:
        """The iCalendar RRULE of the event ('' when it does not repeat), UNTIL included."""
        return rule_of(self.recurrence, self.rrule, self.repeat_until)

    def rule(self) -> dateutil_rrule.rrule:
        # (The module, not the class, is imported: the field ``rrule`` shadows the name here.)
        parsed = dateutil_rrule.rrulestr(
            self.rule_text(), dtstart=datetime.combine(self.start_date, time.min)
        )
        assert isinstance(parsed, dateutil_rrule.rrule)  # noqa: S101 - one RRULE gives one rule
        return parsed

    def exception_dates(self) -> set[date]:
        return {date.fromisoformat(value) for value in self.exceptions}

    def occurrences(self, start: date, end: date) -> list[date]:
        """The first days of the occurrences that overlap ``start``–``end`` (inclusive)."""
        if not self.is_recurring:
            return [self.start_date] if self.start_date <= end and self.last_date >= start else []
        return occurrence_dates(
            first=self.start_date,
            duration_days=self.duration_days,
            recurrence=self.recurrence,
            until=self.repeat_until,
            exceptions=self.exceptions,
            start=start,
            end=end,
            rule=self.rule,
        )

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The event cannot end before it starts.")
        if self.end_time and not self.start_time:
            errors["end_time"] = _("Give a start time before an end time.")
        elif (
            self.start_time
            and self.end_time
            and self.end_time <= self.start_time
            and (self.end_date or self.start_date) == self.start_date
        ):
            errors["end_time"] = _("The event cannot end before it starts.")
        if self.repeat_until and self.repeat_until < self.start_date:
            errors["repeat_until"] = _("The repetition cannot end before the first date.")
        if errors:
            raise ValidationError(errors)


class CalendarSubscription(models.Model):
    """A person's private calendar feed. The feed URL carries a token derived from ``secret``
    (see yearwheel/feeds.py); a new secret revokes every URL handed out before."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_subscription"
    )
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    regenerated_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self) -> str:
        return str(self.user)
