"""Placeholder: being written."""

from django.views import View


class WheelIndexView(View):
    pass


class WheelCreateView(View):
    pass


class WheelUpdateView(View):
    pass


class ApplyTemplateView(View):
    pass
