"""The person's sessions (under ``/accounts/``) and an administrator's sign-out of a member
(under ``/o/<org_slug>/``)."""

from django.urls import path

from usersessions import views

account_urlpatterns = [
    path("accounts/sessions/", views.SessionListView.as_view(), name="session_list"),
]

urlpatterns = [
    path(
        "members/<int:pk>/sign-out/",
        views.MemberSignOutView.as_view(),
        name="member_sign_out",
    ),
]
