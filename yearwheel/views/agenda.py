"""Placeholder: being written."""

from django.views import View


class AgendaView(View):
    pass
