"""The annual wheel, mounted under ``/o/<org_slug>/``.

Wheels are addressed by their planning year (the calendar year the year starts in); rings and
events belong to the organisation and are shared by every year's wheel.
"""

from django.urls import path

from organizations.throttle import guard_tokens
from yearwheel.views import agenda, calendars, events, rings, wheel, wheels

Y = "wheel/<int:year>"

urlpatterns = [
    path("wheel/", wheels.WheelIndexView.as_view(), name="wheel_index"),
    path("wheel/new/", wheels.WheelCreateView.as_view(), name="wheel_create"),
    path(f"{Y}/", wheel.WheelView.as_view(), name="wheel_detail"),
    path(f"{Y}/agenda/", agenda.AgendaView.as_view(), name="wheel_agenda"),
    path(f"{Y}/print/", wheel.WheelPrintView.as_view(), name="wheel_print"),
    path(f"{Y}/pdf/", wheel.WheelPdfView.as_view(), name="wheel_pdf"),
    path(f"{Y}/calendar.ics", calendars.WheelCalendarView.as_view(), name="wheel_ics"),
    path(f"{Y}/edit/", wheels.WheelUpdateView.as_view(), name="wheel_update"),
    path(f"{Y}/template/", wheels.ApplyTemplateView.as_view(), name="wheel_apply_template"),
    path("wheel/rings/", rings.RingListView.as_view(), name="ring_list"),
    path("wheel/rings/new/", rings.RingCreateView.as_view(), name="ring_create"),
    path("wheel/rings/<int:pk>/edit/", rings.RingUpdateView.as_view(), name="ring_update"),
    path("wheel/rings/<int:pk>/move/", rings.RingMoveView.as_view(), name="ring_move"),
    path("wheel/rings/<int:pk>/archive/", rings.RingArchiveView.as_view(), name="ring_archive"),
    path("wheel/rings/<int:pk>/restore/", rings.RingRestoreView.as_view(), name="ring_restore"),
    path("wheel/events/new/", events.EventCreateView.as_view(), name="event_create"),
    path("wheel/events/<int:pk>/", events.EventDetailView.as_view(), name="event_detail"),
    path("wheel/events/<int:pk>/edit/", events.EventUpdateView.as_view(), name="event_update"),
    path("wheel/events/<int:pk>/skip/", events.EventSkipView.as_view(), name="event_skip"),
    path("wheel/events/<int:pk>/move/", events.EventMoveView.as_view(), name="event_move"),
    path("wheel/events/<int:pk>/archive/", events.EventArchiveView.as_view(), name="event_archive"),
    path("wheel/events/<int:pk>/restore/", events.EventRestoreView.as_view(), name="event_restore"),
    path("wheel/import/", calendars.ImportUploadView.as_view(), name="event_import"),
    path(
        "wheel/import/confirm/", calendars.ImportConfirmView.as_view(), name="event_import_confirm"
    ),
]

# Outside any organisation: a person's own calendar feed covers every organisation they are
# a member of (mounted in config/urls.py).
account_urlpatterns = [
    path("accounts/calendar/", calendars.SubscriptionView.as_view(), name="calendar_subscription"),
    # Every wrong token counts against the client's address (organizations/throttle.py).
    path(
        "calendar/<str:token>.ics", guard_tokens(calendars.FeedView.as_view()), name="calendar_feed"
    ),
]
