"""A person's own sessions, and an administrator ending a member's (a password change or
reset ends the other sessions: signin/views.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from organizations.models import Membership
from organizations.views.base import OrganizationViewMixin, user_of
from usersessions.agents import describe_agent
from usersessions.models import UserSession
from usersessions.services import member_sign_out, sessions_end


@dataclass
class SessionRow:
    session: UserSession
    is_current: bool
    description: str


class SessionListView(LoginRequiredMixin, TemplateView):
    """``/accounts/sessions/``: where the person is signed in; POST ``end`` with a session's
    public id ends that one, ``end=others`` every one but this."""

    template_name = "usersessions/session_list.html"

    def sessions(self) -> list[SessionRow]:
        current = self.request.session.session_key
        sessions = (
            UserSession.objects.filter(user=user_of(self.request))
            .live(timezone.now())
            .order_by("-last_activity")
        )
        rows = [
            SessionRow(s, s.session_key == current, describe_agent(s.user_agent)) for s in sessions
        ]
        rows.sort(key=lambda row: not row.is_current)
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        sessions = self.sessions()
        return {
            **super().get_context_data(**kwargs),
            "sessions": sessions,
            "has_others": len(sessions) > 1,
            "idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
            "max_hours": settings.SESSION_ABSOLUTE_TIMEOUT // 3600,
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = user_of(request)
        current = request.session.session_key
        choice = request.POST.get("end", "")
        if choice == "others":
            count = sessions_end(user=user, keep=current)
            messages.success(
                request,
                ngettext(
                    "%(count)s other session is ended.",
                    "%(count)s other sessions are ended.",
                    count,
                )
                % {"count": count},
            )
            return redirect("session_list")
        chosen = [
            s
            for s in UserSession.objects.filter(user=user).exclude(session_key=current)
            if s.public_id == choice
        ]
        if chosen:
            UserSession.objects.filter(pk=chosen[0].pk).delete()
            messages.success(request, _("The session is ended."))
        else:
            messages.info(request, _("That session had already ended."))
        return redirect("session_list")


class MemberSignOutView(OrganizationViewMixin, TemplateView):
    """``/o/<org>/members/<pk>/sign-out/``: an administrator ends every session of a member
    (a lost laptop, a person who left in a hurry); the confirmation says it reaches beyond
    this organisation."""

    permission_required = "organizations.manage_members"
    template_name = "usersessions/member_sign_out.html"
    target: Membership

    def load_objects(self) -> None:
        self.target = self.get_for_organization(
            Membership.objects.select_related("user"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "target": self.target,
            "session_count": UserSession.objects.filter(user=self.target.user)
            .live(timezone.now())
            .count(),
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        record = member_sign_out(membership=self.target)
        messages.success(
            request,
            ngettext(
                "%(name)s is logged out everywhere (%(count)s session ended).",
                "%(name)s is logged out everywhere (%(count)s sessions ended).",
                record.session_count,
            )
            % {"name": self.target.user, "count": record.session_count},
        )
        return redirect("member_list", org_slug=self.organization.slug)
