"""URLs of this area, mounted under /o/<org_slug>/ (see phases/urls.py): taking a measure
shared by a partner into use."""

from django.urls import URLPattern, path

from phases.views import adoption

urlpatterns: list[URLPattern] = [
    path(
        "shared/measures/<int:measure_pk>/adopt/",
        adoption.MeasureAdoptView.as_view(),
        name="measure_adopt",
    ),
]
