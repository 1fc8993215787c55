"""The reflection questions the product ships, by theme and phase, in our own words.

They are copied into an organisation the first time its question bank is needed (and again for
any default added later); its coordinators may then reword (a new version), add and retire
questions. ``key`` never changes once shipped: it is how an organisation's copy is matched to
the default. ``phase`` is None for a question that fits every phase.
"""

from __future__ import annotations

from typing import TypedDict


class DefaultQuestion(TypedDict):
    key: str
    theme: str
    phase: int | None
    nb: str
    nn: str
    en: str


DEFAULT_QUESTIONS: list[DefaultQuestion] = [
    {
        "key": "learning.surprised",
        "theme": "learning",
        "phase": None,
        "nb": "Hva har overrasket oss siden sist, og hva lærer vi av det?",
        "nn": "Kva har overraska oss sidan sist, og kva lærer vi av det?",
        "en": "What has surprised us since last time, and what do we learn from it?",
    },
    {
        "key": "goals.judge",
        "theme": "goals",
        "phase": 2,
        "nb": "Hvordan skal vi vite om vi har nådd målene våre?",
        "nn": "Korleis skal vi vite om vi har nådd måla våre?",
        "en": "How will we know whether we have reached our goals?",
    },
]
