"""Evaluation cycles (the rhythm a measure is evaluated on) and the evaluations themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models.programs import Measure
from organizations.models import TimeStamped


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


class Evaluation(TimeStamped):
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
