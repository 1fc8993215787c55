"""export_org → delete_org → import_org gives back the same organisation (docs/backup.md)."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from measures.models import KnowledgeItem, Measure, Measurement
from notifications.models import Reminder
from organizations.models import Organization, Partnership, Role, User
from orgarchive.archive import MANIFEST
from orgarchive.exporter import export_organization
from orgarchive.importer import import_organization
from orgarchive.purge import delete_organization
from reports.body import render_body, stored_body
from reports.models import PublishedReport
from tests.factories import (
    MeasurementFactory,
    MembershipFactory,
    OrganizationFactory,
    PartnershipFactory,
    ProgramFactory,
    UserFactory,
)

from .compare import assert_same_organisation, snapshot


def _enrich(organization: Organization) -> None:
    """What the demo lacks: a stored file, a deleted record with history, reminders sent
    and waiting."""
    measure = Measure.objects.filter(organization=organization).first()
    item = KnowledgeItem(organization=organization, measure=measure, kind="need", summary="Notat")
    item.file.save("notat.pdf", ContentFile(b"%PDF-1.4 notat"))
    Measurement.objects.filter(indicator__measure=measure).first().delete()
    for state in (Reminder.State.SENT, Reminder.State.PENDING):
        Reminder.objects.create(
            organization=organization,
            key=f"event-1-2026-10-15-{organization.pk}-{state}",
            kind=Reminder.Kind.BEFORE,
            subject_key="event-1-2026-10-15",
            title="Møte",
            starts_on="2026-10-15",
            ends_on="2026-10-15",
            due_at=timezone.now(),
            state=state,
        )


def _without_waiting_reminders(before):
    # Waiting reminders are planned again by the planner, not restored (docs/backup.md).
    plan, rows = before["notifications.Reminder"]
    before["notifications.Reminder"] = (plan, [r for r in rows if r["state"] != "pending"])


def _export(organization) -> bytes:
    buffer = io.BytesIO()
    export_organization(organization, buffer)
    return buffer.getvalue()


def _round_trip(organization: Organization):
    before = snapshot(organization)
    users = dict(User.objects.values_list("pk", "email"))
    others = {
        other.pk: {label: len(rows) for label, (_plan, rows) in snapshot(other).items()}
        for other in Organization.objects.exclude(pk=organization.pk)
    }
    archive = _export(organization)

    delete_organization(organization)
    assert not Organization.objects.filter(slug=organization.slug).exists()
    result = import_organization(io.BytesIO(archive))

    after = snapshot(result.organization)
    _without_waiting_reminders(before)
    compared = assert_same_organisation(before, after, users)
    assert compared == sum(len(rows) for _plan, rows in before.values())
    # Nobody else's records changed, except partnerships granted *to* the deleted organisation.
    for other in Organization.objects.exclude(pk=result.organization.pk):
        for label, (_plan, rows) in snapshot(other).items():
            if "artnership" not in label and "shared_with" not in label:
                assert len(rows) == others[other.pk][label], (other.slug, label)
    return result, compared


def test_every_demo_organisation_comes_back_equal(db):
    call_command("seed_demo", password="demo-passord-1", stdout=io.StringIO())
    kommune = Organization.objects.get(slug="demo-kommune")
    _enrich(kommune)
    stored_body(PublishedReport.objects.filter(organization=kommune).first())
    total = 0
    for slug in ["demo-kommune", "demo-herad", "demo-fylke"]:
        result, compared = _round_trip(Organization.objects.get(slug=slug))
        assert compared >= 10
        assert result.users_created == 0
        total += compared
    assert total > 1500
    restored = Organization.objects.get(slug="demo-kommune")
    item = KnowledgeItem.objects.get(organization=restored, summary="Notat")
    assert item.file.read() == b"%PDF-1.4 notat"
    assert Measurement.history.filter(
        indicator__measure__organization=restored, history_type="-"
    ).exists()
    # The frozen reports name the restored measures (their cards link to them).
    own = set(Measure.objects.filter(organization=restored).values_list("pk", flat=True))
    published = PublishedReport.objects.filter(organization=restored)
    assert published.exists()
    for report in published:
        assert {m["id"] for m in report.content["measures"]} <= own
    # The stored page body is derived from the frozen content, which the import remaps: the
    # copy stored before the export is not carried over, the first view makes it again.
    assert not published.exclude(body_html="").exists()
    report = published.first()
    assert str(stored_body(report)) == render_body(report)
    assert PublishedReport.objects.get(pk=report.pk).body_html == render_body(report)


@pytest.fixture
def small(db):
    """An organisation with a member, a partnership, a measurement history and a file."""
    organization = OrganizationFactory(slug="testvik", number="1111")
    neighbour = OrganizationFactory(slug="nabo", number="2222")
    MembershipFactory(
        organization=organization, role=Role.ADMIN, user=UserFactory(email="a@testvik.no")
    )
    PartnershipFactory(grantor=organization, partner=neighbour)
    program = ProgramFactory(organization=organization)
    for _ in range(2):
        MeasurementFactory(
            indicator__goal__measure__organization=organization,
            indicator__goal__measure__program=program,
        )
    _enrich(organization)
    return organization


def test_a_small_organisation_comes_back_equal_with_its_partnership(small):
    result, _compared = _round_trip(small)

    assert any("waiting reminders" in note for note in result.notes)
    assert list(
        Partnership.objects.filter(grantor=result.organization).values_list(
            "partner__slug", flat=True
        )
    ) == ["nabo"]


def test_new_people_are_created_without_a_password(small):
    archive = _export(small)
    delete_organization(small)
    User.objects.filter(email="a@testvik.no").delete()

    result = import_organization(io.BytesIO(archive))

    assert result.users_created == 1
    user = User.objects.get(email="a@testvik.no")
    assert not user.has_usable_password()
    assert not user.is_staff
    assert user.memberships.get().organization == result.organization


def test_links_to_a_missing_organisation_are_left_out_with_a_note(small):
    archive = _export(small)
    delete_organization(small)
    delete_organization(Organization.objects.get(slug="nabo"))

    result = import_organization(io.BytesIO(archive))

    assert not Partnership.objects.filter(grantor=result.organization).exists()
    assert any("Links to" in note and "nabo" in note for note in result.notes)


def test_it_refuses_an_existing_short_name_and_changes_nothing(small):
    archive = _export(small)
    before = snapshot(small)
    users = User.objects.count()
    organisations = Organization.objects.count()
    files = default_storage.listdir("")

    with pytest.raises(CommandError, match="already exists"):
        _call_import(archive)

    assert snapshot(small) == before
    assert User.objects.count() == users
    assert default_storage.listdir("") == files
    assert Organization.objects.count() == organisations


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(version=99), "format version 99"),
        (lambda m: m.update(format="something-else"), "not an organisation archive"),
        (lambda m: m["schema"].update(measures=["0001_initial"]), "other migrations"),
    ],
)
def test_it_refuses_an_archive_it_cannot_read(small, change, message):
    archive = _export(small)
    delete_organization(small)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read(MANIFEST))
    change(manifest)

    with pytest.raises(CommandError, match=message):
        _call_import(_replace(archive, MANIFEST, json.dumps(manifest).encode()))

    assert not Organization.objects.filter(slug="testvik").exists()


def test_it_refuses_a_damaged_archive(small):
    archive = _export(small)
    delete_organization(small)
    damaged = _replace(archive, "data/measures.Measure.json", b'{"fields": [], "rows": []}')

    with pytest.raises(CommandError, match="does not match its checksum"):
        _call_import(damaged)
    assert not Organization.objects.filter(slug="testvik").exists()


def test_it_refuses_a_member_without_a_checksum(small):
    archive = _export(small)
    delete_organization(small)
    buffer = io.BytesIO(archive)
    with zipfile.ZipFile(buffer, "a") as target:
        target.writestr("files/extra.pdf", b"x")

    with pytest.raises(CommandError, match="has no checksum"):
        _call_import(buffer.getvalue())


def test_the_commands_write_and_read_a_file(small, tmp_path):
    path = tmp_path / "testvik.zip"
    out = io.StringIO()
    call_command("export_org", "testvik", output=str(path), stdout=out)
    assert "Wrote" in out.getvalue()
    manifest = json.loads(zipfile.ZipFile(path).read(MANIFEST))
    assert manifest["version"] == 1
    assert manifest["counts"]["measures.Measurement"] == 1
    assert manifest["counts"]["measures.HistoricalMeasurement"] == 3
    assert all(len(digest) == 64 for digest in manifest["sha256"].values())
    with pytest.raises(CommandError, match="exists already"):
        call_command("export_org", "testvik", output=str(path))

    with pytest.raises(CommandError, match="repeat the short name"):
        call_command("delete_org", "testvik", confirm="nabo")
    call_command("delete_org", "testvik", confirm="testvik", stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_org", str(path), stdout=out)
    assert "Restored" in out.getvalue()
    assert Organization.objects.filter(slug="testvik").exists()


def _call_import(archive: bytes) -> None:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".zip") as handle:
        handle.write(archive)
        handle.flush()
        call_command("import_org", handle.name, stdout=io.StringIO())


def _replace(archive: bytes, member: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(archive))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == member else source.read(info))
    return buffer.getvalue()
