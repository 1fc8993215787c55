"""Placeholder: being written."""

from django.views import View


class WheelView(View):
    pass


class WheelPrintView(View):
    pass


class WheelPdfView(View):
    pass
