"""The lessons log (*erfaringslogg*): what the organisation has learned, where it came from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models import Evaluation, Measure, Phase, Program, Tag
from organizations.models import Organization, Partnership, TimeStamped
from phases.models import PilotIteration
from reflections.models.meetings import LearningMeeting


class LessonQuerySet(models.QuerySet["Lesson"]):
    def active(self) -> LessonQuerySet:
        return self.filter(is_archived=False)


class Lesson(TimeStamped):
    """One lesson learned, with its context and the iteration, evaluation or meeting it came
    from. The links are kept loose (``SET_NULL``): a lesson outlives what taught it."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="lessons")
    title = models.CharField(_("title"), max_length=200)
    lesson = models.TextField(_("what we learned"))
    context = models.TextField(
        _("context"),
        blank=True,
        help_text=_("Where and when it happened, and what made it turn out as it did."),
    )
    phase = models.PositiveSmallIntegerField(
        _("phase"), choices=Phase.choices, null=True, blank=True
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="lessons")
    program = models.ForeignKey(
        Program,
        verbose_name=_("programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
    )
    iteration = models.ForeignKey(
        PilotIteration,
        verbose_name=_("pilot lap"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
    )
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logged_lessons",
    )
    meeting = models.ForeignKey(
        LearningMeeting,
        verbose_name=_("learning meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
    )
    shared_with = models.ManyToManyField(
        Partnership, verbose_name=_("shared with"), blank=True, related_name="lessons"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    is_archived = models.BooleanField(_("archived"), default=False)

    objects = LessonQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[tags, shared_with])

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "is_archived", "phase"]),
            models.Index(fields=["organization", "is_archived", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lesson_detail", kwargs={"org_slug": self.organization.slug, "pk": self.pk})
