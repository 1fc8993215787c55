"""Archives read and write files through the storage API: the same round trip with the files
in an S3-compatible bucket (moto's server on loopback, as in tests/test_storage_s3.py)."""

import io

from measures.models import KnowledgeItem
from orgarchive.exporter import export_organization
from orgarchive.importer import import_organization
from orgarchive.purge import delete_organization
from tests.test_storage_s3 import PREFIX, bucket, s3_server  # noqa: F401 (fixtures)

from .test_round_trip import small  # noqa: F401 (fixture)


def test_files_come_back_into_the_bucket(bucket, small):  # noqa: F811
    item = KnowledgeItem.objects.get(organization=small)
    assert f"{PREFIX}/{item.file.name}" in bucket.objects()
    archive = io.BytesIO()
    export_organization(small, archive)
    delete_organization(small)
    bucket.delete(f"{PREFIX}/{item.file.name}")

    restored = import_organization(io.BytesIO(archive.getvalue())).organization

    item = KnowledgeItem.objects.get(organization=restored)
    assert bucket.read(f"{PREFIX}/{item.file.name}") == b"%PDF-1.4 notat"
