"""The knowledge base of measures and programmes: items, uploads, downloads and sections."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import KnowledgeItem
from measures.uploads import MAX_UPLOAD_SIZE
from measures.views.knowledge import program_section
from tests.factories import KnowledgeItemFactory, MeasureFactory, ProgramFactory, UserFactory

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads land on disk in a temporary folder (never in var/media), so these tests see
    exactly which files are stored and removed."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


def stored_files(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


@pytest.fixture
def english():
    def _english(user):
        user.language = "en"
        user.save(update_fields=["language"])
        return user

    return _english


def murl(name, measure, *args):
    return reverse(name, args=[measure.organization.slug, measure.pk, *args])


def purl(name, program, *args):
    return reverse(name, args=[program.organization.slug, program.pk, *args])


def with_file(item, name="rapport.pdf", content=PDF):
    item.file.save(name, ContentFile(content))
    return item


VALID = {"kind": "local_figures", "summary": "38 % of pupils in year 7 feel lonely at breaks."}


# --- adding and editing ------------------------------------------------------------------------


def test_the_team_lead_adds_an_item_with_a_link_and_a_norwegian_date(
    login, team_lead, measure, organization
):
    response = login(team_lead).post(
        murl("measure_knowledge_create", measure),
        {**VALID, "source": "Ungdata 2025", "url": "https://ungdata.no", "date": "31.12.2025"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#knowledge")
    item = KnowledgeItem.objects.get()
    assert (item.organization, item.measure, item.program) == (organization, measure, None)
    assert (item.created_by, item.date, item.url) == (
        team_lead,
        dt.date(2025, 12, 31),
        "https://ungdata.no",
    )

    page = login(team_lead).get(measure.get_absolute_url()).content.decode()
    assert "38 % of pupils in year 7" in page and "Ungdata 2025" in page


def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    login, coordinator, measure, english
):
    response = login(english(coordinator)).post(
        murl("measure_knowledge_create", measure),
        {"kind": "gossip", "summary": "", "url": "not a link", "date": "31.02.2026"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"kind", "summary", "url", "date"}
    for label in ("Kind", "Summary", "Link", "Date"):
        assert f">{label}</a>:" in body
    assert not KnowledgeItem.objects.exists()


def test_an_item_has_a_link_or_a_file_not_both(login, coordinator, measure, media, english):
    response = login(english(coordinator)).post(
        murl("measure_knowledge_create", measure),
        {
            **VALID,
            "url": "https://example.org",
            "file": SimpleUploadedFile("a.pdf", PDF),
        },
    )
    assert response.status_code == 200
    assert "Give either a link or a file, not both." in response.content.decode()
    assert not KnowledgeItem.objects.exists()
    assert stored_files(media) == []


def test_editing_keeps_the_author_and_the_owner(login, coordinator, team_lead, measure):
    item = KnowledgeItemFactory(measure=measure, created_by=team_lead)
    response = login(coordinator).post(
        murl("measure_knowledge_update", measure, item.pk),
        {"kind": "evidence", "summary": "Updated"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.kind, item.summary, item.created_by, item.measure) == (
        "evidence",
        "Updated",
        team_lead,
        measure,
    )


# --- uploads and downloads ---------------------------------------------------------------------


def test_an_upload_is_stored_and_members_download_it_as_an_attachment(
    login, coordinator, member, viewer, measure, media, organization
):
    login(coordinator).post(
        murl("measure_knowledge_create", measure),
        {**VALID, "file": SimpleUploadedFile("Kartlegging høst 2025.pdf", PDF)},
    )
    item = KnowledgeItem.objects.get()
    assert item.file.name.startswith(f"knowledge/{organization.pk}/")
    assert stored_files(media) == ["Kartlegging_høst_2025.pdf"]

    for reader in (member, viewer):
        response = login(reader).get(murl("measure_knowledge_file", measure, item.pk))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment;")
        assert "Kartlegging_h" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"


def test_outsiders_and_anonymous_visitors_never_get_the_file(client, login, outsider, measure):
    item = with_file(KnowledgeItemFactory(measure=measure))
    path = murl("measure_knowledge_file", measure, item.pk)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert login(outsider).get(path).status_code == 404


def test_a_file_of_another_measure_or_organisation_gives_404(
    login, member, measure, other_organization
):
    sibling = with_file(KnowledgeItemFactory(measure=MeasureFactory(program=measure.program)))
    foreign_measure = MeasureFactory(program=ProgramFactory(organization=other_organization))
    foreign = with_file(KnowledgeItemFactory(measure=foreign_measure))
    client = login(member)
    assert client.get(murl("measure_knowledge_file", measure, sibling.pk)).status_code == 404
    assert client.get(murl("measure_knowledge_file", measure, foreign.pk)).status_code == 404
    assert (
        client.get(murl("measure_knowledge_file", foreign_measure, foreign.pk)).status_code == 404
    )


def test_an_item_without_a_file_or_with_a_lost_file_gives_404(login, member, measure, media):
    bare = KnowledgeItemFactory(measure=measure)
    lost = with_file(KnowledgeItemFactory(measure=measure))
    (media / lost.file.name).unlink()
    client = login(member)
    assert client.get(murl("measure_knowledge_file", measure, bare.pk)).status_code == 404
    assert client.get(murl("measure_knowledge_file", measure, lost.pk)).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("program.exe", b"MZ\x90\x00", "Files of this type (.exe) cannot be uploaded"),
        ("noextension", b"hello", "Files of this type (no extension) cannot be uploaded"),
        ("report.pdf", b"MZ\x90\x00 not a pdf", "does not match its type (.pdf)"),
        ("figures.docx", b"%PDF-1.4", "does not match its type (.docx)"),
        ("figures.csv", b"a,b\x00\x00\x01", "does not match its type (.csv)"),
    ],
)
def test_a_forbidden_file_is_refused_with_a_message_and_nothing_is_saved(
    login, coordinator, measure, media, english, name, content, message
):
    response = login(english(coordinator)).post(
        murl("measure_knowledge_create", measure),
        {**VALID, "file": SimpleUploadedFile(name, content)},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_file">File</a>:' in body
    assert message in body
    assert not KnowledgeItem.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_limit_is_refused(login, coordinator, measure, media, english):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (MAX_UPLOAD_SIZE + 1 - len(PDF)))
    response = login(english(coordinator)).post(
        murl("measure_knowledge_create", measure), {**VALID, "file": big}
    )
    assert response.status_code == 200
    assert "files can be at most 10 MB" in response.content.decode()
    assert not KnowledgeItem.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", "Erfaringer fra høsten".encode("cp1252")),
        ("tall.csv", "\ufeffskole;andel\nA;38".encode("utf-16")),
        ("plan.docx", b"PK\x03\x04rest"),
        ("bilde.JPG", b"\xff\xd8\xff\xe0rest"),
    ],
)
def test_common_document_types_are_accepted(login, coordinator, measure, media, name, content):
    response = login(coordinator).post(
        murl("measure_knowledge_create", measure),
        {**VALID, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302
    assert KnowledgeItem.objects.get().file.name.endswith(name.rsplit(".", 1)[1].lower())


def test_a_long_file_name_is_shortened_not_refused(login, coordinator, measure):
    login(coordinator).post(
        murl("measure_knowledge_create", measure),
        {**VALID, "file": SimpleUploadedFile(f"{'kartlegging-' * 20}.pdf", PDF)},
    )
    item = KnowledgeItem.objects.get()
    assert len(item.file.name) <= 100 and item.file.name.endswith(".pdf")


def test_replacing_or_clearing_a_file_removes_the_old_one_after_commit(
    login, coordinator, measure, media, django_capture_on_commit_callbacks
):
    item = with_file(KnowledgeItemFactory(measure=measure), "old.pdf")
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            murl("measure_knowledge_update", measure, item.pk),
            {**VALID, "file": SimpleUploadedFile("new.pdf", PDF)},
        )
    assert stored_files(media) == ["new.pdf"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            murl("measure_knowledge_update", measure, item.pk), {**VALID, "file-clear": "on"}
        )
    item.refresh_from_db()
    assert not item.file
    assert stored_files(media) == []


def test_deleting_an_item_asks_first_and_removes_its_file(
    login, team_lead, measure, media, django_capture_on_commit_callbacks
):
    item = with_file(KnowledgeItemFactory(measure=measure))
    client = login(team_lead)
    confirm = client.get(murl("measure_knowledge_delete", measure, item.pk))
    assert confirm.status_code == 200 and "rapport.pdf" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(murl("measure_knowledge_delete", measure, item.pk))
    assert response.status_code == 302
    assert not KnowledgeItem.objects.exists()
    assert stored_files(media) == []


# --- permissions -------------------------------------------------------------------------------

MEASURE_EDITS = [
    ("get", "measure_knowledge_create", False),
    ("post", "measure_knowledge_create", False),
    ("get", "measure_knowledge_update", True),
    ("post", "measure_knowledge_update", True),
    ("get", "measure_knowledge_delete", True),
    ("post", "measure_knowledge_delete", True),
]


@pytest.mark.parametrize(("method", "name", "with_item"), MEASURE_EDITS)
def test_a_team_lead_who_does_not_lead_the_measure_gets_403(
    login, team_lead, organization, method, name, with_item
):
    measure = MeasureFactory(
        program=ProgramFactory(organization=organization), team_lead=UserFactory()
    )
    item = KnowledgeItemFactory(measure=measure)
    args = [item.pk] if with_item else []
    response = getattr(login(team_lead), method)(murl(name, measure, *args), VALID)
    assert response.status_code == 403
    assert KnowledgeItem.objects.get().summary == item.summary


@pytest.mark.parametrize(
    ("method", "name"),
    [(m, n) for m, n, with_item in MEASURE_EDITS if with_item]
    + [("get", "measure_knowledge_file")],
)
def test_items_of_another_measure_or_organisation_give_404(
    login, coordinator, measure, other_organization, method, name
):
    sibling = with_file(KnowledgeItemFactory(measure=MeasureFactory(program=measure.program)))
    foreign_measure = MeasureFactory(program=ProgramFactory(organization=other_organization))
    foreign = with_file(KnowledgeItemFactory(measure=foreign_measure))
    program_item = with_file(
        KnowledgeItemFactory(
            measure=None, program=measure.program, organization=measure.organization
        )
    )
    client = login(coordinator)
    for item in (sibling, foreign, program_item):
        response = getattr(client, method)(murl(name, measure, item.pk), VALID)
        assert response.status_code == 404
    response = getattr(client, method)(murl(name, foreign_measure, foreign.pk), VALID)
    assert response.status_code == 404
    assert KnowledgeItem.objects.filter(summary=VALID["summary"]).count() == 0
    assert KnowledgeItem.objects.count() == 3


# --- programmes --------------------------------------------------------------------------------


def test_coordinators_keep_the_programmes_knowledge_base_and_members_read_it(
    login, coordinator, team_lead, member, organization
):
    program = ProgramFactory(organization=organization)
    response = login(coordinator).post(
        purl("program_knowledge_create", program),
        {**VALID, "file": SimpleUploadedFile("behov.pdf", PDF)},
    )
    assert response.status_code == 302
    item = KnowledgeItem.objects.get()
    assert (item.program, item.measure, item.created_by) == (program, None, coordinator)

    assert login(team_lead).get(purl("program_knowledge_create", program)).status_code == 403
    page = login(member).get(program.get_absolute_url()).content.decode()
    assert VALID["summary"] in page
    file_url = purl("program_knowledge_file", program, item.pk)
    assert file_url in page
    assert login(member).get(file_url).status_code == 200


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "program_knowledge_update"),
        ("post", "program_knowledge_update"),
        ("get", "program_knowledge_delete"),
        ("post", "program_knowledge_delete"),
        ("get", "program_knowledge_file"),
    ],
)
def test_programme_items_of_another_programme_measure_or_organisation_give_404(
    login, coordinator, organization, other_organization, method, name
):
    program = ProgramFactory(organization=organization)
    other_program = ProgramFactory(organization=organization)
    foreign_program = ProgramFactory(organization=other_organization)
    items = [
        with_file(KnowledgeItemFactory(measure=None, program=p, organization=p.organization))
        for p in (other_program, foreign_program)
    ]
    items.append(with_file(KnowledgeItemFactory(measure=MeasureFactory(program=program))))
    client = login(coordinator)
    for item in items:
        assert getattr(client, method)(purl(name, program, item.pk), VALID).status_code == 404
    response = getattr(client, method)(purl(name, foreign_program, items[1].pk), VALID)
    assert response.status_code == 404
    assert KnowledgeItem.objects.count() == 3


# --- fixed query counts ------------------------------------------------------------------------


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_measure_and_programme_pages_run_the_same_queries_for_few_and_many_items(
    login, coordinator, organization, team_lead
):
    small = MeasureFactory(program=ProgramFactory(organization=organization))
    large = MeasureFactory(program=ProgramFactory(organization=organization))
    for owner, count in ((small, 2), (large, 40)):
        for i in range(count):
            KnowledgeItemFactory(measure=owner, created_by=UserFactory(), url=f"https://x.no/{i}")
            KnowledgeItemFactory(
                measure=None,
                program=owner.program,
                organization=organization,
                created_by=team_lead,
                kind="evidence",
            )
    client = login(coordinator)
    client.get(small.get_absolute_url())
    for pages in (
        [m.get_absolute_url() for m in (small, large)],
        [m.program.get_absolute_url() for m in (small, large)],
    ):
        counts = [count_queries(client, page) for page in pages]
        assert counts[0] == counts[1], (pages, counts)


def test_the_programme_section_runs_one_query(
    rf, coordinator, organization, django_assert_num_queries
):
    program = ProgramFactory(organization=organization)
    for _ in range(5):
        KnowledgeItemFactory(measure=None, program=program, organization=organization)
    request = rf.get("/")
    request.user, request.organization = coordinator, organization
    coordinator.has_perm("measures.manage_programs", organization)  # membership cached
    with django_assert_num_queries(1):
        section = program_section(request, program)
    assert section is not None
    assert [len(entries) for _, entries in section.context["knowledge"]] == [5]
