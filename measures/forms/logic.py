"""Forms for the logic model and the knowledge base. They validate; the views save."""

from __future__ import annotations

import os
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Q, QuerySet
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from measures.models import KnowledgeItem, LogicColumn, LogicElement, LogicLink, Measure
from organizations.formtools import limit_choices
from organizations.widgets import NorwegianDateInput

# --- the logic model ---------------------------------------------------------------------------


def arrow_breaks_the_chain(source_column: int, target_column: int) -> bool:
    """True when an arrow between these columns is not allowed (see LogicLink.clean)."""
    return LogicColumn.ASSUMPTIONS in (source_column, target_column) or (
        target_column <= source_column
    )


class LogicElementForm(forms.ModelForm):
    class Meta:
        model = LogicElement
        fields = ["column", "text"]
        widgets = {"column": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "text": _("A short statement, for example: two hours of supervision a month."),
        }

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.measure = measure
        # Radio buttons without the empty "---------" choice.
        self.fields["column"].choices = LogicColumn.choices  # type: ignore[attr-defined]

    def clean_column(self) -> int:
        column: int = self.cleaned_data["column"]
        element = self.instance
        if element.pk is None or column == element.column:
            return column
        # Moving an element to another column must not leave arrows pointing backwards or
        # at an assumption; the author removes those arrows first, knowingly.
        broken = [
            link
            for link in LogicLink.objects.filter(Q(source=element) | Q(target=element))
            .select_related("source", "target")
            .order_by("pk")
            if arrow_breaks_the_chain(
                column if link.source_id == element.pk else link.source.column,
                column if link.target_id == element.pk else link.target.column,
            )
        ]
        if broken:
            raise ValidationError(
                _(
                    "In that column these arrows would no longer point forwards along the "
                    "chain: %(arrows)s. Delete them first, or choose another column."
                ),
                params={"arrows": "; ".join(str(link) for link in broken)},
            )
        return column


class ElementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LogicElement) -> str:
        return f"{obj.get_column_display()}: {truncatechars(obj.text, 90)}"


class LogicLinkForm(forms.Form):
    """An arrow between two elements of this measure's chain (assumptions take no arrows)."""

    source = ElementChoiceField(
        label=_("From"),
        queryset=LogicElement.objects.none(),
        help_text=_("The element the arrow starts at."),
    )
    target = ElementChoiceField(
        label=_("To"),
        queryset=LogicElement.objects.none(),
        help_text=_("An element further along the chain, which the first one leads to."),
    )

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        chain: QuerySet[LogicElement] = (
            LogicElement.objects.filter(measure=measure)
            .exclude(column=LogicColumn.ASSUMPTIONS)
            .order_by("column", "position", "pk")
        )
        limit_choices(self, "source", chain)
        limit_choices(self, "target", chain)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        source, target = cleaned.get("source"), cleaned.get("target")
        if source is None or target is None:
            return cleaned
        link = LogicLink(measure=self.measure, source=source, target=target)
        try:
            link.clean()
        except ValidationError as error:
            # Shown next to "To", so the message names a field the person can change.
            self.add_error("target", error)
            return cleaned
        if LogicLink.objects.filter(source=source, target=target).exists():
            self.add_error("target", _("This arrow is already in the logic model."))
            return cleaned
        self.link = link
        return cleaned


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


# --- the knowledge base ------------------------------------------------------------------------

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
# Room for "knowledge/<organisation id>/" and the suffix storage adds to a taken name, inside
# the file field's 100 characters.
_MAX_NAME_LENGTH = 70


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


def _knowledge_formfield(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    # Links typed without a scheme are taken to be https (Django 6's default, chosen now).
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class KnowledgeItemForm(forms.ModelForm):
    class Meta:
        model = KnowledgeItem
        formfield_callback = _knowledge_formfield
        fields = ["kind", "summary", "source", "url", "file", "date"]
        widgets = {
            "kind": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "date": NorwegianDateInput(),
        }
        help_texts = {
            "summary": _(
                "What it tells us, in a few sentences. Aggregate figures only: never names or "
                "details about individual children or families."
            ),
            "source": _("For example: the pupil survey 2025, Ungdata, a research report."),
            "url": _("A link to the source. Give a link or upload a file, not both."),
            "date": _("When the figures or the source are from, for example 31.12.2026."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = KnowledgeItem.Kind.choices  # type: ignore[attr-defined]
        file_field = self.fields["file"]
        # Long names are shortened in clean_file instead of refused.
        assert isinstance(file_field, forms.FileField)  # noqa: S101 - a programming error
        file_field.max_length = None
        file_field.help_text = gettext(
            "PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text or image files, at most "
            "%(max)s MB."
        ) % {"max": MAX_UPLOAD_MB}

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            check_upload(upload)
            root, extension = os.path.splitext(os.path.basename(upload.name or "file"))
            upload.name = f"{root[: _MAX_NAME_LENGTH - len(extension)]}{extension.lower()}"
        return upload
