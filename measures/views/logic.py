"""Views of this area. ``measure_section`` adds the area's part of the measure page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from measures.sections import Section


def measure_section(request: HttpRequest, measure: Any) -> Section | None:
    return None


def program_section(request: HttpRequest, program: Any) -> Section | None:
    return None
