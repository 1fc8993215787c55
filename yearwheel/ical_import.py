"""Importing events from an iCalendar file (.ics): read → preview → confirm.

``read_calendar`` (yearwheel/ical_read.py, with what is read from each event) reads and
checks the file and saves nothing; ``match_existing`` tells, per row, whether the event is
new, changed or unchanged; the rows then travel signed through the preview page, and
``apply_import`` saves them all or none. This module holds the upload form, the comparison
with the events already there and the saving.

Events are matched by UID (``Event.external_uid``) within the organisation, so importing the
same file again creates nothing new and an event moved in the file moves on the wheel. An
event without a UID gets a stable one made from its title and start. A file exported from the
wheel itself (UIDs ``event-<pk>@<this site>``) updates the organisation's own events rather
than copying them, and its derived entries (evaluation due dates, …) are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from organizations.ids import IdChoiceField
from organizations.limits import mark_file_limit
from organizations.models import Organization, User
from yearwheel.ical import site_host
from yearwheel.ical_read import (
    _OWN_EVENT_UID,
    CHANGED,
    MAX_EVENTS,
    MAX_UPLOAD_BYTES,
    NEW,
    UNCHANGED,
    ImportRow,
    ParsedCalendar,
    too_large_message,
)
from yearwheel.models import Event, Kind, Ring, Wheel

ALLOWED_EXTENSIONS = (".ics", ".ical", ".icalendar")


# --- the upload form ------------------------------------------------------------------------


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Calendar file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )
    ring = IdChoiceField(
        label=gettext_lazy("Ring"),
        queryset=Ring.objects.none(),
        help_text=gettext_lazy("The imported events are put in this ring."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of event"),
        required=False,
        help_text=gettext_lazy(
            "For new events. Events imported before keep the ring and kind they have."
        ),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Own rings only: system rings show what other pages know and hold no events.
        self.fields["ring"].queryset = own_rings(organization)  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("The ring's usual kind")), *Kind.choices]  # type: ignore[attr-defined]
        mark_file_limit(self.fields["file"], MAX_UPLOAD_BYTES)
        self.fields["file"].help_text = _(
            "An iCalendar file (.ics) exported from Outlook, Google Calendar, Apple Calendar "
            "or another calendar program; at most %(size)s MB and %(count)s events."
        ) % {
            "size": MAX_UPLOAD_BYTES // (1024 * 1024),
            "count": number_format(MAX_EVENTS, force_grouping=True),
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError(
                _("Choose a calendar file: its name ends with .ics."), code="file_type"
            )
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message(), code="file_size")
        return upload

    def chosen_kind(self) -> str:
        kind: str = self.cleaned_data.get("kind") or self.cleaned_data["ring"].default_kind
        return kind


def own_rings(organization: Organization) -> Any:
    return Ring.objects.active().filter(organization=organization, source=Ring.Source.OWN)


# --- comparing with what is there -----------------------------------------------------------


def _own_event_pk(uid: str) -> int | None:
    match = _OWN_EVENT_UID.match(uid)
    if match and match.group(2) == site_host():
        return int(match.group(1))
    return None


def _existing(
    organization: Organization, rows: list[ImportRow], *, lock: bool = False
) -> tuple[dict[str, Event], dict[int, Event]]:
    """The organisation's events the rows may update: by imported UID, and (for a file
    exported from the wheel itself) by primary key. Two queries."""
    events = Event.objects.filter(organization=organization)
    if lock:
        events = events.select_for_update()
    uids = {row.uid for row in rows}
    by_uid = {
        event.external_uid: event
        for event in events.exclude(external_uid="")
        if event.external_uid in uids
    }
    own_pks = {pk for row in rows if (pk := _own_event_pk(row.uid)) is not None}
    by_pk = (
        {event.pk: event for event in events.filter(pk__in=own_pks, external_uid="")}
        if own_pks
        else {}
    )
    return by_uid, by_pk


def _match(row: ImportRow, by_uid: dict[str, Event], by_pk: dict[int, Event]) -> Event | None:
    event = by_uid.get(row.uid)
    if event is None and (pk := _own_event_pk(row.uid)) is not None:
        event = by_pk.get(pk)
    return event


def differs(event: Event, row: ImportRow) -> bool:
    for name, value in row.values().items():
        current = getattr(event, name)
        if name == "exceptions":
            current = sorted({str(day) for day in current or []})
        if current != value:
            return True
    return False


def match_existing(parsed: ParsedCalendar, organization: Organization) -> None:
    """Sets each row's status: new, changed, unchanged (or error)."""
    rows = parsed.importable
    by_uid, by_pk = _existing(organization, rows)
    for row in rows:
        event = _match(row, by_uid, by_pk)
        if event is None:
            row.status, row.event_id = NEW, None
        else:
            row.status = CHANGED if differs(event, row) else UNCHANGED
            row.event_id = event.pk
            if event.is_archived:
                row.notes.append(_("The event is archived in Tiltakshjulet and stays archived."))


# --- saving ---------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    first_date: date | None = None

    def as_json(self) -> dict[str, Any]:
        """As kept with the confirmation's claim (imports.ConfirmedImport)."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "first_date": self.first_date.isoformat() if self.first_date else None,
        }

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> ImportOutcome:
        first = values.get("first_date")
        return cls(
            created=int(values["created"]),
            updated=int(values["updated"]),
            unchanged=int(values["unchanged"]),
            first_date=date.fromisoformat(first) if first else None,
        )


def payload(*, ring: Ring, kind: str, rows: list[ImportRow]) -> dict[str, Any]:
    """The confirmed import as plain JSON values, to be signed into the preview page."""
    return {
        "ring": ring.pk,
        "kind": kind,
        "rows": [row.payload() for row in rows if row.is_importable],
    }


def rows_from_payload(data: dict[str, Any]) -> tuple[int, str, list[ImportRow]]:
    """The ring id, kind and rows of a signed payload; ValueError/TypeError/KeyError when it
    is not what ``payload`` made."""
    kind = data["kind"]
    if kind not in Kind.values:
        raise ValueError("unknown kind")
    rows = [ImportRow.from_payload(values) for values in data["rows"]]
    if not rows:
        raise ValueError("no rows")
    return int(data["ring"]), kind, rows


@transaction.atomic
def apply_import(
    *, organization: Organization, user: User, ring: Ring, kind: str, rows: list[ImportRow]
) -> ImportOutcome:
    """Creates and updates the rows' events, all or none. New events go in ``ring`` as
    ``kind``; events imported before keep their ring and kind and get the file's values."""
    outcome = ImportOutcome()
    by_uid, by_pk = _existing(organization, rows, lock=True)
    for row in rows:
        assert row.start_date is not None  # noqa: S101 - rows come from importable ones
        if outcome.first_date is None or row.start_date < outcome.first_date:
            outcome.first_date = row.start_date
        event = _match(row, by_uid, by_pk)
        if event is None:
            event = Event(
                organization=organization,
                ring=ring,
                kind=kind,
                created_by=user,
                external_uid=row.uid,
                **row.values(),
            )
            event.save()
            by_uid[row.uid] = event
            outcome.created += 1
        elif differs(event, row):
            for name, value in row.values().items():
                setattr(event, name, value)
            event.save()
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    return outcome


def wheel_for(organization: Organization, day: date | None) -> Wheel | None:
    """The organisation's wheel whose planning year holds ``day``, if there is one."""
    if day is None:
        return None
    for wheel in Wheel.objects.filter(organization=organization, year__in=(day.year - 1, day.year)):
        if wheel.contains(day):
            wheel.organization = organization
            return wheel
    return None


def outcome_message(outcome: ImportOutcome) -> str:
    parts = [
        ngettext("%(count)s event created", "%(count)s events created", outcome.created)
        % {"count": outcome.created},
        ngettext("%(count)s updated", "%(count)s updated", outcome.updated)
        % {"count": outcome.updated},
        ngettext("%(count)s unchanged", "%(count)s unchanged", outcome.unchanged)
        % {"count": outcome.unchanged},
    ]
    return _("Import finished: %(summary)s.") % {"summary": ", ".join(parts)}
