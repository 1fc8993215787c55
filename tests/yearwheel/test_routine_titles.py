"""A maintenance routine's title on the wheel, the agenda, in reminders and emails: "kind:
description", without saying the kind twice when the description already begins with it."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from phases.models import MaintenanceRoutine
from tests.factories import MeasureFactory
from yearwheel.occurrences import occurrences_between

pytestmark = pytest.mark.django_db
Kind = MaintenanceRoutine.Kind


@pytest.fixture
def measure(organization):
    return MeasureFactory(program__organization=organization, name="Trygge friminutt")


def routine_title(measure, kind, description, language="nb"):
    MaintenanceRoutine.objects.create(
        measure=measure,
        kind=kind,
        description=description,
        recurrence="yearly",
        first_date=date(2026, 10, 20),
    )
    with translation.override(language):
        (occurrence,) = occurrences_between(
            measure.organization, date(2026, 10, 1), date(2026, 10, 31)
        )
    return occurrence.title


@pytest.mark.parametrize(
    ("kind", "description", "language", "expected"),
    [
        # The description is the kind's name: said once, whatever the reader's language.
        (Kind.TRAINING, "Opplæring av nyansatte", "nb", "Opplæring av nyansatte"),
        (Kind.TRAINING, "Opplæring av nyansatte", "en", "Opplæring av nyansatte"),
        (Kind.TRAINING, "opplæring  av nyansatte.", "nb", "opplæring  av nyansatte."),
        (Kind.TRAINING, "Opplæring av nytilsette", "nn", "Opplæring av nytilsette"),
        (Kind.TRAINING, "Training of new staff", "nb", "Training of new staff"),
        # It begins with the kind's name: the description alone says it all.
        (
            Kind.SUPERVISION,
            "Veiledning for ansatte hvert semester",
            "nb",
            "Veiledning for ansatte hvert semester",
        ),
        # Anything else keeps the kind in front.
        (
            Kind.TRAINING,
            "Kurs for nye miljøarbeidere",
            "nb",
            "Opplæring av nyansatte: Kurs for nye miljøarbeidere",
        ),
        (
            Kind.TRAINING,
            "Kurs for nye miljøarbeidere",
            "en",
            "Training of new staff: Kurs for nye miljøarbeidere",
        ),
        # Only a whole word counts: "Støttesamtaler" does not begin with "Støtte".
        (Kind.SUPPORT, "Støttesamtaler med foreldre", "nb", "Støtte: Støttesamtaler med foreldre"),
    ],
)
def test_the_kind_is_not_said_twice(measure, kind, description, language, expected):
    assert routine_title(measure, kind, description, language) == expected


def test_a_long_description_is_shortened_either_way(measure):
    long = "Opplæring av nyansatte " + "og mye mer " * 20
    title = routine_title(measure, Kind.TRAINING, long)
    assert title.startswith("Opplæring av nyansatte og")
    assert len(title) == 80
    assert title.endswith("…")
