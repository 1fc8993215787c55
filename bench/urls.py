"""The floor page, mounted under ``/o/<org_slug>/`` only when ``BENCH_FLOOR_PAGE`` is on."""

from django.urls import path

from bench import views

urlpatterns = [
    path("bench/floor/", views.FloorView.as_view(), name="bench_floor"),
]
