"""Pages of one organisation, mounted under ``/o/<org_slug>/``."""

from django.urls import path

from signin import views

urlpatterns = [
    path("lockouts/", views.LockoutListView.as_view(), name="lockout_list"),
    path("lockouts/<int:pk>/release/", views.LockoutReleaseView.as_view(), name="lockout_release"),
]
