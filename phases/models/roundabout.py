"""Phase III, the implementation roundabout: laps of develop → pilot → evaluate, and the
register of the service's components that must all be described and piloted before exit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models import Measure
from organizations.models import TimeStamped, Unit
from organizations.records import RecordVersion


class PilotIteration(TimeStamped):
    """One lap of the roundabout."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="iterations")
    number = models.PositiveSmallIntegerField(_("lap"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    developed = models.TextField(_("what was developed"))
    piloted_where = models.ManyToManyField(
        Unit, verbose_name=_("piloted where"), blank=True, related_name="+"
    )
    piloted_note = models.TextField(
        _("how it was piloted"), blank=True, help_text=_("Units and groups, never individuals.")
    )
    findings = models.TextField(_("findings from the evaluation"), blank=True)
    learned = models.TextField(_("what we learned"), blank=True)
    decision_next = models.TextField(_("decision for the next lap"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[piloted_where])

    class Meta:
        verbose_name = _("pilot iteration")
        verbose_name_plural = _("pilot iterations")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "number"], name="one_lap_number_per_measure")
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.number}"

    def current_decision_next(self) -> str:
        """The decision for the next lap as it stands: its latest correction, or as first
        recorded (reads ``decision_corrections``: prefetch it for lists)."""
        corrections = list(self.decision_corrections.all())
        if not corrections:
            return self.decision_next
        return max(corrections, key=lambda c: c.number).decision_next


class LapDecisionCorrection(RecordVersion):
    """A corrected decision for the next lap (version 2 and on). The lap's own
    ``decision_next`` is version 1: once recorded, the lap form no longer changes it."""

    subject_field = "iteration"

    iteration = models.ForeignKey(
        PilotIteration, on_delete=models.CASCADE, related_name="decision_corrections"
    )
    decision_next = models.TextField(_("decision for the next lap"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("correction of a lap's decision")
        verbose_name_plural = _("corrections of laps' decisions")
        ordering = ["iteration_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["iteration", "number"], name="one_number_per_lap_decision_correction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.iteration} ({self.number})"


def iteration_upload_path(instance: IterationAttachment, filename: str) -> str:
    return f"iterations/{instance.iteration.measure.organization_id}/{filename}"


class IterationAttachment(TimeStamped):
    iteration = models.ForeignKey(
        PilotIteration, on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=iteration_upload_path)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


def component_upload_path(instance: ServiceComponent, filename: str) -> str:
    return f"components/{instance.measure.organization_id}/{filename}"


class ServiceComponent(TimeStamped):
    """A work process, role, responsibility or routine of the new service."""

    class Kind(models.TextChoices):
        WORK_PROCESS = "work_process", _("Work process")
        ROLE = "role", _("Role")
        RESPONSIBILITY = "responsibility", _("Responsibility")
        ROUTINE = "routine", _("Routine")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    described_on = models.DateField(_("described on"), null=True, blank=True)
    described_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("described by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description_url = models.URLField(_("link to the description"), blank=True)
    description_file = models.FileField(_("document"), upload_to=component_upload_path, blank=True)
    piloted_in = models.ForeignKey(
        PilotIteration,
        verbose_name=_("piloted in lap"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="piloted_components",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service component")
        verbose_name_plural = _("service components")
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["measure", "kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_described(self) -> bool:
        return self.described_on is not None

    @property
    def is_piloted(self) -> bool:
        return self.piloted_in_id is not None
