"""Phase I's decision to go on to planning, or to stop: recorded once, corrected by new
versions with a reason (organizations/records.py), never overwritten."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from measures.models import Measure
from organizations.models import User
from organizations.records import record_or_correct
from phases.models import PreparationDecision

DECISION_FIELDS = ("decision", "decided_by", "decided_on", "decision_note")


def preparation_decisions(measure: Measure) -> list[PreparationDecision]:
    """Every version of the decision to go on, newest first (one query)."""
    return list(
        PreparationDecision.objects.filter(measure=measure)
        .select_related("decided_by", "recorded_by")
        .order_by("-number")
    )


def preparation_decide(
    *, measure: Measure, user: User, data: dict[str, Any], reason: str = ""
) -> PreparationDecision:
    """Records the decision, or corrects it with a new version (``reason`` required, and the
    correction must change something). Raises ``CorrectionRefused`` with nothing saved."""
    content = {name: data.get(name) for name in DECISION_FIELDS}
    content["decision_note"] = content["decision_note"] or ""
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        return record_or_correct(
            PreparationDecision, subject=locked, user=user, content=content, reason=reason
        )
