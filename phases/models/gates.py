"""Success factors per phase, their assessment per measure, and phase transitions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from measures.models import Measure, Phase
from organizations.models import Organization, TimeStamped
from organizations.records import CorrectableEvent, RecordVersion
from organizations.wording import Wording


class SuccessFactor(TimeStamped):
    """One success factor of a phase in one organisation. Its wording lives in versions, so
    an assessment keeps the words it was made against after an admin rewords the factor."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="success_factors"
    )
    phase = models.PositiveSmallIntegerField(_("phase"), choices=Phase.choices)
    # Set for the factors the product ships (e.g. "1.key_people"); empty for the
    # organisation's own. Lets the defaults be added to an organisation once and only once.
    default_key = models.CharField(max_length=40, blank=True)
    required = models.BooleanField(
        _("required to pass the gate"),
        default=True,
        help_text=_("The gate to the next phase opens when every required factor is met."),
    )
    position = models.PositiveIntegerField(default=0)
    is_retired = models.BooleanField(_("retired"), default=False)
    current_version = models.ForeignKey(
        "SuccessFactorVersion",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("success factor")
        verbose_name_plural = _("success factors")
        ordering = ["phase", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "default_key"],
                condition=~models.Q(default_key=""),
                name="default_factor_once_per_organization",
            )
        ]
        indexes = [models.Index(fields=["organization", "phase", "is_retired"])]

    def __str__(self) -> str:
        return self.current_version.text() if self.current_version else f"#{self.pk}"


class SuccessFactorVersion(Wording):
    """The wording of a factor at one time, in bokmål, nynorsk and English."""

    factor = models.ForeignKey(SuccessFactor, on_delete=models.PROTECT, related_name="versions")

    class Meta:
        verbose_name = _("success factor wording")
        verbose_name_plural = _("success factor wordings")
        ordering = ["factor_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["factor", "number"], name="one_number_per_version")
        ]


class FactorState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    # A context of its own: a goal is "met" (nådd), a success factor "met" (oppfylt).
    MET = "met", pgettext_lazy("success factor", "Met")


def evidence_upload_path(instance: FactorAssessment, filename: str) -> str:
    return f"evidence/{instance.measure.organization_id}/{filename}"


class FactorAssessment(TimeStamped):
    """A measure's current assessment of one factor; its history keeps every earlier one."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="factor_assessments"
    )
    factor = models.ForeignKey(SuccessFactor, on_delete=models.PROTECT, related_name="assessments")
    version = models.ForeignKey(
        SuccessFactorVersion,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text=_("The wording the assessment was made against."),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=FactorState.choices, default=FactorState.NOT_STARTED
    )
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("link to evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_upload_path, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed"), null=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment of a success factor")
        verbose_name_plural = _("assessments of success factors")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "factor"], name="one_assessment_per_measure_and_factor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.version} ({self.get_state_display()})"


class PhaseTransition(CorrectableEvent):
    """One move of a measure between phases, kept for good: who, when, why, and the state of
    the gate's factors at that moment. The move itself is final; its justification (``reason``)
    is version 1, corrected by ``TransitionCorrection`` rows."""

    class Kind(models.TextChoices):
        GATE = "gate", _("Through the gate")
        REGISTRATION = "registration", _("Registered in a later phase")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="transitions")
    from_phase = models.PositiveSmallIntegerField(_("from"), choices=Phase.choices)
    to_phase = models.PositiveSmallIntegerField(_("to"), choices=Phase.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("when"), auto_now_add=True)
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Required when moving backwards or overriding the gate."),
    )
    overridden = models.BooleanField(_("gate overridden"), default=False)
    # A measure already under way when the organisation starts using the product is registered
    # in its phase once, with a justification, instead of walking through gates it never met.
    kind = models.CharField(
        _("kind of move"), max_length=20, choices=Kind.choices, default=Kind.GATE
    )
    # [{"factor": id, "version": id, "text": "...", "required": bool, "state": "met"}, ...]
    factors_snapshot = models.JSONField(default=list, editable=False)
    # For the gate from III to IV: {"components": n, "described": n, "piloted": n}.
    readiness_snapshot = models.JSONField(default=dict, editable=False)

    class Meta:
        verbose_name = _("phase transition")
        verbose_name_plural = _("phase transitions")
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.measure}: {self.from_phase} → {self.to_phase}"

    @property
    def is_backwards(self) -> bool:
        return self.to_phase < self.from_phase

    @property
    def is_registration(self) -> bool:
        return self.kind == self.Kind.REGISTRATION

    def current_reason(self) -> str:
        """The justification as it stands: the latest correction's, or the one given at the
        move (reads ``corrections``: prefetch it for lists)."""
        correction = self.latest_correction()
        return correction.justification if correction else self.reason


class TransitionCorrection(RecordVersion):
    """A corrected justification of a phase move (an override, a move back, a registration):
    version 2 and on, the move's own ``reason`` being version 1."""

    subject_field = "transition"

    transition = models.ForeignKey(
        PhaseTransition, on_delete=models.CASCADE, related_name="corrections"
    )
    justification = models.TextField(_("justification"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("correction of a phase move's justification")
        verbose_name_plural = _("corrections of phase moves' justifications")
        ordering = ["transition_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["transition", "number"], name="one_number_per_transition_correction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.transition} ({self.number})"


class GateReviewRequest(TimeStamped):
    """A team lead's request that the coordinators review the gate the measure stands at
    (they may not pass a closed gate themselves). It stays pending until the measure moves:
    one pending request per measure and gate, so coordinators are not asked twice."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="gate_review_requests"
    )
    from_phase = models.PositiveSmallIntegerField(_("from"), choices=Phase.choices)
    to_phase = models.PositiveSmallIntegerField(_("to"), choices=Phase.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    message = models.TextField(_("message"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request for a gate review")
        verbose_name_plural = _("requests for gate reviews")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.measure}: {self.from_phase} → {self.to_phase}"
