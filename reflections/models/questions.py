"""The question bank: reflection questions by theme and phase, worded in versions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models import Phase
from organizations.models import Organization, TimeStamped
from organizations.wording import Wording


class Theme(models.TextChoices):
    """The reflection themes of the method (``../DOMAIN``: *til refleksjon*)."""

    WHEEL_AND_MODEL = "wheel_and_model", _("The annual wheel and the logic model in quality work")
    GOALS = "goals", _("Goals and how attainment is judged")
    TRYING_OUT = "trying_out", _("Trying out new solutions")
    TOOLS = "tools", _("Tools and ways of working")
    LEARNING = "learning", _("Learning from experience")
    LEARNING_MEETINGS = "learning_meetings", _("What makes a meeting a learning one")
    FOLLOW_UP = "follow_up", _("Following plans up over time")
    OUTSIDE_PARTIES = "outside_parties", _("Involving parties outside the organisation")
    GOOD_CONDITIONS = "good_conditions", _("Keeping good conditions for children and young people")
    DOES_IT_WORK = "does_it_work", _("Knowing whether a measure works")


class QuestionQuerySet(models.QuerySet["Question"]):
    def active(self) -> QuestionQuerySet:
        return self.filter(is_retired=False)

    def for_phase(self, phase: int | None) -> QuestionQuerySet:
        """The questions that fit a phase: those tagged with it and those for every phase."""
        if phase is None:
            return self
        return self.filter(models.Q(phase=phase) | models.Q(phase__isnull=True))


class Question(TimeStamped):
    """One reflection question of an organisation. Its wording lives in versions, so an answer
    keeps the words it was given to after the question is reworded."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="reflection_questions"
    )
    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices)
    phase = models.PositiveSmallIntegerField(
        _("phase"),
        choices=Phase.choices,
        null=True,
        blank=True,
        help_text=_("Leave empty for a question that fits every phase."),
    )
    # Set for the questions the product ships (e.g. "goals.judge"); empty for the
    # organisation's own. Lets the defaults be added to an organisation once and only once.
    default_key = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_retired = models.BooleanField(_("retired"), default=False)
    current_version = models.ForeignKey(
        "QuestionVersion", on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = QuestionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reflection question")
        verbose_name_plural = _("reflection questions")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "default_key"],
                condition=~models.Q(default_key=""),
                name="default_question_once_per_organization",
            )
        ]
        indexes = [models.Index(fields=["organization", "is_retired", "phase"])]

    def __str__(self) -> str:
        return self.current_version.text() if self.current_version else f"#{self.pk}"


class QuestionVersion(Wording):
    """The wording of a question at one time, in bokmål, nynorsk and English."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="versions")

    class Meta:
        verbose_name = _("wording of a reflection question")
        verbose_name_plural = _("wordings of reflection questions")
        ordering = ["question_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="one_number_per_question_version"
            )
        ]
