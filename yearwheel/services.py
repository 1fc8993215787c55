"""Annual-wheel workflows that touch more than one row: making a wheel, rolling it on to the
next planning year, applying the planning cycle, reordering rings, skipping a date of a
recurring event and moving an event by hand. Views call these; they validate nothing a form
already validated, but guard what only the database can decide."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from organizations.models import Organization, User
from yearwheel import planning_cycle
from yearwheel.models import FIRST_YEAR, LAST_YEAR, Event, Ring, Wheel
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
                    uses_planning_cycle=apply_template,
                )
        except IntegrityError as error:  # made by someone else a moment ago
            raise WheelExists from error
        wheel.organization = organization
        if apply_template:
            _planning_cycle_add(wheel, user)
        # A new current wheel rolls on at once, so next year is there from the first visit.
        wheel_roll_on(organization=organization)
    return wheel


def current_of(wheels: Iterable[Wheel], today: date) -> Wheel | None:
    """The wheel whose planning year contains ``today``; of two (the organisation changed its
    first month), the one that began last."""
    containing = [wheel for wheel in wheels if wheel.contains(today)]
    return max(containing, key=lambda wheel: wheel.start, default=None)


def _carried(text: str, current: Wheel) -> str:
    """The current wheel's title or introduction for the next one, unless it names its year
    (``Årshjul 2026`` would be wrong on the 2027 wheel, whose own label is shown instead)."""
    return "" if str(current.year) in text or current.label in text else text


def wheel_roll_on(*, organization: Organization, today: date | None = None) -> Wheel | None:
    """Makes sure the planning year after the current one has a wheel, with the municipal
    planning cycle when the current wheel has it; returns that wheel when this call made it
    or gave it the cycle, else None. Does nothing for an organisation without a current wheel.

    Idempotent and safe for several processes at once: the wheel is made with
    ``get_or_create`` against the one-wheel-per-year constraint, and the cycle is added under
    the new wheel's row lock, item by item only when missing. The wheel is the system's
    (``created_by`` empty, ``made_automatically``), and so are the cycle's items; each item's
    responsible person is carried over from the same item of the year before.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        wheels = list(
            Wheel.objects.filter(
                organization=organization, year__gte=today.year - 1, year__lte=today.year + 1
            )
        )
        current = current_of(wheels, today)
        if current is None or current.year >= LAST_YEAR:
            return None
        wheel, created = Wheel.objects.get_or_create(
            organization=organization,
            year=current.year + 1,
            defaults={
                "start_month": organization.planning_year_start_month,
                "title": _carried(current.title, current),
                "introduction": _carried(current.introduction, current),
                "made_automatically": True,
            },
        )
        wheel.organization = organization
        completes = (
            current.uses_planning_cycle
            and wheel.made_automatically
            and not wheel.uses_planning_cycle
        )
        if completes:
            ensure_system_rings(organization)
            _planning_cycle_add(wheel, None)
            wheel.uses_planning_cycle = True
            wheel.save(update_fields=["uses_planning_cycle", "updated_at"])
    return wheel if created or completes else None


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

    An item made before is never made again, even when it was edited or archived since. The
    wheel is marked as using the cycle, so the wheel rolled on to the next year gets it too.
    """
    with transaction.atomic():
        added = _planning_cycle_add(wheel, user)
        if not wheel.uses_planning_cycle:
            wheel.uses_planning_cycle = True
            wheel.save(update_fields=["uses_planning_cycle", "updated_at"])
        wheel_roll_on(organization=wheel.organization)
    return added


def _previous_responsible(wheel: Wheel) -> dict[str, int | None]:
    """Who answered for each cycle item in the year before, by item key: one query."""
    year = wheel.year - 1
    uids = {
        f"{planning_cycle.UID_PREFIX}:{item['key']}:{year}": item["key"]
        for item in planning_cycle.ITEMS
    }
    rows = Event.objects.filter(organization=wheel.organization, external_uid__in=uids)
    return {uids[uid]: pk for uid, pk in rows.values_list("external_uid", "responsible_id")}


def _planning_cycle_add(wheel: Wheel, user: User | None) -> int:
    with transaction.atomic():
        # Two people applying the template at once: the wheel's row serialises them.
        list(Wheel.objects.select_for_update().filter(pk=wheel.pk).values("pk"))
        missing = [item for item in planning_cycle.plan(wheel) if not item.present]
        if not missing:
            return 0
        rings = _template_rings(wheel, {item.ring_key for item in missing})
        carried = _previous_responsible(wheel) if user is None else {}
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
                # reminders reach someone rather than showing up as gaps; on a wheel the
                # system rolled on, whoever answered for the item last year.
                responsible_id=user.pk if user else carried.get(item.key),
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


class MoveRefused(Exception):
    """The event cannot be moved so; ``str(error)`` says why, for the person."""


class StaleMove(MoveRefused):
    """The event changed after the version the move (usually an undo) was made for."""


@dataclass(frozen=True)
class Moved:
    """What a move did, and what undoes it: moving ``to`` back to ``day``, for ``version``."""

    event: Event
    day: date  # the occurrence's date before the move
    to: date  # and after it
    version: str


def event_version(event: Event) -> str:
    """The token of the event as it stands: any save (a form, a move, a skipped date) changes
    it, so an undo made for an older state is refused instead of overwriting a later edit."""
    return event.updated_at.isoformat()


def _shifted(day: date | None, delta: timedelta) -> date | None:
    return None if day is None else day + delta


def event_move(
    *, event: Event, day: date, to: date, version: str = "", undo: bool = False
) -> Moved:
    """Moves the occurrence of ``event`` on ``day`` to ``to``, keeping its length.

    A single event moves. A repeating event moves as a whole series (its first date, its
    end and its skipped dates shift by the same days), because a series has no place for one
    moved date without changing the model; the series' rule must then put the occurrence on
    ``to`` (a rule that fixes weekdays or month days does not follow a shift). With
    ``version`` (see :func:`event_version`) the move is refused unless the event is as it
    was then. Raises :class:`MoveRefused`; saves nothing then. The history says why."""
    delta = to - day
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if version and version != event_version(locked):
            raise StaleMove(
                _(
                    "The event was changed after that move, so the move can no longer be "
                    "undone. Reload the page to see the event as it is now."
                )
            )
        if locked.is_archived:
            raise MoveRefused(_("An archived event cannot be moved."))
        # The first days of the occurrences touching the day: only a first day can be moved.
        if day not in locked.occurrences(day, day):
            raise MoveRefused(
                _("%(date)s is not a date of this event.")
                % {"date": formats.date_format(day, "SHORT_DATE_FORMAT")}
            )
        if not delta:
            raise MoveRefused(_("Choose another date than the one the event has."))
        last = max(locked.last_date, locked.repeat_until or locked.last_date)
        if locked.start_date + delta < date(FIRST_YEAR, 1, 1) or last + delta > date(
            LAST_YEAR, 12, 31
        ):
            raise MoveRefused(
                _("Choose a date between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        before = (locked.start_date, locked.end_date)
        locked.start_date += delta
        locked.end_date = _shifted(locked.end_date, delta)
        if locked.is_recurring:
            locked.repeat_until = _shifted(locked.repeat_until, delta)
            locked.exceptions = sorted(
                (date.fromisoformat(value) + delta).isoformat() for value in locked.exceptions
            )
            if to not in locked.occurrences(to, to):
                raise MoveRefused(
                    _(
                        "The rule of this repeating event keeps it on its own days, so it "
                        "cannot be moved by dragging. Change the rule in the event's form."
                    )
                )
        reason = _("Undone move on the wheel") if undo else _("Moved on the wheel")
        locked._change_reason = (  # type: ignore[attr-defined]
            f"{reason}: {before[0]:%Y-%m-%d} → {locked.start_date:%Y-%m-%d}"
        )
        locked.save()
    locked.organization = event.organization
    return Moved(event=locked, day=day, to=to, version=event_version(locked))
