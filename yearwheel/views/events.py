"""Placeholder: being written."""

from django.views import View


class EventCreateView(View):
    pass


class EventDetailView(View):
    pass


class EventUpdateView(View):
    pass


class EventSkipView(View):
    pass


class EventArchiveView(View):
    pass


class EventRestoreView(View):
    pass
