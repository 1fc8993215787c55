"""The measure page and programme page are built from sections, one per area of the product.

Each area offers a function ``(request, obj) -> Section | None``; the pages call them in the
order listed here. A section's context function must run a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


SectionFunction = Callable[[HttpRequest, Any], Section | None]


def measure_sections() -> list[SectionFunction]:
    from measures.views import evaluations, goals, logic

    return [goals.measure_section, logic.measure_section, evaluations.measure_section]


def program_sections() -> list[SectionFunction]:
    from measures.views import knowledge

    return [knowledge.program_section]


def render_sections(
    functions: list[SectionFunction], request: HttpRequest, obj: Any
) -> list[Section]:
    return [section for function in functions if (section := function(request, obj)) is not None]
