"""One-time form tokens (formonce/): a form that creates a record saves it once, however often
the same POST arrives (double click, a retry after a lost answer, the browser resending)."""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic import CreateView

from formonce.models import FormClaim
from formonce.services import run_once
from formonce.tasks import clear_form_claims
from measures.models import Comment, Measure, Measurement
from reflections.models import Lesson
from tests.conftest import ROLE_FIXTURES, require_or_skip
from tests.factories import IndicatorFactory, MeasureFactory, ProgramFactory, RingFactory
from tests.matrix.base import MEMBER_ROLES, LazyContext
from tests.test_permission_matrix import BUILDERS, MATRIX
from yearwheel.models import Event

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'<input type="hidden" name="form_once" value="([A-Za-z0-9_-]+)">')


def token_in(response) -> str:
    found = TOKEN.findall(response.content.decode())
    assert found, "the form has no one-time token"
    return found[-1]


def measure_case(ctx):
    program = ProgramFactory(organization=ctx["organization"])
    data = {
        "program": program.pk,
        "name": "Trygge friminutt",
        "description": "Faste voksne ute.",
        "target_groups": ["6-12"],
        "status": "green",
        "start_date": "01.08.2026",
        "end_date": "20.06.2028",
        "tags_text": "",
    }
    url = reverse("measure_create", args=[ctx["organization"].slug])
    return url, url, data, Measure


def event_case(ctx):
    ring = RingFactory(organization=ctx["organization"])
    data = {
        "title": "Foreldremøte",
        "kind": "meeting",
        "ring": ring.pk,
        "start_date": "24.11.2026",
        "start_time": "18:00",
        "end_time": "19:30",
    }
    url = reverse("event_create", kwargs={"org_slug": ctx["organization"].slug})
    return url, url, data, Event


def comment_case(ctx):
    measure = MeasureFactory(program=ProgramFactory(organization=ctx["organization"]))
    page = measure.get_absolute_url()
    url = reverse("measure_comment", args=[ctx["organization"].slug, measure.pk])
    return page, url, {"text": "Bra jobbet!"}, Comment


def measurement_case(ctx):
    indicator = IndicatorFactory(
        goal__measure=MeasureFactory(program=ProgramFactory(organization=ctx["organization"]))
    )
    url = reverse(
        "measurement_create",
        args=[ctx["organization"].slug, indicator.measure.pk, indicator.pk],
    )
    return url, url, {"date": "01.11.2026", "value": "42", "comment": ""}, Measurement


def lesson_case(ctx):
    data = {
        "title": "Faste spørsmål",
        "lesson": "Samme spørsmål viser endringer.",
        "context": "Høsten 2026.",
        "phase": "3",
        "tags_text": "",
    }
    url = reverse("lesson_create", args=[ctx["organization"].slug])
    return url, url, data, Lesson


CASES = [measure_case, event_case, comment_case, measurement_case, lesson_case]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_the_same_form_sent_twice_saves_one_record_and_answers_alike(
    case, organization, admin_user, login
):
    client = login(admin_user)
    page, url, data, model = case({"organization": organization})
    data = {**data, "form_once": token_in(client.get(page))}

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == 302, first.content.decode()[:2000]
    assert model.objects.count() == 1
    assert (second.status_code, second["Location"]) == (302, first["Location"])
    # One message on the next page, not a success next to "already saved" or twice the same.
    shown = list(get_messages(client.get(second["Location"]).wsgi_request))
    assert [m.level_tag for m in shown] == ["success"]


def test_a_retry_after_a_lost_answer_tells_the_success_once_more(
    organization, admin_user, login, client
):
    client = login(admin_user)
    page, url, data, _model = measure_case({"organization": organization})
    data = {**data, "form_once": token_in(client.get(page))}
    client.post(url, data)
    client.cookies.pop("messages", None)  # the first answer never reached the browser

    again = client.post(url, data)

    assert Measure.objects.count() == 1
    assert again["Location"] == Measure.objects.get().get_absolute_url()
    shown = list(get_messages(client.get(again["Location"]).wsgi_request))
    assert [m.level_tag for m in shown] == ["success"]


def test_a_form_shown_again_with_errors_keeps_its_token(organization, admin_user, login):
    client = login(admin_user)
    page, url, data, _model = measure_case({"organization": organization})
    token = token_in(client.get(page))

    refused = client.post(url, {**data, "name": "", "form_once": token})
    assert refused.status_code == 200
    assert token_in(refused) == token
    assert not FormClaim.objects.exists()

    saved = client.post(url, {**data, "form_once": token})
    again = client.post(url, {**data, "form_once": token})
    assert saved.status_code == 302
    assert again["Location"] == saved["Location"]
    assert Measure.objects.count() == 1


def test_a_new_form_gets_a_new_token(organization, admin_user, login):
    client = login(admin_user)
    page, *_rest = measure_case({"organization": organization})
    assert token_in(client.get(page)) != token_in(client.get(page))


def test_a_token_from_someone_else_claims_nothing_of_theirs(
    organization, admin_user, coordinator, login, client
):
    page, url, data, _model = measure_case({"organization": organization})
    data = {**data, "form_once": token_in(login(admin_user).get(page))}
    theirs = client.post(url, data)
    client.logout()

    mine = login(coordinator).post(url, data)

    assert mine.status_code == 302
    assert mine["Location"] != theirs["Location"]
    assert Measure.objects.count() == 2
    assert set(FormClaim.objects.values_list("user", flat=True)) == {admin_user.pk, coordinator.pk}


def test_a_post_without_a_token_is_saved_as_before(organization, admin_user, login):
    """A form opened before the tokens came (or a script) is accepted, unprotected."""
    client = login(admin_user)
    _page, url, data, _model = measure_case({"organization": organization})
    client.post(url, data)
    client.post(url, {**data, "form_once": "short"})  # not a token: treated as none
    assert Measure.objects.count() == 2
    assert not FormClaim.objects.exists()


def test_claims_are_removed_after_a_day(organization, admin_user):
    start = dt.datetime(2027, 1, 10, 12, 0, tzinfo=dt.UTC)
    for token, age in (("kept-a-little-longer", 1), ("removed-just-now-0", -1)):
        with time_machine.travel(start - dt.timedelta(days=1) + dt.timedelta(seconds=age)):
            FormClaim.objects.create(token=token, user=admin_user, path="/x/")
    with time_machine.travel(start, tick=False):
        clear_form_claims()
    assert list(FormClaim.objects.values_list("token", flat=True)) == ["kept-a-little-longer"]


@pytest.mark.django_db(transaction=True)
def test_two_posts_at_the_same_moment_save_once(organization, admin_user):
    require_or_skip(
        connection.vendor == "postgresql",
        "two connections that wait on each other need PostgreSQL (set DATABASE_URL)",
    )
    measure = MeasureFactory(program=ProgramFactory(organization=organization))
    started, release = threading.Event(), threading.Event()
    answers: list[HttpResponse] = []

    def view(hold: bool) -> HttpResponse:
        if hold:
            started.set()
            release.wait(5)  # the claim's transaction stays open while the other arrives
        comment = Comment.objects.create(measure=measure, author=admin_user, text="Én gang")
        return HttpResponse(status=302, headers={"Location": f"/c/{comment.pk}/"})

    def post(hold: bool) -> None:
        request = RequestFactory().post("/comment/", {"form_once": "same-token-for-both-posts"})
        request._messages = CookieStorage(request)
        try:
            answers.append(run_once(request, admin_user, "same-token-for-both", lambda: view(hold)))
        finally:
            connections.close_all()

    first = threading.Thread(target=post, args=(True,))
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=post, args=(False,))
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second POST waits for the first"
    release.set()
    first.join(10)
    second.join(10)
    assert Comment.objects.count() == 1
    assert [a["Location"] for a in answers] == [f"/c/{Comment.objects.get().pk}/"] * 2


# --- every form that creates a record carries a token ---------------------------------------


def create_views(patterns=None, namespace=""):
    """URL names of the views that create records: by class, by name, by the usual words."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from create_views(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", None)
            name = f"{namespace}{pattern.name}"
            if (
                (view is not None and issubclass(view, CreateView))
                or name.endswith(("_create", "_add", "_comment"))
                or (view is not None and re.search(r"(Create|Add)View$", view.__name__))
            ):
                yield name


FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
ACTION = re.compile(r"""action="\{% url ['"]([\w:]+)['"]""")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_every_create_form_in_a_template_carries_a_token():
    names = set(create_views())
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        for form in FORM.findall(path.read_text()):
            action = ACTION.search(form)
            if action and action.group(1) in names and "{% form_once" not in form:
                missing.append(f"{path.relative_to(TEMPLATES)}: {action.group(1)}")
    assert not missing, missing


def test_every_create_page_renders_its_form_with_a_token(organization, login, request):
    """Each create view that shows its form, as a role that may use it (per the matrix)."""
    ctx = LazyContext(BUILDERS, organization=organization)
    checked, missing = [], []
    for name in sorted(create_views()):
        role = next((r for r in reversed(MEMBER_ROLES) if MATRIX[name].get[r] == 200), None)
        if role is None:  # answers POST only: its form is on another page (test above)
            continue
        client = login(request.getfixturevalue(ROLE_FIXTURES[role]))
        url = reverse(name, kwargs=MATRIX[name].kwargs(ctx))
        for form in FORM.findall(client.get(url).content.decode()):
            action = re.search(r'action="([^"#?]*)', form)
            if 'method="post"' in form and (action is None or action.group(1) == url):
                checked.append(name)
                if not TOKEN.search(form):
                    missing.append(name)
    # Some pages have no form with the matrix's objects (no logic element to draw from).
    assert len(set(checked)) >= 20, checked
    assert not missing, missing


@pytest.mark.parametrize(
    ("status", "errors", "claimed"),
    [(302, False, True), (200, False, True), (200, True, False), (400, False, False)],
)
def test_only_an_answer_that_saved_something_claims_the_token(
    organization, admin_user, status, errors, claimed
):
    """Rows written on the way (a log row) do not claim a form shown again with its errors,
    nor a refusal; the corrected form must still be sent with the same token."""
    from django import forms
    from django.template.response import TemplateResponse

    measure = MeasureFactory(program=ProgramFactory(organization=organization))
    request = RequestFactory().post("/x/", {"form_once": "a-token-of-the-right-form"})
    request._messages = CookieStorage(request)
    request.user = admin_user

    def view() -> HttpResponse:
        Comment.objects.create(measure=measure, author=admin_user, text="logget")
        form = forms.Form(data={})
        if errors:
            form.add_error(None, "Feil")
        response = TemplateResponse(request, "includes/form.html", {"form": form}, status=status)
        if status == 302:
            response["Location"] = "/saved/"
        return response

    run_once(request, admin_user, "a-token-of-the-right-form", view)
    assert FormClaim.objects.exists() is claimed
