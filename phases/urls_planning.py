"""URLs of this area, mounted under /o/<org_slug>/ (see phases/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
