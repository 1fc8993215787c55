"""Readiness of the new service in phase III: how many components are described and piloted.

The exit rule of the roundabout: a measure may leave phase III only when every work process,
role, responsibility and routine is both described and piloted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from measures.models import Measure
from phases.models import ServiceComponent


@dataclass
class KindReadiness:
    kind: str
    label: str
    total: int = 0
    described: int = 0
    piloted: int = 0
    ready: int = 0  # both described and piloted


@dataclass
class Readiness:
    kinds: list[KindReadiness] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(k.total for k in self.kinds)

    @property
    def described(self) -> int:
        return sum(k.described for k in self.kinds)

    @property
    def piloted(self) -> int:
        return sum(k.piloted for k in self.kinds)

    @property
    def ready(self) -> int:
        return sum(k.ready for k in self.kinds)

    @property
    def exit_rule_met(self) -> bool:
        """Every component described and piloted (and at least one component registered)."""
        return self.total > 0 and self.ready == self.total

    def as_snapshot(self) -> dict[str, int]:
        return {
            "components": self.total,
            "described": self.described,
            "piloted": self.piloted,
            "ready": self.ready,
        }


def readiness(measure: Measure) -> Readiness:
    """One query, whatever the number of components."""
    described = Q(described_on__isnull=False)
    piloted = Q(piloted_in__isnull=False)
    rows = {
        row["kind"]: row
        for row in ServiceComponent.objects.filter(measure=measure)
        .values("kind")
        .annotate(
            total=Count("pk"),
            described=Count("pk", filter=described),
            piloted=Count("pk", filter=piloted),
            ready=Count("pk", filter=described & piloted),
        )
    }
    result = Readiness()
    for kind, label in ServiceComponent.Kind.choices:
        row = rows.get(kind, {})
        result.kinds.append(
            KindReadiness(
                kind=kind,
                label=str(label),
                total=row.get("total", 0),
                described=row.get("described", 0),
                piloted=row.get("piloted", 0),
                ready=row.get("ready", 0),
            )
        )
    return result
