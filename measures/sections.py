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
