"""The organisation's annual wheels: the list, a new wheel, its title and introduction, and
the municipal planning cycle (yearwheel/planning_cycle.py).

Every member sees the wheels; coordinators and admins make and change them
(``yearwheel.manage_wheel``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView, UpdateView

from organizations.views.base import OrganizationViewMixin, user_of
from yearwheel import planning_cycle
from yearwheel.forms import WheelCreateForm, WheelUpdateForm
from yearwheel.models import Wheel
from yearwheel.services import WheelExists, planning_cycle_apply, wheel_create
from yearwheel.views.base import WheelViewMixin

MANAGE = "yearwheel.manage_wheel"


def say_moved(request: HttpRequest, wheel: Wheel) -> None:
    """Names the planning-cycle items whose weekend date moved to a working day."""
    moved = [item.title for item in planning_cycle.plan(wheel) if item.moved_from]
    if moved:
        messages.info(
            request,
            _(
                "Moved from a weekend to the nearest working day (Saturday to Friday, Sunday "
                "to Monday): %(items)s."
            )
            % {"items": "; ".join(moved)},
        )


class WheelIndexView(OrganizationViewMixin, TemplateView):
    permission_required = "yearwheel.view_wheel"
    template_name = "yearwheel/wheels/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        wheels = list(Wheel.objects.filter(organization=self.organization).order_by("-year"))
        for wheel in wheels:
            wheel.organization = self.organization
        context.update(
            wheels=wheels,
            current=next((wheel for wheel in wheels if wheel.contains(today)), None),
            can_manage=self.request.user.has_perm(MANAGE, self.organization),
            can_add_event=self.request.user.has_perm("yearwheel.add_event", self.organization),
        )
        return context


class WheelCreateView(OrganizationViewMixin, FormView):
    permission_required = MANAGE
    template_name = "yearwheel/wheels/form.html"
    form_class = WheelCreateForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(title=_("New annual wheel"), submit_label=_("Make the annual wheel"))
        return context

    def form_valid(self, form: WheelCreateForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            wheel = wheel_create(
                organization=self.organization,
                user=user_of(self.request),
                year=data["year"],
                start_month=data["start_month"],
                title=data["title"],
                introduction=data["introduction"],
                apply_template=data["apply_template"],
            )
        except WheelExists:
            form.add_error(
                "year",
                _("There is already an annual wheel for the planning year %(year)s.")
                % {"year": data["year"]},
            )
            return self.form_invalid(form)
        messages.success(self.request, _("The annual wheel %(wheel)s is made.") % {"wheel": wheel})
        if data["apply_template"]:
            say_moved(self.request, wheel)
        return redirect(wheel.get_absolute_url())


class WheelUpdateView(WheelViewMixin, UpdateView):
    permission_required = MANAGE
    template_name = "yearwheel/wheels/form.html"
    form_class = WheelUpdateForm

    def get_object(self, queryset: Any = None) -> Wheel:
        return self.wheel

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Edit annual wheel %(years)s") % {"years": self.wheel.label},
            cancel_url=self.wheel.get_absolute_url(),
        )
        return context

    def form_valid(self, form: WheelUpdateForm) -> HttpResponse:
        wheel = form.save()
        messages.success(self.request, _("The annual wheel is saved."))
        return redirect(wheel.get_absolute_url())


class ApplyTemplateView(WheelViewMixin, TemplateView):
    """GET shows what the municipal planning cycle would add; POST adds it."""

    permission_required = MANAGE
    template_name = "yearwheel/wheels/apply_template.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        items = planning_cycle.plan(self.wheel)
        context.update(
            items=items,
            missing=[item for item in items if not item.present],
            moved=[item for item in items if item.moved_from],
            new_rings=sorted(
                {item.ring_name for item in items if not item.present and not item.ring_exists}
            ),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        added = planning_cycle_apply(wheel=self.wheel, user=user_of(request))
        if added:
            messages.success(
                request,
                ngettext(
                    "%(count)s item of the planning cycle is added.",
                    "%(count)s items of the planning cycle are added.",
                    added,
                )
                % {"count": added},
            )
            say_moved(request, self.wheel)
        else:
            messages.info(request, _("The wheel already has every item of the planning cycle."))
        return redirect(self.wheel.get_absolute_url())
