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

What the file says about an event besides its time is kept where the wheel has a place for it
(see docs/yearwheel-calendars.md): the ORGANIZER's address, matched to an active member of the
organisation, becomes the responsible person (else the person importing, so every reminder has
someone to go to); ATTENDEEs who are members become participants, and the others are only
named in the preview; the kind comes from the CATEGORIES through a mapping the importer sees
and may change in the preview, and the kind chosen on upload is for events without a category
that names one. Events imported before keep their ring, kind and people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from measures.forms.choices import people
from organizations.ids import IdChoiceField
from organizations.limits import mark_file_limit
from organizations.models import Organization, User
from yearwheel.ical import site_host
from yearwheel.ical_meaning import kind_of_category
from yearwheel.ical_read import _OWN_EVENT_UID, MAX_EVENTS, MAX_UPLOAD_BYTES, too_large_message
from yearwheel.ical_rows import CHANGED, NEW, UNCHANGED, ImportRow, ParsedCalendar
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
            "For new events whose categories name no kind (meeting, deadline, checkpoint, "
            "activity); you can change how each category is read in the preview. Events "
            "imported before keep the ring and kind they have."
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


# --- kinds from categories ------------------------------------------------------------------


def category_counts(rows: list[ImportRow]) -> dict[str, int]:
    """The file's categories, in the order they first appear, with how many events have each."""
    counts: dict[str, int] = {}
    for row in rows:
        for name in row.categories:
            counts[name] = counts.get(name, 0) + 1
    return counts


def guessed_kinds(rows: list[ImportRow]) -> dict[str, str]:
    """Each category's kind as its words name it ('' when they name none)."""
    return {name: kind_of_category(name) for name in category_counts(rows)}


def kind_of_row(row: ImportRow, kinds: dict[str, str], default: str) -> str:
    """The kind of the row's first category that has one, else ``default``."""
    for name in row.categories:
        if kinds.get(name):
            return kinds[name]
    return default


class KindMappingForm(forms.Form):
    """In the preview: the kind of each category in the file, and of events with none. The
    guesses are the initial values; what is posted is checked against the kinds."""

    def __init__(
        self, *args: Any, counts: dict[str, int], kinds: dict[str, str], default: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.names = list(counts)
        self.fields["default_kind"] = forms.ChoiceField(
            label=_("Events without a category that names a kind"),
            choices=Kind.choices,
            initial=default,
        )
        for number, name in enumerate(self.names):
            self.fields[f"category_{number}"] = forms.ChoiceField(
                label=_("Category “%(name)s”") % {"name": name},
                choices=[("", _("As events without a category")), *Kind.choices],
                initial=kinds.get(name, ""),
                required=False,
                help_text=ngettext(
                    "%(count)s event in the file", "%(count)s events in the file", counts[name]
                )
                % {"count": counts[name]},
            )

    def mapping(self) -> tuple[dict[str, str], str]:
        """The chosen kinds by category, and the default kind (after ``is_valid``)."""
        kinds = {name: self.cleaned_data[f"category_{n}"] for n, name in enumerate(self.names)}
        return kinds, self.cleaned_data["default_kind"]


# --- people ---------------------------------------------------------------------------------


def match_people(parsed: ParsedCalendar, organization: Organization) -> dict[int, User]:
    """Sets each importable row's responsible person and participants from the organiser's
    and attendees' addresses, matched case-insensitively to the organisation's active
    members; addresses matching nobody are kept on the row for the preview only. One query;
    returns the members found, by id."""
    rows = parsed.importable
    wanted = {email for row in rows for email in (row.organizer, *row.attendees) if email}
    members: dict[str, User] = {}
    if wanted:
        found = people(organization).annotate(address=Lower("email")).filter(address__in=wanted)
        members = {user.address: user for user in found}
    for row in rows:
        organizer = members.get(row.organizer)
        row.responsible_id = organizer.pk if organizer else None
        row.participant_ids = []
        row.unknown_attendees = []
        for email in row.attendees:
            member = members.get(email)
            if member is None:
                row.unknown_attendees.append(email)
            elif member.pk != row.responsible_id and member.pk not in row.participant_ids:
                row.participant_ids.append(member.pk)
    return {user.pk: user for user in members.values()}


def _current_members(organization: Organization, rows: list[ImportRow]) -> dict[int, User]:
    """The rows' people who are still active members when the import is confirmed."""
    ids = {pk for row in rows for pk in (row.responsible_id, *row.participant_ids) if pk}
    if not ids:
        return {}
    return {user.pk: user for user in people(organization).filter(pk__in=ids)}


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
    # New events whose organiser is no member: the person importing became responsible.
    importer_responsible: int = 0

    def as_json(self) -> dict[str, Any]:
        """As kept with the confirmation's claim (imports.ConfirmedImport)."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "importer_responsible": self.importer_responsible,
        }

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> ImportOutcome:
        first = values.get("first_date")
        return cls(
            created=int(values["created"]),
            updated=int(values["updated"]),
            unchanged=int(values["unchanged"]),
            first_date=date.fromisoformat(first) if first else None,
            importer_responsible=int(values.get("importer_responsible", 0)),
        )


def payload(
    *, ring: Ring, kind: str, rows: list[ImportRow], kinds: dict[str, str] | None = None
) -> dict[str, Any]:
    """The confirmed import as plain JSON values, to be signed into the preview page: the
    ring, the default kind, the kinds guessed for the categories and the rows."""
    return {
        "ring": ring.pk,
        "kind": kind,
        "kinds": kinds if kinds is not None else guessed_kinds(rows),
        "rows": [row.payload() for row in rows if row.is_importable],
    }


def rows_from_payload(data: dict[str, Any]) -> tuple[int, str, dict[str, str], list[ImportRow]]:
    """The ring id, default kind, kinds by category and rows of a signed payload;
    ValueError/TypeError/KeyError when it is not what ``payload`` made."""
    kind = data["kind"]
    if kind not in Kind.values:
        raise ValueError("unknown kind")
    kinds = data["kinds"]
    if not isinstance(kinds, dict) or any(
        not isinstance(value, str) or value not in ("", *Kind.values) for value in kinds.values()
    ):
        raise ValueError("unknown kind of a category")
    rows = [ImportRow.from_payload(values) for values in data["rows"]]
    if not rows:
        raise ValueError("no rows")
    return int(data["ring"]), kind, kinds, rows


@transaction.atomic
def apply_import(
    *,
    organization: Organization,
    user: User,
    ring: Ring,
    kind: str,
    rows: list[ImportRow],
    kinds: dict[str, str] | None = None,
) -> ImportOutcome:
    """Creates and updates the rows' events, all or none. New events go in ``ring``, as the
    kind their categories have in ``kinds`` (else ``kind``), with the matched responsible
    person (else ``user``) and participants; events imported before keep their ring, kind and
    people and get the file's other values."""
    outcome = ImportOutcome()
    kinds = kinds or {}
    members = _current_members(organization, rows)
    # The participants of new events, written in one query at the end rather than two per
    # event; the events' own saves already mark the organisation's data as changed.
    Link = Event.participants.through
    links: list[Any] = []
    by_uid, by_pk = _existing(organization, rows, lock=True)
    for row in rows:
        assert row.start_date is not None  # noqa: S101 - rows come from importable ones
        if outcome.first_date is None or row.start_date < outcome.first_date:
            outcome.first_date = row.start_date
        event = _match(row, by_uid, by_pk)
        if event is None:
            responsible = members.get(row.responsible_id or 0)
            if responsible is None:
                responsible = user
                outcome.importer_responsible += 1
            event = Event(
                organization=organization,
                ring=ring,
                kind=kind_of_row(row, kinds, kind),
                created_by=user,
                responsible=responsible,
                external_uid=row.uid,
                **row.values(),
            )
            event.save()
            links += [
                Link(event_id=event.pk, user_id=pk) for pk in row.participant_ids if pk in members
            ]
            by_uid[row.uid] = event
            outcome.created += 1
        elif differs(event, row):
            for name, value in row.values().items():
                setattr(event, name, value)
            event.save()
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    Link.objects.bulk_create(links)
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
    message = _("Import finished: %(summary)s.") % {"summary": ", ".join(parts)}
    if outcome.importer_responsible:
        message += " " + importer_note(outcome.importer_responsible)
    return message


def importer_note(count: int) -> str:
    return ngettext(
        "%(count)s event had no organiser we know; you are set as responsible.",
        "%(count)s events had no organiser we know; you are set as responsible.",
        count,
    ) % {"count": count}
