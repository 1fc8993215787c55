"""Expectations for a meeting's minutes (the printable page and the PDF) and a measure's
reflection over time.

Every member reads them, politicians included; they only answer GET (a POST is 405). The
meeting is the shared matrix meeting (``BUILDERS["meeting"]`` in reflections_meetings.py) on
the matrix measure.
"""

from __future__ import annotations

from tests.matrix.base import ALL_MEMBERS, Case, measure_and, org, slug_and


def read():
    return (org(ALL_MEMBERS, 200), org(ALL_MEMBERS, 405))


MATRIX = {
    "meeting_minutes": Case(slug_and("meeting"), *read()),
    "meeting_minutes_pdf": Case(slug_and("meeting"), *read()),
    "measure_reflection": Case(measure_and(), *read()),
}
