"""Rings: the list, new and edited rings (names, readable colours), order, archive and restore."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import EventFactory, RingFactory
from yearwheel.models import Kind, Ring
from yearwheel.occurrences import occurrences_between
from yearwheel.services import ring_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(login):
    """Logs in with English as the person's language: the middleware follows the user, so
    the pages (and the messages checked here) are in English."""

    def _login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        return login(user)

    return _login


def url(name, organization, **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def ring_data(**changes):
    data = {
        "name": "Skole",
        "description": "Skolene i kommunen",
        "colour": "#1f5f8b",
        "default_kind": Kind.CHECKPOINT,
        "is_visible": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_list_shows_rings_with_counts_and_system_rings(
    organization, member, coordinator, login
):
    ring = RingFactory(organization=organization, name="Barnehage", colour="#2e6b30")
    EventFactory.create_batch(2, organization=organization, ring=ring)
    EventFactory(organization=organization, ring=ring, is_archived=True)

    with translation.override("en"):
        response = login(member).get(url("ring_list", organization))
    page = response.content.decode()
    rings = response.context["rings"]
    assert rings[0].name == "Barnehage"
    assert rings[0].event_count == 2
    assert {r.source for r in rings if r.is_system} == {
        "evaluations",
        "activities",
        "routines",
        "meetings",
        "actions",
    }
    assert "system ring" in page
    assert 'fill="#2e6b30"' in page  # the swatch
    assert url("ring_create", organization) not in page
    assert url("ring_update", organization, pk=ring.pk) not in page

    page = login(coordinator).get(url("ring_list", organization)).content.decode()
    assert url("ring_update", organization, pk=ring.pk) in page


def test_a_new_ring_goes_last(organization, coordinator, login):
    RingFactory(organization=organization, position=7)
    response = login(coordinator).post(url("ring_create", organization), ring_data())
    ring = Ring.objects.get(organization=organization, name="Skole")
    assert response.status_code == 302
    assert ring.position == 8
    assert (ring.colour, ring.default_kind, ring.source) == ("#1f5f8b", Kind.CHECKPOINT, "")


def test_the_colour_field_is_a_colour_picker(organization, coordinator, login):
    page = login(coordinator).get(url("ring_create", organization)).content.decode()
    assert 'type="color"' in page


def test_a_light_colour_is_refused_with_the_contrast_message(organization, coordinator, login):
    response = login(coordinator).post(
        url("ring_create", organization), ring_data(colour="#ffcc00")
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["colour"]
    assert error.code == "contrast"
    # The page speaks the person's language (the fixtures' people use English here).
    assert "This colour is too light to read on white" in response.content.decode()
    assert not Ring.objects.filter(name="Skole").exists()


def test_names_are_unique_in_the_organisation_whatever_the_case(
    organization, other_organization, coordinator, login
):
    RingFactory(organization=organization, name="Skole", is_archived=True)
    RingFactory(organization=other_organization, name="Barnehage")
    client = login(coordinator)

    with translation.override("en"):
        response = client.post(url("ring_create", organization), ring_data(name="  SKOLE "))
    assert "There is already a ring called “Skole” (archived)" in str(
        response.context["form"].errors["name"]
    )
    assert (
        client.post(url("ring_create", organization), ring_data(name="Barnehage")).status_code
        == 302
    )


def test_a_ring_keeps_its_own_name_when_edited(organization, coordinator, login):
    ring = RingFactory(organization=organization, name="Skole")
    response = login(coordinator).post(
        url("ring_update", organization, pk=ring.pk), ring_data(colour="#005F73", is_visible=None)
    )
    ring.refresh_from_db()
    assert response.status_code == 302
    assert (ring.colour, ring.is_visible) == ("#005f73", False)


def test_a_system_ring_can_be_renamed_but_keeps_what_it_shows(organization, coordinator, login):
    client = login(coordinator)
    client.get(url("ring_list", organization))
    ring = Ring.objects.get(organization=organization, source=Ring.Source.EVALUATIONS)

    response = client.post(
        url("ring_update", organization, pk=ring.pk),
        ring_data(name="Evalueringer av tiltak", source="", colour="#7a3e00"),
    )

    ring.refresh_from_db()
    assert response.status_code == 302
    assert (ring.name, ring.source) == ("Evalueringer av tiltak", Ring.Source.EVALUATIONS)


def test_another_organisations_ring_is_not_found(
    organization, other_organization, coordinator, login
):
    ring = RingFactory(organization=other_organization)
    client = login(coordinator)
    assert client.get(url("ring_update", organization, pk=ring.pk)).status_code == 404
    assert client.post(url("ring_archive", organization, pk=ring.pk)).status_code == 404


def test_moving_swaps_a_ring_with_its_neighbour(organization, coordinator, login):
    first = RingFactory(organization=organization, name="A", position=0)
    second = RingFactory(organization=organization, name="B", position=0)
    third = RingFactory(organization=organization, name="C", position=5)
    client = login(coordinator)

    response = client.post(url("ring_move", organization, pk=third.pk), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#ring-{third.pk}")
    order = list(Ring.objects.filter(organization=organization).values_list("name", flat=True))
    assert order == ["A", "C", "B"]

    client.post(url("ring_move", organization, pk=first.pk), {"direction": "up"})
    client.post(url("ring_move", organization, pk=second.pk), {"direction": "sideways"})
    order = list(Ring.objects.filter(organization=organization).values_list("name", flat=True))
    assert order == ["A", "C", "B"]


def test_moving_skips_archived_rings(organization):
    first = RingFactory(organization=organization, name="A", position=0)
    RingFactory(organization=organization, name="Old", position=1, is_archived=True)
    third = RingFactory(organization=organization, name="C", position=2)
    assert ring_move(ring=third, step=-1)
    active = Ring.objects.active().filter(organization=organization)
    assert list(active.values_list("name", flat=True)) == ["C", "A"]
    assert not ring_move(ring=Ring.objects.get(pk=third.pk), step=-1)
    assert first.pk in active.values_list("pk", flat=True)


def test_archiving_a_ring_hides_its_events_and_restoring_brings_them_back(
    organization, coordinator, login
):
    ring = RingFactory(organization=organization)
    EventFactory(organization=organization, ring=ring, start_date=date(2026, 10, 15))
    client = login(coordinator)
    period = (date(2026, 1, 1), date(2026, 12, 31))

    response = client.post(url("ring_archive", organization, pk=ring.pk))
    assert response.status_code == 302
    ring.refresh_from_db()
    assert ring.is_archived
    assert occurrences_between(organization, *period) == []
    assert ring in client.get(url("ring_list", organization)).context["archived_rings"]

    client.post(url("ring_restore", organization, pk=ring.pk))
    ring.refresh_from_db()
    assert not ring.is_archived
    assert len(occurrences_between(organization, *period)) == 1


def test_only_planners_change_rings(organization, team_lead, login):
    ring = RingFactory(organization=organization)
    client = login(team_lead)
    assert client.post(url("ring_create", organization), ring_data()).status_code == 403
    assert client.post(url("ring_archive", organization, pk=ring.pk)).status_code == 403
