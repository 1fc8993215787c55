"""Transitions between services: the hand-overs a measure improves ("from kindergarten to
school"). The units may belong to a partner organisation taking part in the measure's
programme (measures/transitions.py decides which units may be chosen)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models.programs import Measure
from organizations.models import TimeStamped, Unit


class ServiceTransition(TimeStamped):
    """An ordered pair: children (or families) leave ``from_unit`` for ``to_unit``."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="service_transitions"
    )
    # PROTECT: a unit is archived, never deleted, while a measure names it.
    from_unit = models.ForeignKey(
        Unit,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="transitions_out",
    )
    to_unit = models.ForeignKey(
        Unit,
        verbose_name=_("to"),
        on_delete=models.PROTECT,
        related_name="transitions_in",
    )
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("Optional: what the measure changes in this hand-over."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transition between services")
        verbose_name_plural = _("transitions between services")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_unit=models.F("to_unit")),
                name="service_transition_between_two_units",
                violation_error_message=_("A hand-over is between two different units."),
            ),
            models.UniqueConstraint(
                fields=["measure", "from_unit", "to_unit"],
                name="service_transition_unique_per_measure",
            ),
        ]
        # The dashboard's filter looks measures up by either unit.
        indexes = [models.Index(fields=["to_unit"])]

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit}"
