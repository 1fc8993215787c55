"""The list of annual wheels, making one (with the planning cycle), editing it, and applying
the planning cycle from its page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import WheelFactory
from yearwheel import planning_cycle
from yearwheel.models import Event, Ring, Wheel
from yearwheel.services import WheelExists, wheel_create

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


@pytest.fixture
def today(monkeypatch):
    """Pins "today" to 22 November 2026."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 11, 22))
    return date(2026, 11, 22)


# --- the list --------------------------------------------------------------------------------


def test_without_wheels_the_list_explains_and_offers_planners_a_new_one(
    organization, coordinator, viewer, login
):
    with translation.override("en"):
        page = login(coordinator).get(url("wheel_index", organization)).content.decode()
        assert "There is no annual wheel yet." in page
        assert url("wheel_create", organization) in page

        page = login(viewer).get(url("wheel_index", organization)).content.decode()
        assert "There is no annual wheel yet." in page
        assert url("wheel_create", organization) not in page


def test_the_list_shows_the_newest_first_and_marks_the_current_one(
    organization, member, login, today
):
    for year in (2025, 2027, 2026):
        WheelFactory(organization=organization, year=year, start_month=1)

    with translation.override("en"):
        response = login(member).get(url("wheel_index", organization))

    assert [wheel.year for wheel in response.context["wheels"]] == [2027, 2026, 2025]
    assert response.context["current"].year == 2026
    assert response.content.decode().count(">current</span>") == 1


def test_the_navigation_links_to_the_annual_wheel(organization, member, login):
    with translation.override("en"):
        page = login(member).get(url("organization_home", organization)).content.decode()
    assert f'href="{url("wheel_index", organization)}">Annual wheel</a>' in page


# --- making a wheel ---------------------------------------------------------------------------


def test_the_form_proposes_the_planning_year_containing_today(
    organization, coordinator, login, today
):
    organization.planning_year_start_month = 8
    organization.save()
    form = login(coordinator).get(url("wheel_create", organization)).context["form"]
    assert form["year"].value() == 2026
    assert form["start_month"].value() == 8
    assert form["apply_template"].value() is True


def test_in_spring_an_august_planning_year_started_the_year_before(
    organization, coordinator, login, monkeypatch
):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2027, 3, 1))
    organization.planning_year_start_month = 8
    organization.save()
    form = login(coordinator).get(url("wheel_create", organization)).context["form"]
    assert form["year"].value() == 2026


def test_a_new_wheel_gets_the_planning_cycle_and_the_system_rings(
    organization, coordinator, login, today
):
    organization.planning_year_start_month = 8
    organization.save()
    response = login(coordinator).post(
        url("wheel_create", organization),
        {"year": "2026", "start_month": "8", "title": "", "apply_template": "on"},
    )

    wheel = Wheel.objects.get(organization=organization, year=2026)
    assert response.status_code == 302
    assert response["Location"] == wheel.get_absolute_url()
    assert wheel.start_month == 8
    assert wheel.created_by == coordinator
    assert wheel.uses_planning_cycle
    # The wheel is the current one, so next year's is made at once, with the cycle too.
    following = Wheel.objects.get(organization=organization, year=2027)
    assert (following.made_automatically, following.uses_planning_cycle) == (True, True)
    events = Event.objects.filter(organization=organization)
    assert events.count() == 2 * len(planning_cycle.ITEMS)
    # Where the cycle put an item on a weekend, the person is told which moved.
    with translation.override("en"):
        shown = [str(message) for message in response.wsgi_request._messages]
    assert any("Moved from a weekend" in message for message in shown)
    system = Ring.objects.filter(organization=organization).exclude(source="")
    assert set(system.values_list("source", flat=True)) == {
        "evaluations",
        "activities",
        "routines",
        "meetings",
        "actions",
    }


def test_a_new_wheel_without_the_planning_cycle_is_empty(organization, coordinator, login):
    login(coordinator).post(
        url("wheel_create", organization),
        {"year": "2026", "start_month": "1", "title": "Årshjul for oppvekst"},
    )
    wheel = Wheel.objects.get(organization=organization, year=2026)
    assert wheel.title == "Årshjul for oppvekst"
    assert not Event.objects.filter(organization=organization).exists()


def test_a_second_wheel_for_the_same_year_is_refused(organization, coordinator, login):
    WheelFactory(organization=organization, year=2026)

    with translation.override("en"):
        response = login(coordinator).post(
            url("wheel_create", organization),
            {"year": "2026", "start_month": "1", "apply_template": "on"},
        )

    assert response.status_code == 200
    assert "There is already an annual wheel for the planning year 2026" in str(
        response.context["form"].errors["year"]
    )
    assert Wheel.objects.filter(organization=organization).count() == 1
    assert not Event.objects.exists()


def test_another_organisations_wheel_of_the_year_is_no_obstacle(
    organization, other_organization, coordinator, login
):
    WheelFactory(organization=other_organization, year=2026)
    response = login(coordinator).post(
        url("wheel_create", organization), {"year": "2026", "start_month": "1"}
    )
    assert response.status_code == 302


def test_the_service_refuses_a_taken_year_and_leaves_nothing_behind(organization, coordinator):
    WheelFactory(organization=organization, year=2026)
    with pytest.raises(WheelExists):
        wheel_create(
            organization=organization,
            user=coordinator,
            year=2026,
            start_month=1,
            apply_template=True,
        )
    assert not Event.objects.exists()


def test_year_and_month_must_be_real(organization, coordinator, login):
    response = login(coordinator).post(
        url("wheel_create", organization), {"year": "1999", "start_month": "13"}
    )
    assert set(response.context["form"].errors) == {"year", "start_month"}
    assert not Wheel.objects.exists()


# --- editing ----------------------------------------------------------------------------------


def test_editing_changes_title_and_introduction_but_not_the_year(organization, coordinator, login):
    wheel = WheelFactory(organization=organization, year=2026, start_month=1)
    response = login(coordinator).post(
        url("wheel_update", organization, year=2026),
        {"title": "Oppvekst 2026", "introduction": "Hei", "year": "2030", "start_month": "8"},
    )
    wheel.refresh_from_db()
    assert response.status_code == 302
    assert (wheel.title, wheel.introduction, wheel.year, wheel.start_month) == (
        "Oppvekst 2026",
        "Hei",
        2026,
        1,
    )


def test_an_unknown_year_is_not_found(organization, coordinator, login):
    assert login(coordinator).get(url("wheel_update", organization, year=2031)).status_code == 404


# --- the planning cycle -----------------------------------------------------------------------


def test_the_template_page_lists_what_it_would_add_and_adds_it_once(
    organization, coordinator, login
):
    WheelFactory(organization=organization, year=2025, start_month=1)  # not current: no roll
    template_url = url("wheel_apply_template", organization, year=2025)
    client = login(coordinator)

    with translation.override("en"):
        page = client.get(template_url).content.decode()
    assert "Kommunestyret vedtar budsjett og økonomiplan" in page
    assert "Will be added" in page

    assert client.post(template_url).status_code == 302
    assert client.post(template_url).status_code == 302
    assert Event.objects.filter(organization=organization).count() == len(planning_cycle.ITEMS)

    with translation.override("en"):
        page = client.get(template_url).content.decode()
    assert "Will be added" not in page
    assert "The wheel already has every item of the planning cycle." in page
