"""Phase I material: the knowledge base and future pictures."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models.programs import Measure, Program
from organizations.models import Organization, TimeStamped


def knowledge_upload_path(instance: KnowledgeItem, filename: str) -> str:
    return f"knowledge/{instance.organization_id}/{filename}"


class KnowledgeItem(TimeStamped):
    """One piece of the knowledge base (kunnskapsgrunnlag) of a measure or a programme."""

    class Kind(models.TextChoices):
        NEED = "need", _("Need")
        EVIDENCE = "evidence", _("Research evidence")
        LOCAL_FIGURES = "local_figures", _("Local figures")
        EXPERIENCE = "experience", _("Experience")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, null=True, blank=True, related_name="knowledge_items"
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="knowledge_items"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    summary = models.TextField(_("summary"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to=knowledge_upload_path, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("knowledge item")
        verbose_name_plural = _("knowledge base")
        ordering = ["-date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(program__isnull=False, measure__isnull=True)
                    | models.Q(program__isnull=True, measure__isnull=False)
                ),
                name="knowledge_item_on_program_or_measure",
            )
        ]

    def __str__(self) -> str:
        return self.summary[:60]

    def clean(self) -> None:
        if self.url and self.file:
            raise ValidationError(_("Give either a link or a file, not both."))


class FuturePicture(TimeStamped):
    """What good looks like for children and young people in a given year (fremtidsbilde)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="future_pictures")
    horizon_year = models.PositiveSmallIntegerField(_("horizon year"))
    description = models.TextField(_("what good looks like"))
    goals = models.ManyToManyField(
        "measures.Goal", verbose_name=_("goals"), blank=True, related_name="future_pictures"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("future picture")
        verbose_name_plural = _("future pictures")
        ordering = ["horizon_year"]

    def __str__(self) -> str:
        return f"{self.horizon_year}: {self.description[:50]}"
