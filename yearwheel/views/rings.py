"""The rings of the organisation's annual wheels: list, new, edit, reorder, archive, restore.

Every member sees the rings; coordinators and admins change them (``yearwheel.manage_wheel``).
System rings (``Ring.source``) may be renamed, recoloured, reordered, hidden and archived, but
what they show stays fixed. Archiving a ring takes its events off the wheel; restoring it
brings them back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, TemplateView, UpdateView

from organizations.views.base import ArchiveView, OrganizationViewMixin
from yearwheel.forms import RingForm
from yearwheel.models import Ring
from yearwheel.services import ring_move
from yearwheel.system_rings import ensure_system_rings

MANAGE = "yearwheel.manage_wheel"


class RingListView(OrganizationViewMixin, TemplateView):
    permission_required = "yearwheel.view_wheel"
    template_name = "yearwheel/rings/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rings = list(
            Ring.objects.filter(organization=self.organization).annotate(
                event_count=Count("events", filter=Q(events__is_archived=False))
            )
        )
        rings = ensure_system_rings(self.organization, rings)
        active = [ring for ring in rings if not ring.is_archived]
        context.update(
            rings=active,
            archived_rings=[ring for ring in rings if ring.is_archived],
            can_manage=self.request.user.has_perm(MANAGE, self.organization),
        )
        return context


class RingFormMixin(OrganizationViewMixin):
    permission_required = MANAGE
    template_name: str | None = "yearwheel/rings/form.html"
    form_class: type[BaseForm] | None = RingForm
    request: HttpRequest

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()  # type: ignore[misc]
        return {**kwargs, "organization": self.organization}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = reverse("ring_list", args=[self.organization.slug])
        return context

    def form_valid(self, form: RingForm) -> HttpResponse:
        ring = form.save()
        messages.success(self.request, _("The ring “%(name)s” is saved.") % {"name": ring.name})
        return redirect(f"{ring.get_absolute_url()}#ring-{ring.pk}")


class RingCreateView(RingFormMixin, CreateView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = _("New ring")
        return context

    def form_valid(self, form: RingForm) -> HttpResponse:
        last = Ring.objects.filter(organization=self.organization).aggregate(last=Max("position"))[
            "last"
        ]
        form.instance.position = 0 if last is None else last + 1
        return super().form_valid(form)


class RingMixin(OrganizationViewMixin):
    ring: Ring

    def load_objects(self) -> None:
        self.ring = self.get_for_organization(Ring.objects.all(), pk=self.kwargs["pk"])
        self.ring.organization = self.organization


class RingUpdateView(RingMixin, RingFormMixin, UpdateView):
    def get_object(self, queryset: Any = None) -> Ring:
        return self.ring

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(title=_("Edit ring “%(name)s”") % {"name": self.ring.name}, ring=self.ring)
        return context


class RingMoveView(RingMixin, View):
    """POST ``direction=up`` or ``down``: swaps the ring with its neighbour."""

    permission_required = MANAGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
        if step:
            ring_move(ring=self.ring, step=step)
        return redirect(f"{self.ring.get_absolute_url()}#ring-{self.ring.pk}")


class RingArchiveView(RingMixin, ArchiveView):
    permission_required = MANAGE

    def get_archivable(self) -> Ring:
        return self.ring


class RingRestoreView(RingArchiveView):
    archive = False
