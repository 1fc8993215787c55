"""Phase IV: judging the measure's value, hearing stakeholders, deciding, and keeping it up."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from measures.models import Measure, Rhythm
from organizations.models import TimeStamped
from organizations.records import RecordVersion


class Recommendation(models.TextChoices):
    CONTINUE = "continue", _("Continue")
    ADJUST = "adjust", _("Continue with adjustments")
    STOP = "stop", _("Stop")


class ContinuationAssessment(TimeStamped):
    """The team's judgement of the measure's value and how it survives change: working text
    that is edited as the judgement grows (its history keeps every earlier text)."""

    # Kept here for the code that names the choices through the assessment.
    Recommendation = Recommendation

    measure = models.OneToOneField(
        Measure, on_delete=models.CASCADE, related_name="continuation_assessment"
    )
    value_judgement = models.TextField(_("judgement of the measure's value"), blank=True)
    turnover_handling = models.TextField(_("how staff turnover is handled"), blank=True)
    leadership_change_handling = models.TextField(
        _("how changes of political and administrative leadership are handled"), blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("continuation assessment")
        verbose_name_plural = _("continuation assessments")

    def __str__(self) -> str:
        return str(self.measure)


class ContinuationRecommendation(RecordVersion):
    """The coordinator's recommendation, given after the stakeholders have been heard: one
    version per recording, corrected only by a new version with its reason."""

    subject_field = "measure"
    Recommendation = Recommendation

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="continuation_recommendations"
    )
    recommendation = models.CharField(
        _("the coordinator's recommendation"), max_length=20, choices=Recommendation.choices
    )
    reason = models.TextField(_("why"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recommendation on continuing")
        verbose_name_plural = _("recommendations on continuing")
        ordering = ["measure_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "number"], name="one_number_per_recommendation_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.get_recommendation_display()}"


class StakeholderInput(TimeStamped):
    class Kind(models.TextChoices):
        INTEREST_ORGANIZATION = "interest_organization", _("Interest organisation")
        SERVICE_LEADER = "service_leader", _("Leader of a collaborating service")
        USER_REPRESENTATIVE = "user_representative", _("User representative")
        POLITICIAN = "politician", _("Politician")
        OTHER = "other", _("Other")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="stakeholder_inputs"
    )
    kind = models.CharField(_("stakeholder"), max_length=30, choices=Kind.choices)
    who = models.CharField(
        _("who"), max_length=200, help_text=_("An organisation, a role or an adult's name.")
    )
    date = models.DateField(_("date"))
    said = models.TextField(_("what they said"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stakeholder input")
        verbose_name_plural = _("stakeholder input")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.who} ({self.date})"


class ContinuationDecision(RecordVersion):
    """The decision on the measure's future, by whoever has the authority to make it. Each
    recording is a version; the latest says where the measure stands."""

    subject_field = "measure"

    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("Continue")
        ADJUST = "adjust", _("Continue with adjustments")
        STOP = "stop", _("Stop")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="continuation_decisions"
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    decision_maker = models.CharField(
        _("decided by"), max_length=200, help_text=_("For example: the municipal council.")
    )
    decided_on = models.DateField(_("decided on"))
    case_reference = models.CharField(_("case reference"), max_length=100, blank=True)
    adjustments_to_measure = models.TextField(_("adjustments to the measure"), blank=True)
    adjustments_to_plan = models.TextField(_("adjustments to the plan"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("continuation decision")
        verbose_name_plural = _("continuation decisions")
        ordering = ["measure_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "number"], name="one_number_per_continuation_decision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.get_outcome_display()}"


class MaintenanceRoutine(TimeStamped):
    """A routine that keeps the measure alive (the annual wheel shows it)."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training of new staff")
        SUPERVISION = "supervision", _("Supervision")
        RECRUITMENT = "recruitment", _("Recruitment")
        SUPPORT = "support", _("Support")
        OTHER = "other", _("Other")

    # The same rhythms as evaluation cycles, turned into dates by measures/recurrence.py.
    Recurrence = Rhythm

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="maintenance_routines"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recurrence = models.CharField(_("recurrence"), max_length=20, choices=Recurrence.choices)
    first_date = models.DateField(_("first time"))
    rrule = models.CharField(_("recurrence rule"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maintenance routine")
        verbose_name_plural = _("maintenance routines")
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    def wheel_title(self) -> str:
        """The routine's name on the annual wheel, in reminders and in emails: "kind:
        description", or the description alone when it already begins with the kind's name
        in any of the site's languages ("Opplæring av nyansatte" for a training routine),
        which would otherwise be said twice."""
        text = Truncator(self.description.strip()).chars(80)
        said = _plain(self.description)
        for label in _kind_labels(self.kind):
            # A whole-word match: "Supportive talks" does not begin with "Support".
            if said.startswith(label) and not said[len(label) : len(label) + 1].isalnum():
                return text
        return f"{self.get_kind_display()}: {text}"


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


@cache
def _kind_labels(kind: str) -> tuple[str, ...]:
    """The kind's name in every language of the site, for comparison; the catalogues do not
    change while the process runs."""
    label = MaintenanceRoutine.Kind(kind).label
    labels = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.add(_plain(str(label)))
    return tuple(labels)


class GoverningDocument(TimeStamped):
    """Where the measure is written into the organisation's governing documents."""

    class Kind(models.TextChoices):
        MUNICIPAL_PLAN = "municipal_plan", _("Municipal plan")
        ECONOMY_PLAN = "economy_plan", _("Economy plan and budget")
        STATUS_REPORT = "status_report", _("Yearly status report")
        SERVICE_PLAN = "service_plan", _("A service's own plan")
        OTHER = "other", _("Other")

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="governing_documents"
    )
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    reference = models.CharField(_("reference"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("governing document")
        verbose_name_plural = _("governing documents")
        ordering = ["year", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"
