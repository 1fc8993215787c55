"""Readiness of the new service in phase III, and the exit rule of the roundabout.

The method: a measure may leave the roundabout only when the service is fully developed, that
is when *all* its work processes, roles, responsibilities and routines are described and
piloted. "All" is read over the four kinds, not over whatever happens to be registered: the
service needs at least one component of each kind, and every component must be both described
and piloted. A register holding one piloted work process is not a fully developed service.

This module is the one place the figures and the rule are worked out; the gate, the roundabout,
phase IV, the status dashboard and the reports all call it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from measures.models import Measure
from phases.models import ServiceComponent


class ComponentState(NamedTuple):
    """What the rule needs to know about one component."""

    kind: str
    name: str
    described: bool
    piloted: bool


@dataclass
class KindReadiness:
    kind: str
    label: str
    total: int = 0
    described: int = 0
    piloted: int = 0
    ready: int = 0  # both described and piloted
    not_described: list[str] = field(default_factory=list)  # names, in name order
    not_piloted: list[str] = field(default_factory=list)

    @property
    def is_missing(self) -> bool:
        """No component of this kind is registered: the service lacks a whole kind."""
        return self.total == 0

    @property
    def is_ready(self) -> bool:
        return self.total > 0 and self.ready == self.total


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
    def missing_kinds(self) -> list[KindReadiness]:
        return [k for k in self.kinds if k.is_missing]

    @property
    def exit_rule_met(self) -> bool:
        """At least one component of every kind, and every component described and piloted."""
        return bool(self.kinds) and all(k.is_ready for k in self.kinds)

    def shortfalls(self) -> list[str]:
        """Why the service is not fully developed, one sentence per gap: each kind with no
        component, and each component not described or not piloted, by name. Empty when
        the exit rule is met."""
        messages = []
        for kind in self.kinds:
            if kind.is_missing:
                messages.append(
                    _("%(kind)s: none registered yet. The service needs at least one.")
                    % {"kind": kind.label}
                )
            for name in kind.not_described:
                messages.append(
                    _("%(kind)s “%(name)s” is not described yet.")
                    % {"kind": kind.label, "name": name}
                )
            for name in kind.not_piloted:
                messages.append(
                    _("%(kind)s “%(name)s” has not been piloted yet.")
                    % {"kind": kind.label, "name": name}
                )
        return messages

    def as_snapshot(self) -> dict[str, Any]:
        """The figures as plain JSON: kept with a phase move and in the reports' content."""
        return {
            "components": self.total,
            "described": self.described,
            "piloted": self.piloted,
            "ready": self.ready,
            "missing_kinds": [k.kind for k in self.missing_kinds],
            "exit_rule_met": self.exit_rule_met,
        }


def summarise(components: Iterable[ComponentState]) -> Readiness:
    """The readiness of one measure's components, every kind listed in the kinds' order."""
    kinds = {
        kind: KindReadiness(kind=kind, label=str(label))
        for kind, label in ServiceComponent.Kind.choices
    }
    for component in sorted(components, key=lambda c: c.name.lower()):
        kind = kinds.get(component.kind)
        if kind is None:
            continue  # a kind the product no longer knows counts for nothing
        kind.total += 1
        kind.described += component.described
        kind.piloted += component.piloted
        kind.ready += component.described and component.piloted
        if not component.described:
            kind.not_described.append(component.name)
        if not component.piloted:
            kind.not_piloted.append(component.name)
    return Readiness(kinds=list(kinds.values()))


def component_states(measures: Any) -> dict[int, list[ComponentState]]:
    """The components of ``measures`` (a queryset or an iterable of ids), grouped by
    measure: one query."""
    found: dict[int, list[ComponentState]] = {}
    rows = ServiceComponent.objects.filter(measure__in=measures).values_list(
        "measure_id", "kind", "name", "described_on", "piloted_in_id"
    )
    for measure_id, kind, name, described_on, piloted_in_id in rows:
        found.setdefault(measure_id, []).append(
            ComponentState(kind, name, described_on is not None, piloted_in_id is not None)
        )
    return found


def readiness(measure: Measure) -> Readiness:
    """One query, whatever the number of components."""
    return summarise(component_states([measure.pk]).get(measure.pk, []))
