"""Uploaded files and stored report PDFs in S3-compatible object storage: a real S3 server
(moto's, on loopback) behind the storage the settings build from the ``S3_*`` variables.

Every file goes through Django's storage API, so these tests switch the default storage to
the bucket and walk the same views as the disk-based tests: upload, download through the
permission-checked view, replace, delete (after commit only) and the report PDF.
"""

from __future__ import annotations

import hashlib
import logging
import uuid

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from moto.server import ThreadedMotoServer

from config.storage import default_storage
from measures.models import KnowledgeItem
from reports import pdfjobs
from reports.models import PublishedReport
from reports.publishing import publish
from tests.factories import KnowledgeItemFactory, MeasureFactory, ProgramFactory, ReportFactory

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
VALID = {"kind": "local_figures", "summary": "38 % of pupils in year 7 feel lonely at breaks."}
REGION = "eu-north-1"
PREFIX = "tiltak"


@pytest.fixture(scope="session")
def s3_server():
    """One S3 server for the session, on a free loopback port; each test has its own bucket."""
    # Its request log would fill the output of a failing test.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch):
    """A new private bucket as the default storage, configured as an operator would."""
    name = f"tiltak-{uuid.uuid4().hex[:12]}"
    environment = {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": name,
        "S3_ENDPOINT_URL": s3_server,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": "test-key",
        "S3_SECRET_ACCESS_KEY": "test-secret",
        "S3_PREFIX": PREFIX,
    }
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name=REGION,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    # Django's storage handler and default_storage are reset when STORAGES changes, and every
    # FileField uses default_storage lazily, so the models' files go to the bucket from here.
    settings.STORAGES = {**settings.STORAGES, "default": default_storage()}

    class Bucket:
        def objects(self) -> list[str]:
            listing = client.list_objects_v2(Bucket=name)
            return sorted(item["Key"] for item in listing.get("Contents", []))

        def read(self, key: str) -> bytes:
            body: bytes = client.get_object(Bucket=name, Key=key)["Body"].read()
            return body

        def acl_grants(self, key: str) -> list[dict]:
            grants: list[dict] = client.get_object_acl(Bucket=name, Key=key)["Grants"]
            return grants

        def delete(self, key: str) -> None:
            client.delete_object(Bucket=name, Key=key)

    return Bucket()


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


def file_url(item):
    measure = item.measure
    return reverse("measure_knowledge_file", args=[measure.organization.slug, measure.pk, item.pk])


def measure_url(name, measure, *args):
    return reverse(name, args=[measure.organization.slug, measure.pk, *args])


def test_an_upload_is_a_private_object_that_only_members_download(
    bucket, login, client, coordinator, member, outsider, measure, organization
):
    response = login(coordinator).post(
        measure_url("measure_knowledge_create", measure),
        {**VALID, "file": SimpleUploadedFile("Kartlegging høst.pdf", PDF)},
    )
    assert response.status_code == 302
    item = KnowledgeItem.objects.get()
    key = f"{PREFIX}/knowledge/{organization.pk}/Kartlegging_høst.pdf"
    assert bucket.objects() == [key]
    assert bucket.read(key) == PDF
    # Only the owner is granted anything: no public-read grant to all users.
    assert [grant["Grantee"]["Type"] for grant in bucket.acl_grants(key)] == ["CanonicalUser"]

    response = login(member).get(file_url(item))
    assert response.status_code == 200
    assert response.streaming  # streamed from the bucket through the app, not redirected
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"

    assert login(outsider).get(file_url(item)).status_code == 404
    client.logout()
    anonymous = client.get(file_url(item))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_two_uploads_with_the_same_name_are_two_objects(bucket, measure, organization):
    first = KnowledgeItemFactory(measure=measure)
    first.file.save("rapport.pdf", ContentFile(PDF))
    second = KnowledgeItemFactory(measure=measure)
    second.file.save("rapport.pdf", ContentFile(b"%PDF-1.7 other"))
    assert first.file.name != second.file.name
    assert len(bucket.objects()) == 2
    assert bucket.read(f"{PREFIX}/{first.file.name}") == PDF


def test_a_file_lost_from_the_bucket_gives_404(bucket, login, member, measure):
    item = KnowledgeItemFactory(measure=measure)
    item.file.save("rapport.pdf", ContentFile(PDF))
    bucket.delete(f"{PREFIX}/{item.file.name}")
    assert login(member).get(file_url(item)).status_code == 404


def test_a_replaced_file_leaves_the_bucket_after_commit_and_not_on_rollback(
    bucket, login, coordinator, measure, organization, django_capture_on_commit_callbacks
):
    item = KnowledgeItemFactory(measure=measure)
    item.file.save("old.pdf", ContentFile(PDF))
    folder = f"{PREFIX}/knowledge/{organization.pk}"
    client = login(coordinator)
    update = measure_url("measure_knowledge_update", measure, item.pk)

    # A change that is rolled back keeps the file its row still names.
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        client.post(update, {**VALID, "file": SimpleUploadedFile("new.pdf", PDF)})
        raise RuntimeError("rolled back")
    item.refresh_from_db()
    assert item.file.name == f"knowledge/{organization.pk}/old.pdf"
    assert f"{folder}/old.pdf" in bucket.objects()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(update, {**VALID, "file": SimpleUploadedFile("new.pdf", PDF)})
    assert f"{folder}/old.pdf" in bucket.objects(), "not before the commit"
    for callback in callbacks:
        callback()
    assert f"{folder}/old.pdf" not in bucket.objects()
    item.refresh_from_db()
    assert f"{PREFIX}/{item.file.name}" in bucket.objects()


def test_a_deleted_item_leaves_the_bucket_after_commit_and_not_on_rollback(
    bucket, login, team_lead, measure, django_capture_on_commit_callbacks
):
    item = KnowledgeItemFactory(measure=measure)
    item.file.save("rapport.pdf", ContentFile(PDF))
    key = f"{PREFIX}/{item.file.name}"
    client = login(team_lead)
    delete = measure_url("measure_knowledge_delete", measure, item.pk)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        client.post(delete)
        raise RuntimeError("rolled back")
    assert KnowledgeItem.objects.filter(pk=item.pk).exists()
    assert bucket.objects() == [key]

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete).status_code == 302
    assert not KnowledgeItem.objects.exists()
    assert bucket.objects() == []


def test_a_report_pdf_is_stored_in_the_bucket_and_served_from_it(
    bucket, login, viewer, outsider, organization, coordinator, measure, monkeypatch
):
    rendered = b"%PDF-1.7 the report as rendered once"
    renders = []

    def render(html, *, base_url="", tagged=False):
        # The renderer itself is tested in tests/reports/test_pdf.py; here, where it goes.
        renders.append(html)
        return rendered

    monkeypatch.setattr("reports.pdf.html_to_pdf", render)
    published = publish(ReportFactory(organization=organization, title="Tertial 1"), coordinator)
    url = reverse("published_report_pdf", args=[organization.slug, published.pk])
    client = login(viewer)

    assert client.get(url).status_code == 202  # being prepared: the worker renders it
    assert pdfjobs.render_and_store(published.pk) == "stored"
    first = client.get(url)
    assert first.status_code == 200 and b"".join(first.streaming_content) == rendered
    stored = PublishedReport.objects.get(pk=published.pk)
    key = f"{PREFIX}/{stored.pdf.name}"
    assert key.startswith(f"{PREFIX}/reports/{organization.pk}/")
    assert bucket.objects() == [key]
    assert bucket.read(key) == rendered
    assert stored.pdf_sha256 == hashlib.sha256(rendered).hexdigest()

    assert b"".join(client.get(url).streaming_content) == rendered
    assert len(renders) == 1, "the second download is the stored file"
    assert login(outsider).get(url).status_code == 404
