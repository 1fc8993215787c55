"""/healthz: for load balancers and monitoring, public and small."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from health.checks import run_checks


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer and the periodic work runs, else 503;
    within 2 s whatever hangs (health/checks.py)."""
    report = run_checks()
    return JsonResponse(report.as_dict(), status=200 if report.healthy else 503)
