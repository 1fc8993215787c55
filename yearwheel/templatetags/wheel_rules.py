"""``{% load wheel_rules %}{{ event|rule_text }}``: how an event repeats, in plain words
(yearwheel/rule_text.py), for an event, an occurrence on the wheel or a bare rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from yearwheel.models import Event
from yearwheel.occurrences import Occurrence
from yearwheel.rule_text import describe_rule

register = template.Library()


@register.filter
def rule_text(value: Any, start: Any = None) -> str:
    """'' for what does not repeat, or whose rule is not known here (a derived occurrence).
    A bare rule may be given its first date: ``{{ rule|rule_text:first_date }}``."""
    if isinstance(value, Event):
        return describe_rule(value.rule_text(), value.start_date)
    if isinstance(value, Occurrence):
        # Own events' occurrences carry their series' rule and first date (yearwheel/sources.py).
        rule = value.extra.get("rule", "")
        first = value.extra.get("rule_start", "")
        return describe_rule(rule, date.fromisoformat(first) if first else value.start)
    if isinstance(value, str):
        return describe_rule(value, start if isinstance(start, date) else None)
    return ""
