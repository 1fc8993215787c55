"""Phase pages, mounted under ``/o/<org_slug>/``; each area has its own URL module."""

from django.urls import include, path

urlpatterns = [
    path("", include("phases.urls_gates")),
    path("", include("phases.urls_planning")),
    path("", include("phases.urls_roundabout")),
    path("", include("phases.urls_adoption")),
]
