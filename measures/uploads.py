"""Uploaded files: checking them, storing them with their row, and serving them.

Shared by the knowledge base and the phase pages (laps, service components, evidence for
success factors), so every upload is checked, named, saved and served the same way. Plain
functions; the forms and views call them.
"""

from __future__ import annotations

import os
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.limits import mark_file_limit

_M = TypeVar("_M", bound=models.Model)

MAX_UPLOAD_MB = 10
MAX_UPLOAD_SIZE = MAX_UPLOAD_MB * 1024 * 1024

_ZIP = (b"PK\x03\x04",)
_TEXT = None  # plain text: checked for binary content instead of a signature
# Allowed extensions and how such a file's content starts. The browser's content type is
# not trusted: it comes from the person's machine, so the first bytes are checked instead.
ALLOWED_FILE_TYPES: dict[str, tuple[bytes, ...] | None] = {
    "pdf": (b"%PDF-",),
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
    "csv": _TEXT,
    "txt": _TEXT,
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
_UNICODE_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# Room for the upload folder ("knowledge/<organisation id>/", "evidence/…") and the suffix
# storage adds to a taken name, inside the file field's 100 characters.
MAX_NAME_LENGTH = 70


# --- checking an upload ------------------------------------------------------------------------


def _looks_like(head: bytes, signatures: tuple[bytes, ...] | None) -> bool:
    if signatures is None:
        return head.startswith(_UNICODE_BOMS) or b"\x00" not in head
    return head.startswith(signatures)


def check_upload(upload: UploadedFile) -> None:
    """Raises ValidationError unless the upload is a common document type of a sane size."""
    name = upload.name or ""
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension not in ALLOWED_FILE_TYPES:
        raise ValidationError(
            _("Files of this type (%(extension)s) cannot be uploaded. Allowed types: %(allowed)s."),
            code="file_type",
            params={
                "extension": f".{extension}" if extension else _("no extension"),
                "allowed": ", ".join(sorted({f".{key}" for key in ALLOWED_FILE_TYPES})),
            },
        )
    if upload.size is not None and upload.size > MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("The file is %(size)s MB; files can be at most %(max)s MB."),
            code="file_size",
            params={"size": f"{upload.size / 1024 / 1024:.1f}", "max": MAX_UPLOAD_MB},
        )
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if not _looks_like(head, ALLOWED_FILE_TYPES[extension]):
        raise ValidationError(
            _("The file's content does not match its type (.%(extension)s)."),
            code="file_content",
            params={"extension": extension},
        )


def shortened_name(name: str | None) -> str:
    """The upload's name without any folder, cut to ``MAX_NAME_LENGTH`` with its extension
    kept (in lower case): a long name is shortened rather than refused."""
    root, extension = os.path.splitext(os.path.basename(name or "file"))
    return f"{root[: MAX_NAME_LENGTH - len(extension)]}{extension.lower()}"


def clean_upload(value: Any) -> Any:
    """A form's ``clean_<file field>``: a new upload is checked (type, size, content) and its
    name shortened; anything else (no file, a cleared or kept one) passes unchanged."""
    if isinstance(value, UploadedFile):
        check_upload(value)
        value.name = shortened_name(value.name)
    return value


def prepare_upload_field(field: forms.Field) -> None:
    """Sets up a form's file field for ``clean_upload``: long names are shortened there instead
    of refused here, and the help text names the allowed types and size."""
    assert isinstance(field, forms.FileField)  # noqa: S101 - a programming error
    field.max_length = None
    mark_file_limit(field, MAX_UPLOAD_SIZE)
    field.help_text = gettext(
        "PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text or image files, at most %(max)s MB."
    ) % {"max": MAX_UPLOAD_MB}


# --- storing it with its row -------------------------------------------------------------------


def delete_file_on_commit(storage: Storage, name: str) -> None:
    """Removes a replaced or deleted upload once the change is committed (never before: a
    rolled-back change must still find its file)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def save_with_upload(
    form: forms.BaseModelForm[_M], field_name: str, folder: str, *, keep_replaced: bool = False
) -> _M:
    """Saves a model form with a file field atomically and returns its instance. A replaced
    file is removed once the change is committed, unless ``keep_replaced`` (when the row's
    history still points at it); a new upload is removed again when the row could not be
    saved, and the error raised on.

    ``folder`` is where the field's ``upload_to`` stores files: only a stored upload has it in
    front of its name, so a name without it was never stored and is left alone.
    """
    instance = form.save(commit=False)
    replaced = ""
    if not keep_replaced and instance.pk and field_name in form.changed_data:
        replaced = (
            type(instance)
            ._default_manager.filter(pk=instance.pk)
            .values_list(field_name, flat=True)[0]
        )
    upload: FieldFile = getattr(instance, field_name)
    new_upload = field_name in form.changed_data and bool(upload)
    try:
        with transaction.atomic():
            instance.save()
            form.save_m2m()
            delete_file_on_commit(upload.storage, replaced or "")
    except Exception:
        # The upload is stored before the row; don't leave it behind if the row failed.
        if new_upload and upload.name and upload.name.startswith(f"{folder}/"):
            upload.storage.delete(upload.name)
        raise
    return instance


# --- serving it --------------------------------------------------------------------------------


def file_response(file: FieldFile) -> FileResponse:
    """An upload as an attachment, never cached, or 404 when there is none or it is lost.
    Uploads are never served from a public URL: only through views that have checked the
    permission, which return this."""
    if not file or not file.name:
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=os.path.basename(file.name))
    response["Cache-Control"] = "private, no-store"
    return response
