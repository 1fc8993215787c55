"""A calendar import's confirmation saves once: a double click or a retry of the same preview
shows the first confirmation's outcome, once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imports.models import ConfirmedImport
from tests.factories import RingFactory
from tests.yearwheel.test_ical_import import calendar, upload, vevent
from yearwheel.models import Event, Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_en(login, coordinator):
    coordinator.language = "en"
    coordinator.save(update_fields=["language"])
    return login(coordinator)


def test_a_double_clicked_confirmation_imports_once_and_shows_one_outcome(client_en, organization):
    ring = RingFactory(organization=organization, name="Skole", default_kind=Kind.MEETING)
    content = calendar(vevent("a@t", "Foreldremøte"), vevent("b@t", "Planleggingsdag"))
    payload = upload(client_en, organization, content, ring).context["payload"]
    url = reverse("event_import_confirm", args=[organization.slug])
    first = client_en.post(url, {"payload": payload})
    second = client_en.post(url, {"payload": payload})
    assert first["Location"] == second["Location"]
    page = client_en.get(second["Location"]).content.decode()
    assert page.count("Import finished: 2 events created, 0 updated, 0 unchanged.") == 1
    assert "0 events created" not in page
    assert Event.objects.count() == 2
    assert ConfirmedImport.objects.get().outcome["created"] == 2
