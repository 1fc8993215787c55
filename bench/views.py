"""The floor page: the least a logged-in page of an organisation costs.

It passes the same middleware (session, second factor, tenant, CSP, history) and renders the
same base layout as every page of the product, with 25 measures read by one query. Whatever a
key page costs beyond this is the page's own work, so `make bench` states each page's
throughput as a share of this page's, measured in the same run on the same machine.
"""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from measures.models import Measure
from organizations.views.base import OrganizationViewMixin

FLOOR_MEASURES = 25


class FloorView(OrganizationViewMixin, TemplateView):
    permission_required = "organizations.view_organization"
    template_name = "bench/floor.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["measures"] = list(
            Measure.objects.filter(organization=self.organization, is_archived=False)
            .only("pk", "name", "phase", "status")
            .order_by("name", "pk")[:FLOOR_MEASURES]
        )
        return context
