"""The success factors the product ships, per phase, in our own words (nb, nn, en).

They are copied into an organisation the first time its factors are needed; its admins may
then reword (a new version), add and retire factors. ``key`` never changes once shipped.
"""

from __future__ import annotations

from typing import TypedDict


class DefaultFactor(TypedDict):
    key: str
    phase: int
    nb: str
    nn: str
    en: str


DEFAULT_FACTORS: list[DefaultFactor] = [
    {
        "key": "1.key_people",
        "phase": 1,
        "nb": "Nøkkelpersonene er navngitt, og det er klart hvem som leder arbeidet.",
        "nn": "Nøkkelpersonane er namngitte, og det er klart kven som leier arbeidet.",
        "en": "The key people are named, and it is clear who leads the work.",
    },
    {
        "key": "2.shared_direction",
        "phase": 2,
        "nb": "Vi har et felles bilde av hvor vi skal, og planen er forankret hos ansatte og ledere.",
        "nn": "Vi har eit felles bilete av kvar vi skal, og planen er forankra hos tilsette og leiarar.",
        "en": "We share a picture of where we are going, and staff and leaders stand behind the plan.",
    },
    {
        "key": "3.implementation_team",
        "phase": 3,
        "nb": "Et implementeringsteam følger framdriften mot planen med indikatorer.",
        "nn": "Eit implementeringsteam følgjer framdrifta mot planen med indikatorar.",
        "en": "An implementation team follows progress against the plan with indicators.",
    },
    {
        "key": "4.ordinary_practice",
        "phase": 4,
        "nb": "De nye rutinene er vanlig praksis og krever ingen ekstra innsats.",
        "nn": "Dei nye rutinane er vanleg praksis og krev ingen ekstra innsats.",
        "en": "The new routines are ordinary practice and need no extra effort.",
    },
]
