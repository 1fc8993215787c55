"""The logic model: elements in columns, arrows forwards only, reordering, pages and sections."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from measures.logic_chart import chart_layout, load_chain, wrap_text
from measures.models import LogicColumn, LogicElement, LogicLink
from measures.views.logic import measure_section
from tests.factories import (
    LogicElementFactory,
    LogicLinkFactory,
    MeasureFactory,
    ProgramFactory,
    UserFactory,
)

C = LogicColumn


@pytest.fixture
def measure(organization, team_lead):
    return MeasureFactory(program=ProgramFactory(organization=organization), team_lead=team_lead)


@pytest.fixture
def english():
    """Shows a user's pages in English, so tests can read the (untranslated) messages."""

    def _english(user):
        user.language = "en"
        user.save(update_fields=["language"])
        return user

    return _english


def url(name, measure, *args, **query):
    path = reverse(name, args=[measure.organization.slug, measure.pk, *args])
    return f"{path}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else path


def element(measure, column, text, position=0):
    return LogicElementFactory(measure=measure, column=column, text=text, position=position)


# --- the chain page ----------------------------------------------------------------------------


def test_it_shows_the_columns_in_order_with_assumptions_and_every_arrow_in_words(
    login, member, measure, english
):
    effect = element(measure, C.IMPACTS, "Fewer pupils drop out")
    activity = element(measure, C.ACTIVITIES, "Adults on duty at every break")
    element(measure, C.RESOURCES, "Two hours a week per school")
    element(measure, C.ASSUMPTIONS, "The schools keep their staffing")
    LogicLink.objects.create(measure=measure, source=activity, target=effect)

    response = login(english(member)).get(url("logic_model", measure))
    body = response.content.decode()

    assert response.status_code == 200
    headings = [str(column.label) for column in C if column != C.ASSUMPTIONS]
    positions = [body.index(f"</span> {heading}</h3>") for heading in headings]
    assert positions == sorted(positions)
    assert "The schools keep their staffing" in body
    arrows = response.context["chain"].arrows
    assert [(a.source.text, a.target.text) for a in arrows] == [
        ("Adults on duty at every break", "Fewer pupils drop out")
    ]
    # In the English page the organisation's words carry its written standard (bokmål).
    assert '<span class="visually-hidden">leads to</span> <span lang="nb">Fewer pupils drop' in body
    assert 'role="img"' in body and '<title id="logic-chart-title">' in body
    # A member reads; the editing controls are not offered.
    assert reverse("logic_element_create", args=[measure.organization.slug, measure.pk]) not in body


def test_an_empty_logic_model_shows_no_drawing(login, member, measure):
    response = login(member).get(url("logic_model", measure))
    assert response.status_code == 200
    assert "<svg" not in response.content.decode()


def test_the_print_view_has_the_chain_but_no_navigation_or_controls(login, coordinator, measure):
    element(measure, C.ACTIVITIES, "Weekly meeting")
    response = login(coordinator).get(url("logic_model", measure, print=1))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "Weekly meeting" in body
    assert "navbar" not in body
    assert reverse("logic_element_create", args=[measure.organization.slug, measure.pk]) not in body
    assert 'class="logic-page' in body  # the print stylesheet's A4 landscape page


def test_long_texts_are_shortened_in_the_drawing_only(login, member, measure):
    text = "word " * 60
    element(measure, C.OUTPUTS, text.strip())
    lines = wrap_text(text)
    assert len(lines) == 5 and lines[-1].endswith("…")
    body = login(member).get(url("logic_model", measure)).content.decode()
    assert text.strip() in body


def test_the_drawing_has_a_box_per_element_and_a_path_per_arrow(measure):
    link = LogicLinkFactory(measure=measure)
    element(measure, C.ASSUMPTIONS, "Stable staffing")
    chart = chart_layout(load_chain(measure))
    assert len(chart.boxes) == 3 and len(chart.paths) == 1
    boxes = {box.pk: box for box in chart.boxes}
    source, target = boxes[link.source_id], boxes[link.target_id]
    assert source.x < target.x  # activities left of outputs
    assert chart.paths[0].startswith(f"M{source.x + chart.box_width},")
    assert max(box.x for box in chart.boxes) > chart.separator_x  # assumptions beside


# --- elements ----------------------------------------------------------------------------------


def test_the_team_lead_adds_an_element_at_the_end_of_its_column(login, team_lead, measure):
    element(measure, C.OUTPUTS, "First", position=4)
    client = login(team_lead)
    form = client.get(url("logic_element_create", measure, column=3))
    assert form.context["form"].initial == {"column": 3}

    response = client.post(url("logic_element_create", measure), {"column": 3, "text": "Second"})

    new = LogicElement.objects.get(text="Second")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#element-{new.pk}")
    assert (new.measure, new.column, new.position) == (measure, C.OUTPUTS, 5)


def test_bad_element_input_is_refused_naming_the_field(login, coordinator, measure, english):
    client = login(english(coordinator))
    response = client.post(url("logic_element_create", measure), {"column": 7, "text": " "})
    body = response.content.decode()
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"column", "text"}
    assert 'href="#id_text">Text</a>' in body
    assert "Nothing was saved" in body
    response = client.post(url("logic_element_create", measure), {"column": 2, "text": "x" * 301})
    assert "text" in response.context["form"].errors
    assert not LogicElement.objects.exists()


def test_an_element_moved_to_another_column_goes_to_its_end(login, coordinator, measure):
    element(measure, C.OUTCOMES, "Already there", position=0)
    moving = element(measure, C.OUTPUTS, "Moving", position=0)
    login(coordinator).post(
        url("logic_element_update", measure, moving.pk), {"column": 4, "text": "Moved"}
    )
    moving.refresh_from_db()
    assert (moving.column, moving.position, moving.text) == (C.OUTCOMES, 1, "Moved")


def test_a_column_change_that_would_turn_an_arrow_backwards_is_refused(
    login, coordinator, measure, english
):
    link = LogicLinkFactory(measure=measure)  # activities → outputs
    client = login(english(coordinator))
    for column in (C.OUTCOMES, C.ASSUMPTIONS):
        response = client.post(
            url("logic_element_update", measure, link.source_id),
            {"column": column, "text": "Changed"},
        )
        assert response.status_code == 200
        assert "no longer point forwards" in response.context["form"].errors["column"][0]
    link.source.refresh_from_db()
    assert (link.source.column, link.source.text) != (C.OUTCOMES, "Changed")
    assert link.source.column == C.ACTIVITIES
    # Further back is fine: the arrow still points forwards.
    client.post(
        url("logic_element_update", measure, link.source_id), {"column": 1, "text": "Changed"}
    )
    link.source.refresh_from_db()
    assert link.source.column == C.RESOURCES


def test_deleting_an_element_asks_first_and_takes_its_arrows(login, team_lead, measure):
    link = LogicLinkFactory(measure=measure)
    client = login(team_lead)
    confirm = client.get(url("logic_element_delete", measure, link.source_id))
    assert confirm.status_code == 200
    assert [arrow.pk for arrow in confirm.context["arrows"]] == [link.pk]
    assert LogicElement.objects.count() == 2  # nothing deleted by looking

    response = client.post(url("logic_element_delete", measure, link.source_id))
    assert response.status_code == 302
    assert list(LogicElement.objects.all()) == [link.target]
    assert not LogicLink.objects.exists()


# --- reordering --------------------------------------------------------------------------------


def test_moving_up_and_down_swaps_neighbours_in_the_column(login, team_lead, measure):
    a, _, c = (element(measure, C.ACTIVITIES, text, position=i) for i, text in enumerate("ABC"))
    other_column = element(measure, C.OUTPUTS, "X", position=0)
    client = login(team_lead)

    response = client.post(url("logic_element_move", measure, c.pk), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#element-{c.pk}")
    order = lambda: list(  # noqa: E731
        LogicElement.objects.filter(column=C.ACTIVITIES)
        .order_by("position", "pk")
        .values_list("text", flat=True)
    )
    assert order() == ["A", "C", "B"]
    client.post(url("logic_element_move", measure, a.pk), {"direction": "down"})
    assert order() == ["C", "A", "B"]
    other_column.refresh_from_db()
    assert other_column.position == 0


def test_moving_past_the_end_changes_nothing(login, team_lead, measure):
    a = element(measure, C.ACTIVITIES, "A", position=0)
    b = element(measure, C.ACTIVITIES, "B", position=1)
    client = login(team_lead)
    client.post(url("logic_element_move", measure, a.pk), {"direction": "up"})
    client.post(url("logic_element_move", measure, b.pk), {"direction": "down"})
    client.post(url("logic_element_move", measure, b.pk), {"direction": "sideways"})
    assert [e.text for e in LogicElement.objects.order_by("position", "pk")] == ["A", "B"]


def test_equal_positions_are_renumbered_so_a_move_is_visible(login, team_lead, measure):
    a = element(measure, C.ACTIVITIES, "A", position=3)
    b = element(measure, C.ACTIVITIES, "B", position=3)
    login(team_lead).post(url("logic_element_move", measure, b.pk), {"direction": "up"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (b.position, a.position) == (0, 1)


# --- arrows ------------------------------------------------------------------------------------


def test_the_team_lead_draws_an_arrow_forwards(login, team_lead, measure):
    source = element(measure, C.RESOURCES, "Funding")
    target = element(measure, C.OUTCOMES, "Pupils feel safe")
    response = login(team_lead).post(
        url("logic_link_create", measure), {"source": source.pk, "target": target.pk}
    )
    assert response.status_code == 302
    link = LogicLink.objects.get()
    assert (link.measure, link.source, link.target) == (measure, source, target)


@pytest.mark.parametrize(
    ("source_column", "target_column"),
    [(C.OUTPUTS, C.ACTIVITIES), (C.ACTIVITIES, C.ACTIVITIES), (C.IMPACTS, C.RESOURCES)],
)
def test_an_arrow_must_point_forwards(
    login, coordinator, measure, english, source_column, target_column
):
    source = element(measure, source_column, "From")
    target = element(measure, target_column, "To")
    response = login(english(coordinator)).post(
        url("logic_link_create", measure), {"source": source.pk, "target": target.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["target"] == [
        "An arrow must point forwards along the chain."
    ]
    assert 'href="#id_target">To</a>: An arrow must point forwards' in response.content.decode()
    assert not LogicLink.objects.exists()


def test_an_element_cannot_point_at_itself(login, coordinator, measure):
    same = element(measure, C.ACTIVITIES, "Alone")
    response = login(coordinator).post(
        url("logic_link_create", measure), {"source": same.pk, "target": same.pk}
    )
    assert "target" in response.context["form"].errors
    assert not LogicLink.objects.exists()


def test_assumptions_take_no_arrows(login, coordinator, measure, english):
    assumption = element(measure, C.ASSUMPTIONS, "Stable staffing")
    activity = element(measure, C.ACTIVITIES, "Weekly meeting")
    with translation.override("en"), pytest.raises(ValidationError, match="take no arrows"):
        LogicLink(measure=measure, source=activity, target=assumption).clean()

    client = login(english(coordinator))
    form = client.get(url("logic_link_create", measure)).context["form"]
    assert list(form.fields["source"].queryset) == [activity]
    assert list(form.fields["target"].queryset) == [activity]
    for data in ({"source": activity.pk, "target": assumption.pk}, {"source": assumption.pk}):
        response = client.post(url("logic_link_create", measure), {"target": activity.pk, **data})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not LogicLink.objects.exists()


def test_the_arrow_form_offers_and_accepts_only_this_measures_elements(
    login, coordinator, measure, other_organization
):
    mine = element(measure, C.ACTIVITIES, "Mine")
    sibling = element(MeasureFactory(program=measure.program), C.OUTPUTS, "Other measure")
    foreign = element(
        MeasureFactory(program=ProgramFactory(organization=other_organization)),
        C.OUTPUTS,
        "Other organisation",
    )
    client = login(coordinator)
    body = client.get(url("logic_link_create", measure)).content.decode()
    assert "Mine" in body
    assert "Other measure" not in body and "Other organisation" not in body

    for stranger in (sibling, foreign):
        response = client.post(
            url("logic_link_create", measure), {"source": mine.pk, "target": stranger.pk}
        )
        assert response.status_code == 200
        assert list(response.context["form"].errors) == ["target"]
        response = client.post(
            url("logic_link_create", measure), {"source": stranger.pk, "target": mine.pk}
        )
        assert "source" in response.context["form"].errors
    assert not LogicLink.objects.exists()


def test_the_same_arrow_cannot_be_drawn_twice(login, coordinator, measure, english):
    link = LogicLinkFactory(measure=measure)
    response = login(english(coordinator)).post(
        url("logic_link_create", measure), {"source": link.source_id, "target": link.target_id}
    )
    assert response.context["form"].errors["target"] == [
        "This arrow is already in the logic model."
    ]
    assert LogicLink.objects.count() == 1


def test_an_arrow_is_deleted_with_a_post(login, team_lead, measure):
    link = LogicLinkFactory(measure=measure)
    response = login(team_lead).post(url("logic_link_delete", measure, link.pk))
    assert response.status_code == 302
    assert not LogicLink.objects.exists()
    assert LogicElement.objects.count() == 2


# --- permissions and other measures' objects ---------------------------------------------------

EDIT_URLS = [
    ("get", "logic_element_create", None),
    ("post", "logic_element_create", None),
    ("get", "logic_element_update", "element"),
    ("post", "logic_element_update", "element"),
    ("post", "logic_element_move", "element"),
    ("get", "logic_element_delete", "element"),
    ("post", "logic_element_delete", "element"),
    ("get", "logic_link_create", None),
    ("post", "logic_link_create", None),
    ("post", "logic_link_delete", "link"),
]


@pytest.mark.parametrize(("method", "name", "kind"), EDIT_URLS)
def test_a_team_lead_who_does_not_lead_the_measure_cannot_change_it(
    login, team_lead, organization, method, name, kind
):
    measure = MeasureFactory(
        program=ProgramFactory(organization=organization),
        team_lead=UserFactory(),
    )
    link = LogicLinkFactory(measure=measure)
    args = {"element": [link.source_id], "link": [link.pk], None: []}[kind]
    response = getattr(login(team_lead), method)(url(name, measure, *args), {"direction": "up"})
    assert response.status_code == 403
    assert LogicLink.objects.count() == 1 and LogicElement.objects.count() == 2


@pytest.mark.parametrize(("method", "name", "kind"), [*EDIT_URLS, ("get", "logic_model", None)])
def test_objects_of_another_measure_or_organisation_give_404(
    login, coordinator, measure, other_organization, method, name, kind
):
    sibling_link = LogicLinkFactory(measure=MeasureFactory(program=measure.program))
    foreign_measure = MeasureFactory(program=ProgramFactory(organization=other_organization))
    foreign_link = LogicLinkFactory(measure=foreign_measure)
    client = login(coordinator)
    slug = measure.organization.slug
    if kind:
        for link in (sibling_link, foreign_link):
            pk = link.source_id if kind == "element" else link.pk
            response = getattr(client, method)(reverse(name, args=[slug, measure.pk, pk]))
            assert response.status_code == 404, link
    # Another organisation's measure under this organisation's address.
    pk = {"element": foreign_link.source_id, "link": foreign_link.pk}.get(kind)
    args = [slug, foreign_measure.pk, *([pk] if pk else [])]
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 404
    assert LogicLink.objects.count() == 2 and LogicElement.objects.count() == 4


# --- fixed query counts ------------------------------------------------------------------------


def build_chain(measure, per_column):
    elements = {
        column: [
            LogicElementFactory(measure=measure, column=column, position=i)
            for i in range(per_column)
        ]
        for column in C
    }
    for i in range(per_column):
        LogicLinkFactory(
            measure=measure, source=elements[C.ACTIVITIES][i], target=elements[C.OUTPUTS][i]
        )


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path", ["logic_model", "logic_model?print=1", "measure_detail", "logic_link_create"]
)
def test_pages_run_the_same_number_of_queries_for_few_and_many_elements(
    login, coordinator, organization, path
):
    name, _, query = path.partition("?")
    small = MeasureFactory(program=ProgramFactory(organization=organization))
    large = MeasureFactory(program=small.program)
    build_chain(small, 1)
    build_chain(large, 10)  # 60 elements, 10 arrows
    client = login(coordinator)
    paths = [f"{url(name, m)}{'?' + query if query else ''}" for m in (small, large)]
    client.get(paths[0])  # the first request of a session does some bookkeeping
    counts = [count_queries(client, path) for path in paths]
    assert counts[0] == counts[1], counts


def test_the_measure_section_runs_three_queries_whatever_the_size(
    rf, coordinator, organization, django_assert_num_queries
):
    for per_column in (1, 10):
        measure = MeasureFactory(program=ProgramFactory(organization=organization))
        build_chain(measure, per_column)
        request = rf.get("/")
        request.user, request.organization = coordinator, organization
        coordinator.has_perm("measures.change_measure", measure)  # membership cached
        # Elements, arrows and the knowledge items.
        with django_assert_num_queries(3):
            section = measure_section(request, measure)
        assert section is not None
        assert section.context["chain"].element_count == 6 * per_column


def test_the_section_stays_away_from_another_organisations_measure(
    rf, coordinator, organization, other_organization
):
    foreign = MeasureFactory(program=ProgramFactory(organization=other_organization))
    request = rf.get("/")
    request.user, request.organization = coordinator, organization
    assert measure_section(request, foreign) is None
