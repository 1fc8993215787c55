"""Goals, their indicators, measured values and the judgement of goal attainment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models.logic import LogicElement
from measures.models.programs import Measure
from organizations.models import TimeStamped
from organizations.records import RecordVersion


class Judgement(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class Goal(TimeStamped):
    Judgement = Judgement

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    logic_elements = models.ManyToManyField(
        LogicElement, verbose_name=_("logic model elements"), blank=True, related_name="goals"
    )
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class GoalJudgement(RecordVersion):
    """The written judgement of a goal's attainment, next to what its indicators show. Each
    judgement is a version (``recorded_by`` judged it); the latest is the goal's judgement."""

    subject_field = "goal"
    Judgement = Judgement

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="judgements")
    judgement = models.CharField(_("judgement"), max_length=20, choices=Judgement.choices)
    narrative = models.TextField(_("why we judge it so"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("judgement of a goal")
        verbose_name_plural = _("judgements of goals")
        ordering = ["goal_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "number"], name="one_number_per_judgement")
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.get_judgement_display()}"


class Indicator(TimeStamped):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        TERM = "term", _("Each school term")
        YEARLY = "yearly", _("Yearly")
        OTHER = "other", _("Other")

    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("Outcome")
        REACH = "reach", _("Implementation quality: reach")
        FIDELITY = "fidelity", _("Implementation quality: fidelity")
        ADOPTION = "adoption", _("Implementation quality: adoption")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, help_text=_("For example %, number, days."))
    kind = models.CharField(_("what it measures"), max_length=20, choices=Kind.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=14, decimal_places=4)
    baseline_date = models.DateField(_("baseline date"))
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=4)
    target_date = models.DateField(_("target date"))
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    frequency = models.CharField(
        _("measured"), max_length=20, choices=Frequency.choices, default=Frequency.TERM
    )
    plausible_min = models.DecimalField(
        _("lowest plausible value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    plausible_max = models.DecimalField(
        _("highest plausible value"), max_digits=14, decimal_places=4, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["goal_id", "pk"]
        indexes = [models.Index(fields=["measure", "goal"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            errors["target_date"] = _("The target date must come after the baseline date.")
        if self.baseline_value is not None and self.target_value is not None:
            if self.direction == self.Direction.HIGHER and self.target_value <= self.baseline_value:
                errors["target_value"] = _(
                    "When higher is better, the target must be above the baseline."
                )
            if self.direction == self.Direction.LOWER and self.target_value >= self.baseline_value:
                errors["target_value"] = _(
                    "When lower is better, the target must be below the baseline."
                )
        low, high = self.plausible_min, self.plausible_max
        if low is not None and high is not None and low >= high:
            errors["plausible_max"] = _("The highest plausible value must be above the lowest.")
        if errors:
            raise ValidationError(errors)

    def plausibility_error(self, value: Decimal) -> str | None:
        """A message when ``value`` lies outside the plausible range, else None."""
        from measures.attainment import tidy  # attainment reads these models

        low, high = self.plausible_min, self.plausible_max
        if (low is not None and value < low) or (high is not None and value > high):
            return str(
                _("The value must lie between %(low)s and %(high)s %(unit)s.")
                % {
                    "low": number_format(tidy(low)) if low is not None else "–",
                    "high": number_format(tidy(high)) if high is not None else "–",
                    "unit": self.unit,
                }
            )
        return None


class Measurement(TimeStamped):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    date = models.DateField(_("date"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator_id", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"], name="one_measurement_per_indicator_and_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.date})"

    def clean(self) -> None:
        if self.value is not None and self.indicator_id:
            error = self.indicator.plausibility_error(self.value)
            if error:
                raise ValidationError({"value": error})
