"""Calendars outside the product: the .ics file of a wheel, the personal feed, and importing
events from a calendar file (see yearwheel/ical.py, feeds.py, ical_import.py and ical_read.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from imports.feedback import success_once
from imports.services import import_once, new_token
from organizations.views.base import OrganizationViewMixin, user_of
from yearwheel import feed_cache, feeds, ical
from yearwheel.ical_import import (
    CalendarImportForm,
    ImportOutcome,
    KindMappingForm,
    apply_import,
    category_counts,
    guessed_kinds,
    kind_of_row,
    match_existing,
    match_people,
    outcome_message,
    own_rings,
    payload,
    rows_from_payload,
    wheel_for,
)
from yearwheel.ical_read import MAX_EVENTS, MAX_UPLOAD_BYTES, ImportFileError, read_calendar
from yearwheel.ical_rows import NEW, UNCHANGED, ImportRow, ParsedCalendar
from yearwheel.models import CalendarSubscription, Event, Kind
from yearwheel.rule_text import describe_rule
from yearwheel.views.base import WheelViewMixin

# The preview's rows travel signed in the confirmation form; after this they must be uploaded
# again (an hour is long enough to look them over, short enough to stay close to the file).
PREVIEW_MAX_AGE = 60 * 60
# Kept below Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), which the confirmation must pass.
MAX_PAYLOAD_CHARACTERS = 2_000_000
PREVIEW_ROWS_SHOWN = 500
FEED_CACHE_SECONDS = 15 * 60


class WheelCalendarView(WheelViewMixin, View):
    """``wheel/<year>/calendar.ics``: the planning year as a calendar file, narrowed by the
    same filter as the wheel. Own events go out as series (their whole rule), derived ones as
    the occurrences of the year."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        content = self.content()
        event_ids = {
            placed.occurrence.event_id
            for placed in content.items
            if not placed.occurrence.source and placed.occurrence.event_id
        }
        events = (
            Event.objects.filter(organization=self.organization, pk__in=event_ids)
            .select_related("measure", "program", "measure__program", "goal")
            .order_by("start_date", "start_time", "pk")
        )
        calendar = ical.new_calendar(
            _("%(wheel)s – %(organization)s")
            % {"wheel": self.wheel, "organization": self.organization.name}
        )
        ical.add_entries(
            calendar,
            org_slug=self.organization.slug,
            events=events if event_ids else [],
            occurrences=[placed.occurrence for placed in content.items],
            reminder_days=ical.usable_reminder_days(user_of(request).reminder_days),
            host=ical.site_host(),
            stamp=ical.now_stamp(),
        )
        response = HttpResponse(ical.to_bytes(calendar), content_type=ical.CONTENT_TYPE)
        label = self.wheel.label.replace("/", "-")
        filename = f"arshjul-{self.organization.slug}-{label}.ics"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        # The organisation's plans: never kept by a shared cache.
        patch_cache_control(response, private=True, no_store=True)
        return response


class SubscriptionView(LoginRequiredMixin, TemplateView):
    """``/accounts/calendar/``: the person's own feed URL, how to subscribe to it, and a new
    URL when the old one has gone astray (which stops the old one)."""

    template_name = "yearwheel/calendars/subscription.html"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = user_of(self.request)
        subscription = CalendarSubscription.objects.filter(user=user).first()
        memberships = feeds.visible_memberships(user)
        context.update(
            subscription=subscription,
            feed_url=feeds.feed_url(subscription) if subscription else "",
            webcal_url=feeds.webcal_url(subscription) if subscription else "",
            reminder_days=ical.usable_reminder_days(user.reminder_days),
            organizations=[membership.organization for membership in memberships],
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _subscription, created = feeds.create_or_regenerate(user_of(request))
        if created:
            messages.success(
                request, _("Your calendar link is ready. Add it to your calendar program.")
            )
        else:
            messages.success(
                request,
                _(
                    "You have a new calendar link. The old link no longer works: replace it in "
                    "your calendar programs."
                ),
            )
        return redirect("calendar_subscription")


class FeedView(View):
    """``/calendar/<token>.ics``: the person's feed, fetched by calendar programs without a
    login. Any token that does not check out gets the ordinary 404 page."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        subscription = feeds.subscription_for_token(kwargs["token"])
        if subscription is None:
            raise Http404
        user, today = subscription.user, timezone.localdate()
        state = feed_cache.feed_state(user, today=today)
        feeds.record_fetch(subscription)
        # An unchanged feed: 304 from the key alone (If-None-Match), or from when the body
        # was built (If-Modified-Since), without reading or building the body.
        if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
            built = feed_cache.built_at(state)
            last_modified = int(built.timestamp()) if built is not None else None
            not_modified = get_conditional_response(
                request, etag=state.etag, last_modified=last_modified
            )
            if not_modified is not None:
                return self._headers(not_modified, state.etag, built)
        body, built = feed_cache.feed_body(user, state, today=today)
        response = HttpResponse(body, content_type=ical.CONTENT_TYPE)
        response["Content-Disposition"] = 'inline; filename="tiltakshjulet.ics"'
        return self._headers(response, state.etag, built)

    def _headers(
        self, response: HttpResponseBase, etag: str, built: datetime | None
    ) -> HttpResponseBase:
        response["ETag"] = etag
        if built is not None:
            response["Last-Modified"] = http_date(built.timestamp())
        patch_cache_control(response, private=True, max_age=FEED_CACHE_SECONDS)
        return response


@dataclass(frozen=True)
class PreviewRow:
    """A row of the preview with what a person reads: the kind, the rule in words, the
    people it will have."""

    row: ImportRow
    kind: str
    rule: str
    responsible: str
    participants: list[str]


class ImportMixin(OrganizationViewMixin):
    permission_required = "yearwheel.manage_wheel"

    def salt(self) -> str:
        # Bound to the organisation and the person: a preview cannot be confirmed elsewhere.
        return f"yearwheel.import.{self.organization.pk}.{self.request.user.pk}"


class ImportUploadView(ImportMixin, TemplateView):
    """``wheel/import/``: upload a calendar file → preview of every event with what would
    happen to it. Nothing is saved here."""

    template_name = "yearwheel/calendars/import.html"
    http_method_names = ["get", "post"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if "form" not in context:
            context["form"] = CalendarImportForm(organization=self.organization)
        context.update(
            max_events=MAX_EVENTS,
            max_megabytes=MAX_UPLOAD_BYTES // (1024 * 1024),
            has_rings=own_rings(self.organization).exists(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CalendarImportForm(request.POST, request.FILES, organization=self.organization)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            parsed = read_calendar(form.cleaned_data["file"])
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.render_to_response(self.get_context_data(form=form))
        match_existing(parsed, self.organization)
        return self.preview(form, parsed)

    def preview(self, form: CalendarImportForm, parsed: ParsedCalendar) -> HttpResponse:
        ring, kind = form.cleaned_data["ring"], form.chosen_kind()
        members = match_people(parsed, self.organization)
        kinds = guessed_kinds(parsed.importable)
        message = ""
        signed = ""
        to_save = [row for row in parsed.importable if row.status != UNCHANGED]
        if to_save:
            signed = signing.dumps(
                {
                    **payload(ring=ring, kind=kind, rows=parsed.importable, kinds=kinds),
                    "token": new_token(),
                },
                salt=self.salt(),
                compress=True,
            )
            if len(signed) > MAX_PAYLOAD_CHARACTERS:
                signed = ""
                message = _(
                    "The file holds too much text to be imported in one go. Export a shorter "
                    "period and import it in parts."
                )
        shown = parsed.rows[:PREVIEW_ROWS_SHOWN]
        new_rows = [row for row in parsed.importable if row.status == NEW]
        return self.render_to_response(
            self.get_context_data(
                form=form,
                parsed=parsed,
                counts=parsed.counts,
                shown_rows=self.preview_rows(shown, kinds, kind, members),
                hidden_count=max(len(parsed.rows) - len(shown), 0),
                to_save_count=len(to_save),
                ring=ring,
                mapping_form=KindMappingForm(
                    counts=category_counts(parsed.importable), kinds=kinds, default=kind
                ),
                without_organizer=sum(1 for row in new_rows if row.responsible_id is None),
                unknown_attendees=sorted(
                    {email for row in parsed.importable for email in row.unknown_attendees}
                ),
                payload=signed,
                message=message,
            )
        )

    def preview_rows(
        self,
        rows: list[ImportRow],
        kinds: dict[str, str],
        default: str,
        members: dict[int, Any],
    ) -> list[PreviewRow]:
        labels = dict(Kind.choices)
        importer = str(user_of(self.request))
        return [
            PreviewRow(
                row=row,
                kind=str(labels[kind_of_row(row, kinds, default)]),
                rule=describe_rule(row.rrule, row.start_date),
                responsible=(
                    str(members[row.responsible_id]) if row.responsible_id in members else importer
                ),
                participants=[str(members[pk]) for pk in row.participant_ids if pk in members],
            )
            for row in rows
        ]


class ImportConfirmView(ImportMixin, View):
    """``wheel/import/confirm/`` (POST only): saves the previewed rows, all or none."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        back = redirect("event_import", self.organization.slug)
        try:
            data = signing.loads(
                request.POST.get("payload", ""), salt=self.salt(), max_age=PREVIEW_MAX_AGE
            )
            ring_id, kind, kinds, rows = rows_from_payload(data)
            token = str(data["token"])
        except signing.SignatureExpired:
            messages.error(
                request, _("The preview is more than an hour old. Upload the file again.")
            )
            return back
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            messages.error(request, _("The import could not be confirmed. Upload the file again."))
            return back
        if "default_kind" in request.POST:  # the preview's choices; a bare payload keeps its own
            mapping = KindMappingForm(
                request.POST, counts=category_counts(rows), kinds=kinds, default=kind
            )
            if not mapping.is_valid():
                messages.error(
                    request, _("The kinds chosen for the categories could not be read. Try again.")
                )
                return back
            kinds, kind = mapping.mapping()
        ring = own_rings(self.organization).filter(pk=ring_id).first()
        if ring is None:
            messages.error(
                request,
                _("The ring chosen for the import is no longer available. Choose another."),
            )
            return back
        try:
            # Once per preview: a double click or a retry shows what the first confirmation did.
            done = import_once(
                token=token,
                kind="calendar",
                organization=self.organization,
                user=user_of(request),
                save=lambda: apply_import(
                    organization=self.organization,
                    user=user_of(request),
                    ring=ring,
                    kind=kind,
                    rows=rows,
                    kinds=kinds,
                ).as_json(),
            )
        except IntegrityError:
            # Two previews of the same file confirmed at once: the other one made the events.
            messages.error(
                request,
                _("The events were being imported at the same time. Upload the file again."),
            )
            return back
        outcome = ImportOutcome.from_json(done.values)
        success_once(request, outcome_message(outcome))
        wheel = wheel_for(self.organization, outcome.first_date)
        if wheel is not None:
            return redirect(wheel.get_absolute_url())
        return redirect(reverse("wheel_index", kwargs={"org_slug": self.organization.slug}))
