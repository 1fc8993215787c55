"""Placeholder: being written."""

from django.views import View


class WheelCalendarView(View):
    pass


class ImportUploadView(View):
    pass


class ImportConfirmView(View):
    pass


class SubscriptionView(View):
    pass


class FeedView(View):
    pass
