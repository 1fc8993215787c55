"""URLs of this area, mounted under /o/<org_slug>/ (see measures/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
