"""Learning meetings (*lærende møter*): the questions chosen, the answers given, the decisions
made and the action items agreed, with the checklist that makes a meeting a learning one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from measures.models import Measure, Program
from organizations.models import Organization, TimeStamped
from organizations.records import CorrectableEvent, RecordVersion
from reflections.models.questions import Question, QuestionVersion


class LearningMeetingQuerySet(models.QuerySet["LearningMeeting"]):
    def active(self) -> LearningMeetingQuerySet:
        return self.filter(is_archived=False)


class LearningMeeting(TimeStamped):
    """A meeting of a measure's team (or a programme's) that stops to reflect and learn."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CLOSED = "closed", _("Closed")

    # The checklist filled in when the meeting is closed: what makes it a learning meeting.
    CHECKLIST = (
        "questions_prepared",
        "actions_followed_up",
        "decisions_recorded",
        "everyone_heard",
    )

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="learning_meetings"
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="learning_meetings",
        null=True,
        blank=True,
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.PROTECT,
        related_name="learning_meetings",
        null=True,
        blank=True,
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"), null=True, blank=True)
    end_time = models.TimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        related_name="learning_meetings",
    )
    agenda = models.TextField(_("agenda"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PLANNED
    )
    questions_prepared = models.BooleanField(_("questions were prepared"), default=False)
    actions_followed_up = models.BooleanField(
        _("the last meeting's action items were followed up"), default=False
    )
    decisions_recorded = models.BooleanField(_("decisions were recorded"), default=False)
    everyone_heard = models.BooleanField(_("everyone was heard"), default=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_archived = models.BooleanField(_("archived"), default=False)

    objects = LearningMeetingQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        verbose_name = _("learning meeting")
        verbose_name_plural = _("learning meetings")
        ordering = ["-date", "-start_time", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(program__isnull=False) | models.Q(measure__isnull=False),
                name="learning_meeting_has_a_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "is_archived", "date"]),
            models.Index(fields=["measure", "date"]),
            models.Index(fields=["program", "date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.measure_id is None and self.program_id is None:
            raise ValidationError(_("Choose the measure or programme the meeting is about."))
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The meeting must end after it starts.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A measure's meeting belongs to the measure's programme: programme pages find it there.
        if self.measure is not None:
            self.program_id = self.measure.program_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", kwargs={"org_slug": self.organization.slug, "pk": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def subject(self) -> Measure | Program | None:
        return self.measure or self.program

    def checklist(self) -> list[tuple[str, str, bool]]:
        """``(field name, label, ticked)`` for each item of the learning checklist."""
        return [
            (name, str(self._meta.get_field(name).verbose_name), getattr(self, name))  # type: ignore[union-attr]
            for name in self.CHECKLIST
        ]


class MeetingQuestion(models.Model):
    """A question chosen for one meeting, with the wording it was asked in."""

    meeting = models.ForeignKey(LearningMeeting, on_delete=models.CASCADE, related_name="questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("question of a meeting")
        verbose_name_plural = _("questions of a meeting")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "question"], name="question_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return self.version.text()


class Answer(TimeStamped):
    """What the team (or one of its members) answered to a question in a meeting."""

    meeting_question = models.ForeignKey(
        MeetingQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(_("answer"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class MeetingDecision(CorrectableEvent, TimeStamped):
    """A decision made in a meeting: who recorded it and when survive staff turnover. Its text
    is version 1 and final; ``MeetingDecisionCorrection`` rows correct it."""

    meeting = models.ForeignKey(LearningMeeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    def current_text(self) -> str:
        """The decision as it stands (reads ``corrections``: prefetch it for lists)."""
        correction = self.latest_correction()
        return correction.text if correction else self.text


class MeetingDecisionCorrection(RecordVersion):
    """A corrected wording of a meeting decision (version 2 and on)."""

    subject_field = "decision"

    decision = models.ForeignKey(
        MeetingDecision, on_delete=models.CASCADE, related_name="corrections"
    )
    text = models.TextField(_("decision"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("correction of a meeting decision")
        verbose_name_plural = _("corrections of meeting decisions")
        ordering = ["decision_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "number"], name="one_number_per_meeting_decision_correction"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def open(self) -> ActionItemQuerySet:
        return self.filter(status=ActionItem.Status.OPEN)


class ActionItem(TimeStamped):
    """Something a meeting agreed that someone will do by a date."""

    class Status(models.TextChoices):
        # A context of its own: "Open" elsewhere is the verb (open a file).
        OPEN = "open", pgettext_lazy("action item", "Open")
        DONE = "done", pgettext_lazy("action item", "Done")
        DROPPED = "dropped", pgettext_lazy("action item", "Dropped")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="action_items"
    )
    meeting = models.ForeignKey(
        LearningMeeting, on_delete=models.PROTECT, related_name="action_items"
    )
    text = models.CharField(_("what is to be done"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["organization", "status", "due_date"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#action-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
