"""Share links: tokens, the planners' list (make, withdraw), and the public report and PDF."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from reports.models import PublishedReport, ShareLink, ShareLinkUse
from reports.sharing import SALT, link_for_token, token_for
from tests.factories import ReportFactory
from tests.reports.helpers import body_of, store_pdf

NOW = dt.datetime(2026, 5, 10, 12, 0, tzinfo=dt.UTC)
BROKEN = "This link does not work. It may have expired or been withdrawn."
FAKE_PDF = b"%PDF-1.7 shared report"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def english(admin_user, coordinator, team_lead, member, viewer):
    """Assertions read the English texts, whatever the translators make of them."""
    for user in (admin_user, coordinator, team_lead, member, viewer):
        user.language = "en"
        user.save()


@pytest.fixture
def reader(client):
    """A council member without an account whose browser asks for English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def fake_pdf(published):
    """The published report's PDF, stored as a worker stores it (made and tested in
    test_pdf.py)."""
    return store_pdf(published, FAKE_PDF)


def publish(organization, user, title="Tertialrapport", written_standard="nb"):
    report = ReportFactory(organization=organization, title=title)
    content = {
        "schema": 1,
        "organization": {"name": organization.name, "written_standard": written_standard},
        "title": title,
        "kind": report.kind,
        "period": {"start": "2026-01-01", "end": "2026-04-30"},
        "program": None,
        "introduction": report.introduction,
        "as_of": "2026-04-30",
        "published_at": NOW.isoformat(),
        "totals": {
            "measures": 0,
            "by_phase": {"1": 0, "2": 0, "3": 0, "4": 0},
            "by_status": {"green": 0, "yellow": 0, "red": 0},
        },
        "measures": [],
    }
    return PublishedReport.objects.create(
        report=report,
        organization=organization,
        version=1,
        title=title,
        kind=report.kind,
        period_start=report.period_start,
        period_end=report.period_end,
        written_standard=written_standard,
        content=content,
        published_by=user,
    )


def make_link(published, user, days=30, **fields):
    return ShareLink.objects.create(
        published=published,
        label=fields.pop("label", "Kommunestyret"),
        expires_at=timezone.now() + dt.timedelta(days=days),
        created_by=user,
        **fields,
    )


@pytest.fixture
def published(organization, coordinator):
    return publish(organization, coordinator, title="Tertialrapport våren 2026")


@pytest.fixture
def link(published, coordinator):
    return make_link(published, coordinator)


def page_url(link_or_token):
    token = link_or_token if isinstance(link_or_token, str) else token_for(link_or_token)
    return reverse("shared_report", args=[token])


def pdf_url(link):
    return reverse("shared_report_pdf", args=[token_for(link)])


def list_url(published):
    return reverse("share_link_list", args=[published.organization.slug, published.pk])


def revoke_url(link):
    return reverse("share_link_revoke", args=[link.published.organization.slug, link.pk])


def assert_broken(response):
    assert response.status_code == 404
    with translation.override("en"):
        assert BROKEN in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


# --- tokens ------------------------------------------------------------------------------------


def test_it_finds_the_link_behind_its_token(link):
    token = token_for(link)
    assert link_for_token(token) == link
    assert "/" not in token and len(token) < 60


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "12", ":", "12:", "x" * 500],
)
def test_malformed_tokens_find_nothing(link, token):
    assert link_for_token(token) is None


def test_a_token_signed_with_another_salt_or_for_something_else_finds_nothing(link):
    assert link_for_token(signing.Signer(salt="yearwheel.calendar").sign(str(link.pk))) is None
    assert link_for_token(signing.Signer().sign(str(link.pk))) is None
    # Signed by us, but not an id: only a leaked key could make one; still nothing.
    assert link_for_token(signing.Signer(salt=SALT).sign("abc")) is None


def test_revoked_expired_unknown_and_inactive_organisation_find_nothing(
    link, published, coordinator, organization
):
    unknown = signing.Signer(salt=SALT).sign(str(link.pk + 1000))
    assert link_for_token(unknown) is None

    withdrawn = make_link(published, coordinator, revoked_at=timezone.now())
    assert link_for_token(token_for(withdrawn)) is None

    with time_machine.travel(NOW + dt.timedelta(days=30, seconds=1), tick=False):
        assert link_for_token(token_for(link)) is None
    # The expiry is read from the row: shortening it stops a token already sent.
    assert link_for_token(token_for(link)) == link
    ShareLink.objects.filter(pk=link.pk).update(expires_at=NOW - dt.timedelta(minutes=1))
    assert link_for_token(token_for(link)) is None

    fresh = make_link(published, coordinator)
    organization.is_active = False
    organization.save()
    assert link_for_token(token_for(fresh)) is None


# --- the public page and PDF -------------------------------------------------------------------


def test_a_valid_link_shows_the_report_without_login_and_logs_each_use(reader, link, published):
    response = reader.get(page_url(link))
    assert response.status_code == 200
    page = response.content.decode()
    assert published.title in page
    assert reverse("shared_report_pdf", args=[token_for(link)]) in page
    assert response.context["published"] == published

    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        assert reader.get(page_url(link)).status_code == 200

    uses = list(ShareLinkUse.objects.filter(link=link).order_by("used_at"))
    assert [(use.what, use.used_at) for use in uses] == [
        ("page", NOW),
        ("page", NOW + dt.timedelta(hours=2)),
    ]


def test_the_report_body_is_in_the_reports_written_standard(reader, organization, coordinator):
    nynorsk = publish(organization, coordinator, title="Årsrapport", written_standard="nn")
    response = reader.get(page_url(make_link(nynorsk, coordinator)))
    page = response.content.decode()
    assert '<html lang="en">' in page  # the reader's language around it
    assert 'lang="nn"' in page


def test_the_public_page_has_no_way_into_the_organisation(reader, link, organization):
    page = reader.get(page_url(link)).content.decode()
    assert "/o/" not in page
    assert organization.slug not in page
    assert "/edit/" not in page and "/measures/" not in page


def test_the_public_page_keeps_the_token_out_of_caches_indexes_and_referrers(reader, link):
    response = reader.get(page_url(link))
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_tampered_token_gives_404_with_the_plain_message(reader, link):
    token = token_for(link)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert_broken(reader.get(page_url(tampered)))
    other_id = f"{link.pk + 1}{token[token.index(':') :]}"
    assert_broken(reader.get(page_url(other_id)))
    assert_broken(reader.get(page_url(signing.Signer(salt="other").sign(str(link.pk)))))
    assert not ShareLinkUse.objects.exists()


def test_revoked_expired_and_unknown_links_give_the_same_404(reader, link, published, coordinator):
    withdrawn = make_link(published, coordinator, revoked_at=timezone.now())
    responses = [reader.get(page_url(withdrawn))]
    with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
        responses.append(reader.get(page_url(link)))
    responses.append(reader.get(page_url(signing.Signer(salt=SALT).sign("999999"))))
    for response in responses:
        assert_broken(response)
        assert response["X-Robots-Tag"] == "noindex"
        assert response["Referrer-Policy"] == "no-referrer"
    # One page for every reason: nothing tells the reader which it was. (The address itself,
    # in the language switcher's return path, and the switcher's CSRF token differ.)
    pages = {
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode()).replace(
            r.request["PATH_INFO"], ""
        )
        for r in responses
    }
    assert len(pages) == 1
    assert not ShareLinkUse.objects.exists()


def test_a_link_of_one_report_never_shows_another(reader, organization, coordinator, link):
    other = publish(organization, coordinator, title="Årsrapport 2025")
    other_link = make_link(other, coordinator)
    first = reader.get(page_url(link))
    second = reader.get(page_url(other_link))
    assert first.context["published"] == link.published
    assert second.context["published"] == other
    assert "Årsrapport 2025" not in first.content.decode()
    assert link.published.title not in second.content.decode()


def test_the_pdf_is_served_and_logged(reader, link, published, fake_pdf):
    response = reader.get(pdf_url(link))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert body_of(response) == FAKE_PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert list(ShareLinkUse.objects.values_list("what", "used_at")) == [("pdf", NOW)]


def test_the_pdf_is_the_stored_one_for_every_reader(reader, link, published, fake_pdf):
    first = body_of(reader.get(pdf_url(link)))
    second = body_of(reader.get(pdf_url(link)))
    assert first == second == FAKE_PDF
    assert ShareLinkUse.objects.filter(link=link, what="pdf").count() == 2


def test_a_failed_pdf_gives_a_plain_503_without_a_way_to_retry(reader, link, published):
    PublishedReport.objects.filter(pk=published.pk).update(
        pdf_state="failed", pdf_error="unavailable", pdf_attempts=1
    )
    response = reader.get(pdf_url(link))
    assert response.status_code == 503
    assert response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    assert "The server cannot make PDF files at the moment." in page
    assert page_url(link) in page
    assert "/o/" not in page
    assert "retry" not in page
    assert PublishedReport.objects.get(pk=published.pk).pdf_state == "failed"
    assert not ShareLinkUse.objects.filter(what="pdf").exists()


def test_the_pdf_of_a_link_that_does_not_work_gives_404(
    reader, link, published, coordinator, fake_pdf
):
    withdrawn = make_link(published, coordinator, revoked_at=timezone.now())
    assert_broken(reader.get(pdf_url(withdrawn)))
    token = token_for(link)
    assert_broken(reader.get(reverse("shared_report_pdf", args=[token[:-2] + "xx"])))
    with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
        assert_broken(reader.get(pdf_url(link)))
    assert not ShareLinkUse.objects.exists()


def test_the_public_pages_refuse_post(reader, link):
    assert reader.post(page_url(link)).status_code == 405
    assert reader.post(pdf_url(link)).status_code == 405
    assert not ShareLinkUse.objects.exists()


def test_a_logged_in_member_sees_the_shared_page_without_organisation_navigation(
    login, viewer, link
):
    response = login(viewer).get(page_url(link))
    assert response.status_code == 200
    assert reverse("measure_list", args=[link.published.organization.slug]) not in (
        response.content.decode()
    )


# --- the planners' list ------------------------------------------------------------------------


def test_planners_make_a_link(english, login, coordinator, published):
    client = login(coordinator)
    response = client.post(list_url(published), {"label": "Oppvekstutvalget", "lifetime_days": 14})
    assert response.status_code == 302
    link = ShareLink.objects.get()
    assert (link.published, link.label, link.created_by) == (
        published,
        "Oppvekstutvalget",
        coordinator,
    )
    assert link.expires_at == NOW + dt.timedelta(days=14)

    response = client.get(list_url(published))
    page = response.content.decode()
    assert "http://testserver" + page_url(link) in page
    (row,) = response.context["rows"]
    assert (row.state, row.state_label) == ("active", "Active")


def test_the_default_lifetime_is_thirty_days(login, admin_user, published):
    response = login(admin_user).get(list_url(published))
    assert response.context["form"]["lifetime_days"].value() == 30


@pytest.mark.parametrize(
    ("days", "ok"),
    [
        ("1", True),
        ("90", True),
        ("0", False),
        ("91", False),
        ("-3", False),
        ("2.5", False),
        ("many", False),
        ("", False),
    ],
)
def test_the_lifetime_is_from_one_to_ninety_days(english, login, coordinator, published, days, ok):
    response = login(coordinator).post(list_url(published), {"label": "Råd", "lifetime_days": days})
    if ok:
        assert response.status_code == 302
        assert ShareLink.objects.count() == 1
    else:
        assert response.status_code == 200
        assert "lifetime_days" in response.context["form"].errors
        assert "A link lasts from 1 to 90 days" in response.content.decode()
        assert not ShareLink.objects.exists()


def test_a_link_needs_a_label(english, login, coordinator, published):
    response = login(coordinator).post(list_url(published), {"label": "  ", "lifetime_days": "30"})
    assert response.status_code == 200
    assert "label" in response.context["form"].errors
    assert "Nothing was saved" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_list_shows_state_uses_and_last_use(english, login, coordinator, published):
    active = make_link(published, coordinator, label="Aktiv")
    expired = make_link(published, coordinator, label="Utløpt", days=-1)
    withdrawn = make_link(
        published, coordinator, label="Trukket", revoked_at=NOW, revoked_by=coordinator
    )
    for when in (NOW - dt.timedelta(days=2), NOW - dt.timedelta(hours=1)):
        with time_machine.travel(when, tick=False):
            ShareLinkUse.objects.create(link=active)
    ShareLinkUse.objects.create(link=withdrawn, what="pdf")

    response = login(coordinator).get(list_url(published))
    rows = {row.link.label: row for row in response.context["rows"]}
    assert rows["Aktiv"].state_label == "Active"
    assert rows["Utløpt"].state_label == "Expired"
    assert rows["Trukket"].state_label == "Withdrawn"
    assert rows["Aktiv"].link.use_count == 2
    assert rows["Aktiv"].link.last_used_at == NOW - dt.timedelta(hours=1)
    assert rows["Trukket"].link.use_count == 1
    assert rows["Utløpt"].link.last_used_at is None
    # Only a link that works can be copied.
    assert rows["Aktiv"].url and not rows["Utløpt"].url and not rows["Trukket"].url
    page = response.content.decode()
    assert token_for(expired) not in page and token_for(withdrawn) not in page
    assert "2 times" in page


def test_the_list_runs_the_same_queries_for_few_and_many_links(
    login, coordinator, published, django_assert_num_queries
):
    def add_links(count):
        for _n in range(count):
            link = make_link(published, coordinator)
            ShareLinkUse.objects.create(link=link)
            ShareLinkUse.objects.create(link=link, what="pdf")

    add_links(5)
    client = login(coordinator)
    client.get(list_url(published))
    with CaptureQueriesContext(connection) as few:
        client.get(list_url(published))
    count = len(few)
    add_links(45)
    with django_assert_num_queries(count):
        response = client.get(list_url(published))
    assert len(response.context["rows"]) == 50


def test_another_organisations_published_report_is_404(
    login, coordinator, other_organization, outsider
):
    theirs = publish(other_organization, outsider)
    url = reverse("share_link_list", args=["testvik", theirs.pk])
    assert login(coordinator).get(url).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "member", "team_lead"])
def test_only_planners_manage_links(role, request, login, published, link):
    client = login(request.getfixturevalue(role))
    assert client.get(list_url(published)).status_code == 403
    assert client.post(list_url(published), {"label": "X", "lifetime_days": 5}).status_code == 403
    assert client.post(revoke_url(link)).status_code == 403
    assert ShareLink.objects.count() == 1
    assert ShareLink.objects.get().revoked_at is None


# --- withdrawing ------------------------------------------------------------------------------


def test_planners_withdraw_a_link_and_it_stops_working(english, login, admin_user, link, reader):
    client = login(admin_user)
    response = client.post(revoke_url(link), follow=True)
    assert response.redirect_chain[-1][0] == list_url(link.published)
    assert "is withdrawn" in response.content.decode()
    link.refresh_from_db()
    assert (link.revoked_at, link.revoked_by) == (NOW, admin_user)
    client.logout()
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert_broken(reader.get(page_url(link)))


def test_withdrawing_twice_says_so_and_changes_nothing(
    english, login, coordinator, admin_user, link
):
    login(admin_user).post(revoke_url(link))
    link.refresh_from_db()
    first = (link.revoked_at, link.revoked_by)
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        response = login(coordinator).post(revoke_url(link), follow=True)
    assert "was already withdrawn" in response.content.decode()
    link.refresh_from_db()
    assert (link.revoked_at, link.revoked_by) == first


def test_another_organisations_link_cannot_be_withdrawn(
    login, coordinator, other_organization, outsider
):
    theirs = make_link(publish(other_organization, outsider), outsider)
    url = reverse("share_link_revoke", args=["testvik", theirs.pk])
    assert login(coordinator).post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_withdrawing_is_post_only(login, coordinator, link):
    assert login(coordinator).get(revoke_url(link)).status_code == 405


def test_before_the_pdf_is_stored_a_reader_gets_the_being_prepared_page_and_no_render(
    reader, link, published, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "reports.tasks.render_report_pdf.apply_async",
        lambda args, countdown=None, **options: sent.append(args[0]),
    )

    def render(*args, **kwargs):
        raise AssertionError("a PDF was rendered in a share-link reader's request")

    monkeypatch.setattr("reports.pdf.html_to_pdf", render)
    with django_capture_on_commit_callbacks(execute=True):
        response = reader.get(pdf_url(link))
        again = reader.get(pdf_url(link))
    assert response.status_code == again.status_code == 202
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    page = response.content.decode()
    assert "The PDF is being prepared" in page
    assert "tell the person who sent you the link" in page
    assert f'href="{pdf_url(link)}">Check again</a>' in page
    assert page_url(link) in page
    assert "/o/" not in page
    # The missing PDF is queued once, for a worker; nothing is logged until it is served.
    assert sent == [published.pk]
    assert not ShareLinkUse.objects.exists()
    progress = reader.get(pdf_url(link), {"progress": ""})
    assert progress.json() == {"state": "queued"}

    store_pdf(published, FAKE_PDF)
    assert body_of(reader.get(pdf_url(link))) == FAKE_PDF
    assert list(ShareLinkUse.objects.values_list("what", flat=True)) == ["pdf"]
