"""Ids past 999 must never be printed with a thousands separator (Norwegian "1 234")."""

from django.urls import reverse

from measures.models import Measure
from tests.factories import GoalFactory, MeasureFactory, ProgramFactory


def test_ids_in_anchors_and_links_are_never_grouped(login, coordinator, organization):
    program = ProgramFactory(organization=organization, pk=123456)
    measure = MeasureFactory(program=program, pk=654321)
    goal = GoalFactory(measure=measure, pk=7777)
    client = login(coordinator)

    page = client.get(reverse("program_detail", args=[organization.slug, program.pk]))
    assert "?program=123456" in page.content.decode()
    page = client.get(reverse("measure_detail", args=[organization.slug, measure.pk]))
    body = page.content.decode()
    assert f'id="goal-{goal.pk}"' in body
    assert "\xa0" not in "".join(part for part in body.split('"') if part.startswith("goal-"))
    assert Measure.objects.get(pk=654321)
