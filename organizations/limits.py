"""What the product accepts in one request, told to people in their own words.

Django refuses a request whose form text passes ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes
(``RequestDataTooBig``) or that holds more than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields
(``TooManyFieldsSent``). The error pages (organizations/views/errors.py) name these limits,
and every page hands them to the browser (``form_limits``, data attributes on ``<body>``), whose
check (static/js/form-limits.js) stops a form that would be refused before it is sent, so what
was typed stays in it. Files have their own limit, set on each file field (measures/uploads.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024


def megabytes(size: int) -> str:
    """A size in bytes as megabytes the Norwegian way: 2,5 or 10."""
    value = (Decimal(size) / MEGABYTE).quantize(Decimal("0.1"))
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return number_format(value, force_grouping=True)


def whole_number(value: int) -> str:
    """1 000, with the thousands apart, in every language."""
    return number_format(value, force_grouping=True)


def mark_file_limit(field: forms.Field, max_bytes: int) -> None:
    """Tells the browser's check the largest file this field takes (the form still checks)."""
    field.widget.attrs["data-max-bytes"] = str(max_bytes)


def form_limits(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the limits and the messages the browser's check shows. ``{size}``,
    ``{count}``, ``{name}`` and ``{max}`` are filled in by the script."""
    max_bytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    return {
        "form_limits": {
            # As text: a number in a template would be written the Norwegian way (1 000).
            "max_bytes": str(max_bytes or ""),
            "max_fields": str(max_fields or ""),
            "too_large": _(
                "The text in this form comes to %(size)s MB, and at most %(max)s MB can be "
                "sent at once. Nothing was sent, and what you typed is still here: shorten "
                "the longest texts, or put long material in a document and upload it."
            )
            % {"size": "{size}", "max": megabytes(max_bytes) if max_bytes else ""},
            "too_many": _(
                "This form has %(count)s fields, and at most %(max)s can be sent at once. "
                "Nothing was sent, and what you filled in is still here: save it in smaller "
                "parts."
            )
            % {"count": "{count}", "max": whole_number(max_fields) if max_fields else ""},
            "file_too_large": _(
                "The file “%(name)s” is %(size)s MB, and files can be at most %(max)s MB. "
                "Nothing was sent: choose a smaller file, or split it."
            )
            % {"name": "{name}", "size": "{size}", "max": "{max}"},
        }
    }
