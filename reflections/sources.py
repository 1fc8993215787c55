"""Placeholder."""

from collections.abc import Iterable
from typing import Any


class _Nothing:
    def __init__(self, key: str) -> None:
        self.key = key

    def occurrences(self, *args: Any) -> Iterable[Any]:
        return []


learning_meetings = _Nothing("meetings")
action_items = _Nothing("actions")
