"""Annual-wheel workflows that touch more than one row: making a wheel, applying the planning
cycle, reordering rings and skipping a date of a recurring event. Views call these; they
validate nothing a form already validated, but guard what only the database can decide."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.translation import gettext as _

from organizations.models import Organization, User
from yearwheel import planning_cycle
from yearwheel.models import Event, Ring, Wheel
from yearwheel.system_rings import ensure_system_rings


class WheelExists(Exception):
    """The organisation already has a wheel for that planning year."""


class SkipRefused(Exception):
    """The date cannot be skipped; ``str(error)`` says why, for the person."""


def wheel_create(
    *,
    organization: Organization,
    user: User | None,
    year: int,
    start_month: int,
    title: str = "",
    introduction: str = "",
    apply_template: bool,
) -> Wheel:
    """A new wheel for the planning year (and the system rings, when missing), with the
    municipal planning cycle if asked; all or nothing. Raises :class:`WheelExists`."""
    with transaction.atomic():
        ensure_system_rings(organization)
        if Wheel.objects.filter(organization=organization, year=year).exists():
            raise WheelExists
        try:
            with transaction.atomic():
                wheel = Wheel.objects.create(
                    organization=organization,
                    year=year,
                    start_month=start_month,
                    title=title,
                    introduction=introduction,
                    created_by=user,
                )
        except IntegrityError as error:  # made by someone else a moment ago
            raise WheelExists from error
        wheel.organization = organization
        if apply_template:
            planning_cycle_apply(wheel=wheel, user=user)
    return wheel


def _template_rings(wheel: Wheel, needed: set[str]) -> dict[str, Ring]:
    """The rings the template's items go in: matched by name, restored when archived (the
    items would be hidden otherwise), made when missing."""
    rings = planning_cycle.existing_rings(wheel)
    language = planning_cycle.language_of(wheel)
    position = Ring.objects.filter(organization=wheel.organization).aggregate(
        last=Coalesce(Max("position"), 0)
    )["last"]
    for spec in planning_cycle.RINGS:
        key = spec["key"]
        if key not in needed:
            continue
        ring = rings.get(key)
        if ring is None:
            position += 1
            rings[key] = Ring.objects.create(
                organization=wheel.organization,
                name=spec[language],  # type: ignore[literal-required]
                colour=spec["colour"],
                default_kind=spec["kind"],
                position=position,
            )
        elif ring.is_archived:
            ring.is_archived = False
            ring.save(update_fields=["is_archived", "updated_at"])
    return rings


def planning_cycle_apply(*, wheel: Wheel, user: User | None) -> int:
    """Adds the planning cycle's items the wheel does not have yet; returns how many.

    An item made before is never made again, even when it was edited or archived since.
    """
    with transaction.atomic():
        # Two people applying the template at once: the wheel's row serialises them.
        list(Wheel.objects.select_for_update().filter(pk=wheel.pk).values("pk"))
        missing = [item for item in planning_cycle.plan(wheel) if not item.present]
        if not missing:
            return 0
        rings = _template_rings(wheel, {item.ring_key for item in missing})
        for item in missing:
            Event.objects.create(
                organization=wheel.organization,
                ring=rings[item.ring_key],
                kind=item.kind,
                title=item.title,
                description=item.description,
                start_date=item.start,
                end_date=item.end,
                external_uid=item.uid,
                # Whoever adds the cycle answers for it until they hand items on, so its
                # reminders reach someone rather than showing up as gaps.
                responsible=user,
                created_by=user,
            )
    return len(missing)


def ring_move(*, ring: Ring, step: int) -> bool:
    """Swaps the ring with its neighbour among the organisation's rings in use (``step`` -1
    moves it up, 1 down); False when it is already first or last."""
    with transaction.atomic():
        rings = list(
            Ring.objects.select_for_update()
            .filter(organization_id=ring.organization_id, is_archived=False)
            .order_by("position", "pk")
        )
        index = next((i for i, other in enumerate(rings) if other.pk == ring.pk), None)
        if index is None or not 0 <= index + step < len(rings):
            return False
        rings[index], rings[index + step] = rings[index + step], rings[index]
        # Renumbered from 0, so rings made with equal positions get distinct ones.
        for position, other in enumerate(rings):
            if other.position != position:
                other.position = position
                other.save(update_fields=["position", "updated_at"])
    return True


def event_skip(*, event: Event, day: date) -> None:
    """Adds ``day`` to the exceptions of a recurring event; raises :class:`SkipRefused` unless
    the event has an occurrence starting that day."""
    shown = formats.date_format(day, "SHORT_DATE_FORMAT")
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if not locked.is_recurring:
            raise SkipRefused(_("Only a repeating event can skip a date."))
        if day.isoformat() in locked.exceptions:
            raise SkipRefused(_("The event already skips %(date)s.") % {"date": shown})
        if day not in locked.occurrences(day, day):
            raise SkipRefused(_("%(date)s is not a date of this event.") % {"date": shown})
        locked.exceptions = sorted({*locked.exceptions, day.isoformat()})
        locked.save(update_fields=["exceptions", "updated_at"])
    event.exceptions = locked.exceptions
