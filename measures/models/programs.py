"""Programmes and the measures (tiltak) inside them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import Organization, Partnership, TimeStamped, Unit


class Tag(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="tags")
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="tag_name_unique_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class Program(TimeStamped):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="programs"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_programs",
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    units = models.ManyToManyField(Unit, verbose_name=_("units involved"), blank=True)
    # Sharing is explicit: a programme is visible to a partner only through a partnership
    # the owning organisation granted and attached here.
    partnerships = models.ManyToManyField(
        Partnership, verbose_name=_("shared with"), blank=True, related_name="programs"
    )
    is_archived = models.BooleanField(_("archived"), default=False)

    history = HistoricalRecords(m2m_fields=[units])

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        indexes = [models.Index(fields=["organization", "is_archived", "status"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end cannot be before the start.")})

    def get_absolute_url(self) -> str:
        return reverse("program_detail", args=[self.organization.slug, self.pk])


class TargetGroup(models.TextChoices):
    AGE_0_5 = "0-5", _("Children 0–5 years")
    AGE_6_12 = "6-12", _("Children 6–12 years")
    AGE_13_15 = "13-15", _("Young people 13–15 years")
    AGE_16_19 = "16-19", _("Young people 16–19 years")
    AGE_20_24 = "20-24", _("Young adults 20–24 years")
    FAMILIES = "families", _("Families")
    STAFF = "staff", _("Staff")


class Phase(models.IntegerChoices):
    PREPARE = 1, _("I Prepare")
    PLAN = 2, _("II Plan")
    IMPLEMENT = 3, _("III Implement")
    CONTINUE = 4, _("IV Continue")


class TrafficLight(models.TextChoices):
    GREEN = "green", _("Green: on track")
    YELLOW = "yellow", _("Yellow: needs attention")
    RED = "red", _("Red: off track")


class Lifecycle(models.TextChoices):
    """Where the measure stands after phase IV (the phases app sets it on a decision)."""

    ACTIVE = "active", _("In progress")
    ORDINARY = "ordinary", _("Part of ordinary operation")
    CLOSED = "closed", _("Closed")


class MeasureQuerySet(models.QuerySet["Measure"]):
    def active(self) -> MeasureQuerySet:
        return self.filter(is_archived=False)


class Measure(TimeStamped):
    """A measure (tiltak): a new way of working, service or routine for children and young
    people, moving through the four phases of the implementation method."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="measures"
    )
    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="measures"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    target_group_note = models.CharField(
        _("target group, in your own words"), max_length=300, blank=True
    )
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
    )
    team_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_measures",
    )
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contributors"),
        blank=True,
        related_name="contributed_measures",
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    phase = models.PositiveSmallIntegerField(
        _("phase"), choices=Phase.choices, default=Phase.PREPARE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TrafficLight.choices, default=TrafficLight.GREEN
    )
    status_explanation = models.TextField(
        _("explanation of the status"),
        blank=True,
        help_text=_("Required for yellow and red: what is wrong and what is being done."),
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="measures")
    # The partnerships that share this measure when they share only chosen measures of the
    # programme (Partnership.share_all_measures off); see docs/partnerships.md.
    partnerships = models.ManyToManyField(
        Partnership,
        verbose_name=_("shared with"),
        blank=True,
        related_name="chosen_measures",
    )
    lifecycle = models.CharField(
        _("state"), max_length=20, choices=Lifecycle.choices, default=Lifecycle.ACTIVE
    )
    # Kept on the row (derived from the evaluation cycle) so lists can flag overdue
    # evaluations and filter on them without a query per measure.
    next_evaluation_due = models.DateField(_("next evaluation due"), null=True, blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)
    # Taken into use from a partner's measure (docs/adoption.md). The names are kept as text
    # so the origin is still named after the measure or the partnership is gone.
    adopted_from = models.ForeignKey(
        "self",
        verbose_name=_("taken into use from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
    )
    adopted_from_measure_name = models.CharField(_("origin measure"), max_length=200, blank=True)
    adopted_from_organization_name = models.CharField(
        _("origin organisation"), max_length=200, blank=True
    )
    # Published by the programme's owner as a template: listed to every partner the
    # programme is shared with, with a button to take it into use.
    is_template = models.BooleanField(_("published as a template for partners"), default=False)
    # Kept on the row (set when a partner adopts it) so the measure page asks for the
    # adopters only of a measure that has any: the page's query count does not grow.
    has_been_adopted = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords(m2m_fields=[tags, contributors])
    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["organization", "is_archived", "phase"]),
            models.Index(fields=["organization", "is_archived", "status"]),
            models.Index(fields=["organization", "next_evaluation_due"]),
            models.Index(fields=["program", "is_archived"]),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.status != TrafficLight.GREEN and not self.status_explanation.strip():
            errors["status_explanation"] = _(
                "Explain a yellow or red status: what is wrong and what is being done."
            )
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end cannot be before the start.")
        unknown = set(self.target_groups or []) - set(TargetGroup.values)
        if unknown:
            errors["target_groups"] = _("Unknown target group.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The organisation always follows the programme: lists filter on it directly.
        if self.program_id and not self.organization_id:
            self.organization_id = self.program.organization_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("measure_detail", args=[self.organization.slug, self.pk])

    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels[value]) for value in self.target_groups if value in labels]


class ExternalContributor(TimeStamped):
    """Someone outside the organisation who contributes, described by role and organisation
    (a user representative, a partner service). Never a child."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="external_contributors"
    )
    role = models.CharField(_("role"), max_length=150)
    organization_name = models.CharField(_("organisation or service"), max_length=150)
    name = models.CharField(
        _("name"), max_length=150, blank=True, help_text=_("Optional: adults only.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("external contributor")
        verbose_name_plural = _("external contributors")
        ordering = ["organization_name", "role"]

    def __str__(self) -> str:
        return f"{self.role}, {self.organization_name}"


class Comment(TimeStamped):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    text = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:50]
