"""Placeholder: being written."""

from django.views import View


class RingListView(View):
    pass


class RingCreateView(View):
    pass


class RingUpdateView(View):
    pass


class RingMoveView(View):
    pass


class RingArchiveView(View):
    pass


class RingRestoreView(View):
    pass
