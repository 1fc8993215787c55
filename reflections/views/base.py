"""Shared by the views of one learning meeting: the meeting is loaded once, inside the
organisation, and permissions are checked against it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from organizations.views.base import OrganizationViewMixin
from reflections.models import LearningMeeting


class MeetingViewMixin(OrganizationViewMixin):
    """For URLs under ``/o/<org_slug>/meetings/<pk>/``: ``self.meeting`` (404 when it belongs
    to another organisation). Participants are prefetched, so the permission checks
    (``reflections.rules.takes_part``) cost no queries."""

    meeting: LearningMeeting

    def get_meeting_queryset(self) -> QuerySet[LearningMeeting]:
        return LearningMeeting.objects.select_related(
            "measure", "measure__program", "program"
        ).prefetch_related("participants")

    def load_objects(self) -> None:
        self.meeting = self.get_for_organization(self.get_meeting_queryset(), pk=self.kwargs["pk"])
        # Found inside this organisation: saying so spares the permission check a query.
        self.meeting.organization = self.organization
        if self.meeting.measure is not None:
            self.meeting.measure.organization = self.organization

    def get_permission_object(self) -> Any:
        return self.meeting

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.meeting
        return context
