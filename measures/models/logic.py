"""The logic model (logisk kjede): resources → activities → outputs → outcomes → effects."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models.programs import Measure
from organizations.models import TimeStamped


class LogicColumn(models.IntegerChoices):
    """The chain's columns in order; assumptions stand beside the chain."""

    RESOURCES = 1, _("Resources")
    ACTIVITIES = 2, _("Activities")
    OUTPUTS = 3, _("Outputs")
    OUTCOMES = 4, _("Outcomes")
    IMPACTS = 5, _("Long-term effects")
    ASSUMPTIONS = 9, _("Assumptions")


class LogicElement(TimeStamped):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="logic_elements")
    column = models.PositiveSmallIntegerField(_("column"), choices=LogicColumn.choices)
    text = models.CharField(_("text"), max_length=300)
    position = models.PositiveIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("logic model element")
        verbose_name_plural = _("logic model elements")
        ordering = ["column", "position", "pk"]
        indexes = [models.Index(fields=["measure", "column", "position"])]

    def __str__(self) -> str:
        return self.text


class LogicLink(models.Model):
    """An arrow from one element to an element further along the chain."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="logic_links")
    source = models.ForeignKey(LogicElement, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(LogicElement, on_delete=models.CASCADE, related_name="links_in")

    class Meta:
        verbose_name = _("arrow")
        verbose_name_plural = _("arrows")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="one_arrow_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="arrow_between_two_elements"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"

    def clean(self) -> None:
        source, target = self.source, self.target
        if source.measure_id != self.measure_id or target.measure_id != self.measure_id:
            raise ValidationError(_("Both ends of an arrow must belong to this measure."))
        if LogicColumn.ASSUMPTIONS in (source.column, target.column):
            raise ValidationError(_("Assumptions stand beside the chain and take no arrows."))
        if target.column <= source.column:
            raise ValidationError(_("An arrow must point forwards along the chain."))
