"""The organisation's own events on the annual wheel: new, edit, show, skip a date, move by
hand, archive.

Every member reads events. Coordinators, admins and team leads put events on the wheel
(``yearwheel.add_event``); team leads change only the events they made, are responsible for,
or whose measure they lead (``yearwheel.change_event``). The measure page shows the measure's
coming occurrences (:func:`measure_section`).
"""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, TemplateView, UpdateView

from measures.models import Measure
from measures.sections import Section
from organizations.formtools import choice_from_query
from organizations.history import history_entries
from organizations.views.base import ArchiveView, OrganizationViewMixin
from yearwheel.forms import EventForm
from yearwheel.models import Event, Kind, Ring, Wheel
from yearwheel.occurrences import Occurrence, Scope, occurrences_between
from yearwheel.services import MoveRefused, SkipRefused, StaleMove, event_move, event_skip
from yearwheel.views.wheels import user_of
from yearwheel.wheel_text import date_span

CHANGE = "yearwheel.change_event"
UPCOMING_COUNT = 5
SECTION_COUNT = 5


def safe_next(request: HttpRequest) -> str:
    """The ``next`` address (POST, else the query string) when it is a page of this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def long_date(day: date) -> str:
    """ "torsdag 4. mars 2027"; "Thursday 4 March 2027" in English."""
    return f"{formats.date_format(day, 'l')} {formats.date_format(day, 'DATE_FORMAT')}"


def wheel_containing(organization: Any, day: date) -> Wheel | None:
    """The organisation's wheel whose planning year contains ``day`` (one query)."""
    for wheel in Wheel.objects.filter(organization=organization, year__in=[day.year - 1, day.year]):
        if wheel.contains(day):
            wheel.organization = organization
            return wheel
    return None


def upcoming_dates(event: Event, start: date, count: int) -> list[date]:
    """The first ``count`` dates of the event on or after ``start``, skipped ones left out."""
    if not event.is_recurring:
        return [event.start_date] if event.last_date >= start else []
    skipped = event.exception_dates()
    found: list[date] = []
    rule: Any = event.rule()
    for moment in rule.xafter(datetime.combine(start, time.min), inc=True):
        day = moment.date()
        if day not in skipped:
            found.append(day)
            if len(found) == count:
                break
    return found


# --- the measure page ------------------------------------------------------------------------


def measure_section(request: HttpRequest, measure: Measure) -> Section | None:
    """The measure's next occurrences on the annual wheel, with a link to the agenda narrowed
    to the measure: a fixed number of queries (the rings, the wheel, one per source)."""
    organization = request.organization  # type: ignore[attr-defined]
    today = timezone.localdate()
    rings = Ring.objects.filter(organization=organization)
    archived_sources = {ring.source for ring in rings if ring.is_archived and ring.source}
    found: list[Occurrence] = []
    for occurrence in occurrences_between(
        organization, today, today + relativedelta(years=1), Scope(measure_id=measure.pk)
    ):
        if occurrence.source in archived_sources:
            continue
        found.append(occurrence)
        if len(found) == SECTION_COUNT:
            break
    wheel = wheel_containing(organization, today)
    agenda_url = ""
    if wheel is not None:
        agenda = reverse("wheel_agenda", args=[organization.slug, wheel.year])
        agenda_url = f"{agenda}?{urlencode({'measure': measure.pk})}"
    kinds = dict(Kind.choices)
    can_add = request.user.has_perm("yearwheel.add_event", organization)
    add_url = ""
    if can_add:
        query = urlencode({"measure": measure.pk, "next": measure.get_absolute_url()})
        add_url = f"{reverse('event_create', args=[organization.slug])}?{query}"
    return Section(
        template="yearwheel/events/measure_section.html",
        context={
            "measure": measure,
            "rows": [
                {"occurrence": occurrence, "kind": kinds.get(occurrence.kind, occurrence.kind)}
                for occurrence in found
            ],
            "agenda_url": agenda_url,
            "index_url": reverse("wheel_index", args=[organization.slug]),
            "add_url": add_url,
        },
    )


# --- forms -------------------------------------------------------------------------------------


class EventFormMixin(OrganizationViewMixin):
    template_name: str | None = "yearwheel/events/form.html"
    form_class: type[BaseForm] | None = EventForm
    request: HttpRequest

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        return {**kwargs, "organization": self.organization}

    def cancel_url(self) -> str:
        return safe_next(self.request) or reverse("wheel_index", args=[self.organization.slug])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(next=safe_next(self.request), cancel_url=self.cancel_url())
        return context

    def form_valid(self, form: EventForm) -> HttpResponse:
        with transaction.atomic():
            if form.instance.pk is None:
                form.instance.created_by = user_of(self.request)
            event = form.save()
        messages.success(self.request, _("“%(title)s” is saved.") % {"title": event.title})
        return redirect(safe_next(self.request) or event.get_absolute_url())


class EventCreateView(EventFormMixin, CreateView):
    """A new event; the query string may set ``ring``, ``kind``, ``date`` (ISO), ``measure``
    and ``next`` (where to go after saving)."""

    permission_required = "yearwheel.add_event"

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_initial()
        query = self.request.GET
        form = EventForm(organization=self.organization)
        ring = choice_from_query(form, "ring", query.get("ring", ""))
        if ring is not None:
            initial["ring"] = ring.pk
        kinds = {value for value, _label in Kind.choices}
        if query.get("kind") in kinds:
            initial["kind"] = query["kind"]
        elif ring is not None:
            initial["kind"] = ring.default_kind
        try:
            initial["start_date"] = date.fromisoformat(query.get("date", ""))
        except ValueError:
            initial["start_date"] = timezone.localdate()
        measure = choice_from_query(form, "measure", query.get("measure", ""))
        if measure is not None:
            initial["measure"] = measure.pk
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("New event")
        return context


class EventMixin(OrganizationViewMixin):
    event: Event

    def get_event_queryset(self) -> QuerySet[Event]:
        return Event.objects.select_related("measure", "ring")

    def load_objects(self) -> None:
        self.event = self.get_for_organization(self.get_event_queryset(), pk=self.kwargs["pk"])
        self.event.organization = self.organization

    def get_permission_object(self) -> Any:
        return self.event


class EventUpdateView(EventMixin, EventFormMixin, UpdateView):
    permission_required = CHANGE

    def get_object(self, queryset: Any = None) -> Event:
        # The form works on a copy: validating writes what was typed onto the instance, and
        # the page around a refused form names the event as saved.
        return copy.copy(self.event)

    def cancel_url(self) -> str:
        return safe_next(self.request) or self.event.get_absolute_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(title=_("Edit event"), event=self.event)
        return context


class EventDetailView(EventMixin, TemplateView):
    permission_required = "yearwheel.view_wheel"
    template_name = "yearwheel/events/detail.html"

    def get_event_queryset(self) -> QuerySet[Event]:
        return Event.objects.select_related(
            "ring", "measure", "measure__program", "program", "goal", "responsible", "created_by"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        event = self.event
        today = timezone.localdate()
        wheel = wheel_containing(self.organization, event.start_date)
        if wheel is None and event.is_recurring:
            wheel = wheel_containing(self.organization, today)
        upcoming = upcoming_dates(event, today, UPCOMING_COUNT)
        # The date the "Move to date" form moves: a series moves by its next date.
        move_from = (upcoming[0] if upcoming else None) if event.is_recurring else event.start_date
        context.update(
            event=event,
            program=event.program or (event.measure.program if event.measure else None),
            participants=list(event.participants.order_by("full_name", "email")),
            upcoming=upcoming,
            move_from=move_from,
            move_from_text=long_date(move_from) if move_from else "",
            exceptions=sorted(event.exception_dates()),
            wheel=wheel,
            can_change=self.request.user.has_perm(CHANGE, event),
            history=history_entries(
                Event.history.filter(id=event.pk)
                .select_related("history_user")
                .order_by("history_date", "history_id"),
                Event,
                lambda record: record.title,
            )[::-1],
        )
        return context


class EventSkipView(EventMixin, View):
    """POST ``date`` (ISO): the recurring event does not happen that day."""

    permission_required = CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            day = date.fromisoformat(request.POST.get("date", ""))
        except ValueError:
            messages.error(request, _("Choose a date of the event to skip."))
        else:
            try:
                event_skip(event=self.event, day=day)
            except SkipRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(
                    request,
                    _("“%(title)s” does not take place on %(date)s.")
                    % {
                        "title": self.event.title,
                        "date": formats.date_format(day, "SHORT_DATE_FORMAT"),
                    },
                )
        return redirect(f"{self.event.get_absolute_url()}#upcoming")


class EventArchiveView(EventMixin, ArchiveView):
    permission_required = CHANGE

    def get_archivable(self) -> Event:
        return self.event


class EventRestoreView(EventArchiveView):
    archive = False


def _posted_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class EventMoveView(EventMixin, View):
    """POST ``date`` (the occurrence's first day, ISO) and ``to`` (ISO) or ``days`` (a
    number, may be negative): the event moves by hand (:func:`event_move`). ``version``
    refuses the move when the event changed since (the wheel's undo sends it); ``undo``
    marks the move as an undo in the history.

    The wheel's script asks for JSON (``Accept: application/json``) and gets the new dates
    and what undoes the move; the form on the event page gets a message and a redirect."""

    permission_required = CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        posted = request.POST
        day = _posted_day(posted.get("date", ""))
        to = _posted_day(posted.get("to", ""))
        if to is None and day is not None and posted.get("days", "").lstrip("-").isdigit():
            try:
                to = day + timedelta(days=int(posted["days"]))
            except OverflowError:
                to = None
        try:
            if day is None or to is None:
                raise MoveRefused(_("Choose the date to move the event to."))
            moved = event_move(
                event=self.event,
                day=day,
                to=to,
                version=posted.get("version", ""),
                undo=bool(posted.get("undo")),
            )
        except MoveRefused as refusal:
            return self.refused(refusal)
        event = moved.event
        message = _("“%(title)s” is moved to %(date)s.") % {
            "title": event.title,
            "date": long_date(moved.to),
        }
        if self.wants_json():
            return JsonResponse(
                {
                    "ok": True,
                    "message": message,
                    "event": event.pk,
                    "date": moved.day.isoformat(),
                    "to": moved.to.isoformat(),
                    "to_text": long_date(moved.to),
                    # The moved occurrence's dates as the wheel writes them (its details panel).
                    "dates": date_span(moved.to, moved.to + timedelta(days=event.duration_days)),
                    "start": event.start_date.isoformat(),
                    "end": event.last_date.isoformat(),
                    "undo": {
                        "date": moved.to.isoformat(),
                        "to": moved.day.isoformat(),
                        "version": moved.version,
                    },
                }
            )
        messages.success(request, message)
        return redirect(safe_next(request) or event.get_absolute_url())

    def wants_json(self) -> bool:
        return "application/json" in self.request.headers.get("Accept", "")

    def refused(self, refusal: MoveRefused) -> HttpResponse:
        if self.wants_json():
            status = 409 if isinstance(refusal, StaleMove) else 400
            return JsonResponse({"ok": False, "error": str(refusal)}, status=status)
        messages.error(self.request, str(refusal))
        return redirect(safe_next(self.request) or f"{self.event.get_absolute_url()}#move")
