"""Tags typed as names: the organisation's existing tags are reused (whatever their case) and
missing ones created. Measures and lessons share one set of tags per organisation."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from measures.models import Tag
from organizations.models import Organization


def tags_for_names(organization: Organization, names: Iterable[str]) -> list[Tag]:
    """The organisation's tags with these names, in the given order, creating missing ones.

    Names compare without case ("Skole" is the tag "skole"); a name given twice gives one tag.
    """
    wanted: list[str] = []
    for name in names:
        if name and name.lower() not in {seen.lower() for seen in wanted}:
            wanted.append(name)
    if not wanted:
        return []
    existing = {
        tag.name.lower(): tag
        for tag in Tag.objects.filter(organization=organization)
        .annotate(lowered=Lower("name"))
        .filter(lowered__in=[name.lower() for name in wanted])
    }
    return [existing.get(name.lower()) or _create(organization, name) for name in wanted]


def _create(organization: Organization, name: str) -> Tag:
    # Someone else may create the same tag between our read and our write; the unique
    # constraint then refuses ours and theirs is the one to use. The savepoint keeps the
    # caller's transaction usable after the refusal.
    try:
        with transaction.atomic():
            return Tag.objects.create(organization=organization, name=name)
    except IntegrityError:
        return Tag.objects.annotate(lowered=Lower("name")).get(
            organization=organization, lowered=name.lower()
        )
