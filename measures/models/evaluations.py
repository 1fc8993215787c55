"""Evaluation cycles (the rhythm a measure is evaluated on) and the evaluations themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models.programs import Measure
from organizations.models import TimeStamped
from organizations.records import CorrectableEvent, RecordVersion


class Rhythm(models.TextChoices):
    """How often something recurs: evaluations here, maintenance routines in phase IV
    (measures/recurrence.py turns a rhythm into dates)."""

    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    TERM = "term", _("Each school term")
    YEARLY = "yearly", _("Yearly")
    CUSTOM = "custom", _("Custom (iCalendar RRULE)")


class EvaluationCycle(TimeStamped):
    Rhythm = Rhythm

    measure = models.OneToOneField(
        Measure, on_delete=models.CASCADE, related_name="evaluation_cycle"
    )
    rhythm = models.CharField(_("rhythm"), max_length=20, choices=Rhythm.choices)
    first_due = models.DateField(_("first evaluation due"))
    rrule = models.CharField(
        _("recurrence rule"),
        max_length=300,
        blank=True,
        help_text=_("Only for a custom rhythm, for example FREQ=MONTHLY;INTERVAL=2."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")

    def __str__(self) -> str:
        return f"{self.measure}: {self.get_rhythm_display()}"


class Evaluation(CorrectableEvent, TimeStamped):
    """One evaluation of a measure over a period. What it says (tried, worked, lessons, the
    decision, next steps) is version 1 and final; ``EvaluationCorrection`` rows correct it,
    and the period and the indicators as they stood stay as recorded."""

    # What a correction may change; the period and the indicator snapshot stay as recorded.
    CORRECTABLE = ("tried", "worked", "did_not_work", "lessons", "decision", "next_steps")

    class Decision(models.TextChoices):
        CONTINUE = "continue", _("Continue")
        ADJUST = "adjust", _("Adjust")
        STOP = "stop", _("Stop")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="evaluations")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    tried = models.TextField(_("what was tried"))
    worked = models.TextField(_("what worked"), blank=True)
    did_not_work = models.TextField(_("what did not work"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    next_steps = models.TextField(_("next steps"), blank=True)
    # The indicators as they stood when the evaluation was made, kept as they were even if
    # measurements are corrected later: [{"indicator": id, "goal", "name", "unit", "direction",
    # "baseline", "target", "value", "date", "attainment_percent"}] (older rows: "attainment",
    # a share, instead of "attainment_percent"; measures.services.snapshot_percent reads both).
    indicator_snapshot = models.JSONField(default=list, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-period_end", "-pk"]

    def __str__(self) -> str:
        return f"{self.measure}: {self.period_start}–{self.period_end}"

    def current(self) -> Evaluation | EvaluationCorrection:
        """What the evaluation says as it stands: the latest correction, or itself (reads
        ``corrections``: prefetch it for lists)."""
        return self.latest_correction() or self


class EvaluationCorrection(RecordVersion):
    """A corrected version of what an evaluation says (version 2 and on)."""

    subject_field = "evaluation"
    Decision = Evaluation.Decision

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="corrections")
    tried = models.TextField(_("what was tried"))
    worked = models.TextField(_("what worked"), blank=True)
    did_not_work = models.TextField(_("what did not work"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Evaluation.Decision.choices)
    next_steps = models.TextField(_("next steps"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("correction of an evaluation")
        verbose_name_plural = _("corrections of evaluations")
        ordering = ["evaluation_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "number"], name="one_number_per_evaluation_correction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} ({self.number})"
