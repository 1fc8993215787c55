"""Planning learning meetings: the list, a new meeting, correcting one, archiving, and the
organisation's action items. The meeting's own page, where it is run, is in run.py.

Every member reads the lists. Planners add meetings on any measure or programme; team leads on
the measures they lead (``reflections.add_meeting``, with the form limiting the choices).
Planners and the measure's team lead correct and archive a meeting (``reflections.run_meeting``),
closed ones included: a wrong date or a forgotten participant is still worth putting right.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import CreateView, ListView, UpdateView

from measures.models import Measure, Program
from measures.rules import is_planner
from organizations.formtools import choice_from_query
from organizations.models import User
from organizations.views.base import ArchiveView, OrganizationViewMixin, query_without_page, user_of
from reflections.forms.meetings import (
    ALL,
    ActionItemFilterForm,
    MeetingFilterForm,
    MeetingForm,
)
from reflections.meetings import default_agenda, default_title, with_open_item_counts
from reflections.models import ActionItem, LearningMeeting
from reflections.views.base import MeetingViewMixin
from reflections.views.run import STATUS_BUTTONS, UPDATE_ITEM

VIEW = "reflections.view_reflections"
RUN = "reflections.run_meeting"
PAGE_SIZE = 25


# --- the list --------------------------------------------------------------------------------


def filter_meetings(
    queryset: QuerySet[LearningMeeting], data: dict[str, Any]
) -> QuerySet[LearningMeeting]:
    """Applies the list's validated filters (see MeetingFilterForm)."""
    if not data.get("archived"):
        queryset = queryset.filter(is_archived=False)
    # A measure's meeting carries the measure's programme, so this finds both kinds.
    if data.get("program"):
        queryset = queryset.filter(program=data["program"])
    if data.get("measure"):
        queryset = queryset.filter(measure=data["measure"])
    if data.get("state"):
        queryset = queryset.filter(state=data["state"])
    return queryset


class MeetingListView(OrganizationViewMixin, ListView):
    """The coming meetings (all of them, soonest first) and the past ones (newest first, a
    page at a time), each with its number of open action items: four queries however many."""

    permission_required = VIEW
    template_name = "reflections/meetings/list.html"
    context_object_name = "past_meetings"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[LearningMeeting]:
        self.filter_form = MeetingFilterForm(
            self.request.GET or None, organization=self.organization
        )
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        meetings = filter_meetings(
            with_open_item_counts(
                LearningMeeting.objects.filter(organization=self.organization).select_related(
                    "measure", "program"
                )
            ),
            data,
        )
        today = timezone.localdate()
        self.upcoming = list(meetings.filter(date__gte=today).order_by("date", "start_time", "pk"))
        return meetings.filter(date__lt=today).order_by("-date", "-start_time", "-pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            filter_form=self.filter_form,
            upcoming=self.upcoming,
            can_add=self.request.user.has_perm("reflections.add_meeting", self.organization),
            query_without_page=query_without_page(self.request),
        )
        return context


# --- new and edit ----------------------------------------------------------------------------


class MeetingFormMixin(OrganizationViewMixin):
    template_name: str | None = "reflections/meetings/form.html"
    form_class: type[BaseForm] | None = MeetingForm
    request: HttpRequest

    def is_planner(self) -> bool:
        return bool(is_planner.test(self.request.user, self.organization))

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        return {
            **kwargs,
            "organization": self.organization,
            "user": user_of(self.request),
            "planner": self.is_planner(),
        }

    def form_valid(self, form: MeetingForm) -> HttpResponse:
        # The meeting and its participants are saved together or not at all.
        with transaction.atomic():
            if form.instance.pk is None:
                form.instance.created_by = user_of(self.request)
            meeting = form.save()
        messages.success(self.request, _("“%(title)s” is saved.") % {"title": meeting.title})
        return redirect(meeting.get_absolute_url())


class MeetingCreateView(MeetingFormMixin, CreateView):
    """A new meeting. ``?measure=<pk>`` (and, for planners, ``?program=<pk>``) fills in the
    subject, a title and the measure's people; ``?date=YYYY-MM-DD`` the date (the annual wheel
    links here with both)."""

    permission_required = "reflections.add_meeting"

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_initial()
        query = self.request.GET
        form = MeetingForm(
            organization=self.organization,
            user=user_of(self.request),
            planner=self.is_planner(),
        )
        try:
            initial["date"] = date.fromisoformat(query.get("date", ""))
        except ValueError:
            initial["date"] = timezone.localdate()
        initial["agenda"] = default_agenda(self.organization)
        measure = choice_from_query(form, "measure", query.get("measure", ""))
        if isinstance(measure, Measure):
            initial["measure"] = measure.pk
            initial["title"] = default_title(self.organization, measure)
            people = [measure.team_lead_id, *measure.contributors.values_list("pk", flat=True)]
            initial["participants"] = list(
                form.fields["participants"]
                .queryset.filter(pk__in=[pk for pk in people if pk])  # type: ignore[attr-defined]
                .values_list("pk", flat=True)
            )
        elif "program" in form.fields:
            program = choice_from_query(form, "program", query.get("program", ""))
            if isinstance(program, Program):
                initial["program"] = program.pk
                initial["title"] = default_title(self.organization, program)
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            title=_("Plan a learning meeting"),
            cancel_url=reverse("meeting_list", args=[self.organization.slug]),
            no_measures=not self.is_planner() and not form.fields["measure"].queryset.exists(),
        )
        return context


class MeetingUpdateView(MeetingViewMixin, MeetingFormMixin, UpdateView):
    permission_required = RUN

    def get_object(self, queryset: Any = None) -> LearningMeeting:
        return self.meeting

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Edit the meeting"),
            cancel_url=self.meeting.get_absolute_url(),
            can_archive=True,  # the same permission as this page
        )
        return context


class MeetingArchiveView(MeetingViewMixin, ArchiveView):
    """Archives (``archive=True``) or restores a meeting; an archived meeting leaves the
    lists, the measure page and the annual wheel, and keeps everything it recorded."""

    permission_required = RUN

    def get_archivable(self) -> LearningMeeting:
        return self.meeting


# --- action items ----------------------------------------------------------------------------


def filter_action_items(
    queryset: QuerySet[ActionItem], data: dict[str, Any], user: User, today: date
) -> QuerySet[ActionItem]:
    """Applies the list's validated filters (see ActionItemFilterForm): the open items unless
    another status is chosen; "overdue" means open and past the due date."""
    status = data.get("status") or ActionItem.Status.OPEN
    if status != ALL:
        queryset = queryset.filter(status=status)
    if data.get("overdue"):
        queryset = queryset.filter(status=ActionItem.Status.OPEN, due_date__lt=today)
    if data.get("mine"):
        queryset = queryset.filter(owner=user)
    if data.get("measure"):
        queryset = queryset.filter(meeting__measure=data["measure"])
    return queryset


class ActionItemListView(OrganizationViewMixin, ListView):
    """The organisation's action items (of meetings not archived), each linking to its place
    on its meeting's page: three queries however many."""

    permission_required = VIEW
    template_name = "reflections/meetings/action_items.html"
    context_object_name = "items"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[ActionItem]:
        self.filter_form = ActionItemFilterForm(
            self.request.GET or None, organization=self.organization
        )
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        items = ActionItem.objects.filter(
            organization=self.organization, meeting__is_archived=False
        ).select_related("owner", "meeting", "meeting__measure", "meeting__program")
        # The participants answer "may this person tick the item off?" without a query each.
        items = items.prefetch_related("meeting__participants")
        return filter_action_items(
            items, data, user_of(self.request), timezone.localdate()
        ).order_by("due_date", "pk")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        items = context["items"]
        for item in items:
            # Found inside this organisation: the permission checks need no query to know it.
            item.organization = item.meeting.organization = self.organization
        user = self.request.user
        context.update(
            updatable={item.pk for item in items if user.has_perm(UPDATE_ITEM, item)},
            status_buttons=STATUS_BUTTONS,
            filter_form=self.filter_form,
            today=timezone.localdate(),
            query_without_page=query_without_page(self.request),
        )
        return context
