"""Phase I (prepare) and phase II (plan): the judgement to go on, and the implementation plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models import Measure
from organizations.models import TimeStamped
from organizations.records import RecordVersion


class Preparation(TimeStamped):
    """Phase I: who carries the measure, whether it fits, what it needs. The decision to go on
    is a record of its own (``PreparationDecision``)."""

    class Scope(models.TextChoices):
        TRIAL = "trial", _("A limited trial")
        LASTING = "lasting", _("A lasting service")

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="preparation")
    key_people = models.TextField(
        _("key people"), blank=True, help_text=_("Staff names and roles; never children.")
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, blank=True)
    fit_with_local_needs = models.TextField(_("fit with local needs"), blank=True)
    competence = models.TextField(_("staff competence needed"), blank=True)
    structures = models.TextField(_("structures needed"), blank=True)
    resources = models.TextField(_("resources needed"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("preparation")
        verbose_name_plural = _("preparations")

    def __str__(self) -> str:
        return str(self.measure)


class PreparationDecision(RecordVersion):
    """Phase I's decision to go on to planning, or to stop: who decided, when and why. Each
    recording is a version; no version means not decided yet."""

    subject_field = "measure"

    class Decision(models.TextChoices):
        GO_ON = "go_on", _("Go on to planning")
        STOP = "stop", _("Do not go on")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="preparation_decisions"
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    decision_note = models.TextField(_("about the decision"), blank=True)
    # The person who made the decision (often top management), not who typed it in.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision to go on")
        verbose_name_plural = _("decisions to go on")
        ordering = ["measure_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "number"], name="one_number_per_preparation_decision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.get_decision_display()}"


class ImplementationPlan(TimeStamped):
    """Phase II: the implementation plan of one measure."""

    measure = models.OneToOneField(
        Measure, on_delete=models.CASCADE, related_name="implementation_plan"
    )
    to_develop = models.TextField(_("what is to be developed"), blank=True)
    target_group = models.TextField(_("target group"), blank=True)
    training_plan = models.TextField(_("training plan"), blank=True)
    information_plan = models.TextField(_("information plan"), blank=True)
    evaluation_plan = models.TextField(
        _("evaluation plan"),
        blank=True,
        help_text=_("How and when the measure is evaluated; the rhythm is set on the measure."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")

    def __str__(self) -> str:
        return str(self.measure)


class PlannedActivity(TimeStamped):
    """An activity of the plan; the annual wheel shows it."""

    plan = models.ForeignKey(
        ImplementationPlan, on_delete=models.CASCADE, related_name="activities"
    )
    what = models.CharField(_("activity"), max_length=300)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(
        _("month"),
        null=True,
        blank=True,
        help_text=_("When the activity has a month rather than dates."),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contributors = models.CharField(_("contributors"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("planned activity")
        verbose_name_plural = _("planned activities")
        ordering = ["position", "start_date", "month", "pk"]
        # The annual wheel reads these: an activity has either a month or dates, never both.
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(month__isnull=False, start_date__isnull=True, end_date__isnull=True)
                    | models.Q(month__isnull=True, start_date__isnull=False)
                ),
                name="activity_has_a_month_or_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(month__isnull=True) | models.Q(month__gte=1, month__lte=12),
                name="activity_month_is_a_month",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="activity_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.what


class RoleResponsibility(TimeStamped):
    """A row of the roles-and-responsibilities table."""

    plan = models.ForeignKey(ImplementationPlan, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=150)
    responsibility = models.TextField(_("responsibility"))
    holder = models.CharField(_("who"), max_length=150, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role and responsibility")
        verbose_name_plural = _("roles and responsibilities")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.role


class BudgetLine(TimeStamped):
    plan = models.ForeignKey(ImplementationPlan, on_delete=models.CASCADE, related_name="budget")
    description = models.CharField(_("what"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (NOK)"), max_digits=12, decimal_places=2)
    funding_source = models.CharField(_("funding"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget")
        ordering = ["year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budget_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.description
