"""The rings that show what the rest of the product knows (``Ring.Source``).

They are made, in the organisation's written standard, the first time a wheel needs them.
People may rename, recolour, reorder, hide or archive them like their own rings; they only
cannot hold events of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from yearwheel.models import Kind, Ring


@dataclass(frozen=True)
class SystemRing:
    source: str
    name: Promise
    colour: str
    kind: str


SYSTEM_RINGS = (
    SystemRing(Ring.Source.EVALUATIONS, _("Evaluations"), "#7a3e00", Kind.CHECKPOINT),
    SystemRing(Ring.Source.ACTIVITIES, _("Implementation plans"), "#1d6b3a", Kind.ACTIVITY),
    SystemRing(
        Ring.Source.ROUTINES, _("Routines that keep measures going"), "#5b3f8c", Kind.ACTIVITY
    ),
    SystemRing(Ring.Source.MEETINGS, _("Learning meetings"), "#1f5f8b", Kind.MEETING),
    SystemRing(Ring.Source.ACTIONS, _("Action items"), "#8a2c4f", Kind.DEADLINE),
)


def ensure_system_rings(organization: Organization, rings: list[Ring] | None = None) -> list[Ring]:
    """The organisation's rings (archived ones included), with any missing system ring made.

    ``rings`` may pass the rings already loaded, so the common case costs no query.
    """
    if rings is None:
        rings = list(Ring.objects.filter(organization=organization))
    present = {ring.source for ring in rings}
    missing = [spec for spec in SYSTEM_RINGS if spec.source not in present]
    if not missing:
        return rings
    position = Ring.objects.filter(organization=organization).aggregate(
        last=Coalesce(Max("position"), 0)
    )["last"]
    with translation.override(organization.written_standard):
        for offset, spec in enumerate(missing, start=1):
            try:
                # A concurrent request may make the same ring: the unique constraint decides.
                with transaction.atomic():
                    rings.append(
                        Ring.objects.create(
                            organization=organization,
                            source=spec.source,
                            name=str(spec.name),
                            colour=spec.colour,
                            default_kind=spec.kind,
                            position=position + offset,
                        )
                    )
            except IntegrityError:
                rings.append(Ring.objects.get(organization=organization, source=spec.source))
    rings.sort(key=lambda ring: (ring.position, ring.pk))
    return rings
