"""The shared upload helpers (measures/uploads.py), on the knowledge base's form and model."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.http import Http404

from measures.forms.logic import KnowledgeItemForm
from measures.models import KnowledgeItem
from measures.uploads import (
    MAX_NAME_LENGTH,
    clean_upload,
    file_response,
    save_with_upload,
    shortened_name,
)
from tests.factories import KnowledgeItemFactory

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
DATA = {"kind": "local_figures", "summary": "38 % of pupils in year 7 feel lonely at breaks."}


def stored(item):
    return item.file.storage.exists(item.file.name)


def bound_form(item, name="new.pdf"):
    form = KnowledgeItemForm(DATA, {"file": SimpleUploadedFile(name, PDF)}, instance=item)
    assert form.is_valid(), form.errors
    return form


def test_a_long_name_is_cut_keeping_its_extension_in_lower_case():
    name = shortened_name(f"some/folder/{'kartlegging-' * 20}.PDF")
    assert len(name) == MAX_NAME_LENGTH and name.endswith(".pdf") and "/" not in name
    assert shortened_name("rapport.pdf") == "rapport.pdf"
    assert shortened_name(None) == "file"


def test_only_new_uploads_are_checked_and_renamed():
    assert clean_upload(None) is None
    assert clean_upload(False) is False
    upload = clean_upload(SimpleUploadedFile("Rapport.PDF", PDF))
    assert upload.name == "Rapport.pdf"


@pytest.mark.django_db
def test_a_replaced_file_is_removed_after_commit(django_capture_on_commit_callbacks):
    item = KnowledgeItemFactory()
    item.file.save("old.pdf", ContentFile(PDF))
    old = KnowledgeItem.objects.get(pk=item.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        saved = save_with_upload(bound_form(item), "file", "knowledge")
        assert stored(old), "not before the commit"
    for callback in callbacks:
        callback()
    assert not stored(old) and stored(saved)


@pytest.mark.django_db
def test_a_replaced_file_may_be_kept(django_capture_on_commit_callbacks):
    item = KnowledgeItemFactory()
    item.file.save("old.pdf", ContentFile(PDF))
    old = KnowledgeItem.objects.get(pk=item.pk)
    with django_capture_on_commit_callbacks(execute=True):
        saved = save_with_upload(bound_form(item), "file", "knowledge", keep_replaced=True)
    assert stored(old) and stored(saved)


@pytest.mark.django_db
def test_a_new_upload_is_removed_when_the_row_cannot_be_saved(monkeypatch):
    item = KnowledgeItemFactory()
    form = bound_form(item)
    save = KnowledgeItem.save

    def save_then_fail(self, *args, **kwargs):
        save(self, *args, **kwargs)  # stores the upload
        raise IntegrityError("taken")

    monkeypatch.setattr(KnowledgeItem, "save", save_then_fail)
    with pytest.raises(IntegrityError):
        save_with_upload(form, "file", "knowledge")
    assert item.file.name.startswith("knowledge/") and not stored(item)
    assert not KnowledgeItem.objects.get(pk=item.pk).file


@pytest.mark.django_db
def test_a_download_is_a_private_attachment_and_a_missing_file_gives_404():
    item = KnowledgeItemFactory()
    with pytest.raises(Http404):
        file_response(item.file)
    item.file.save("rapport.pdf", ContentFile(PDF))
    response = file_response(item.file)
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="rapport.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    item.file.storage.delete(item.file.name)
    with pytest.raises(Http404):
        file_response(item.file)
