"""The reminders' pages. ``urlpatterns`` are mounted under ``/o/<org_slug>/``;
``personal_urlpatterns`` at the root (a person's notifications span organisations)."""

from django.urls import path

from notifications import views

urlpatterns = [
    path("reminders/", views.ReminderProblemsView.as_view(), name="reminder_problems"),
]

personal_urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path(
        "notifications/read/",
        views.NotificationReadAllView.as_view(),
        name="notification_read_all",
    ),
    path(
        "notifications/<int:pk>/open/",
        views.NotificationOpenView.as_view(),
        name="notification_open",
    ),
]
