"""The measure page and programme page are built from sections, one per area of the product.

Each area offers a function ``(request, obj) -> Section | None``; the pages call them in the
order of the settings ``MEASURE_PAGE_SECTIONS`` and ``PROGRAM_PAGE_SECTIONS``. Listing them in
settings lets apps that build on measures (phases, and later the annual wheel and reflections)
add to the measure page without the measures app importing them. A section function must run
a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string


@dataclass
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


SectionFunction = Callable[[HttpRequest, Any], Section | None]


@cache
def measure_sections() -> list[SectionFunction]:
    return [import_string(path) for path in settings.MEASURE_PAGE_SECTIONS]


@cache
def program_sections() -> list[SectionFunction]:
    return [import_string(path) for path in settings.PROGRAM_PAGE_SECTIONS]


def render_sections(
    functions: list[SectionFunction], request: HttpRequest, obj: Any
) -> list[Section]:
    return [section for function in functions if (section := function(request, obj)) is not None]


# What a partner sees of a measure besides its card (measures/views/partners.py): the part's
# flag on the partnership (``share_plan``) and the function that draws it, from the settings
# ``SHARED_MEASURE_SECTIONS``, so measures imports neither phases nor reflections. A function
# takes the measure and its owner organisation, runs a fixed number of queries, and returns
# ``None`` when it has nothing to show. Its template links nowhere: the owner's pages are not
# the partner's.
SharedSectionFunction = Callable[[Any, Any], Section | None]


@cache
def shared_sections() -> list[tuple[str, SharedSectionFunction]]:
    return [(part, import_string(path)) for part, path in settings.SHARED_MEASURE_SECTIONS]
