"""The status dashboard's content, cached per organisation, filter, day and language.

Built by ``measures_content`` (reports/content.py) and kept under a key made of the
organisation's data version (dataversion/versions.py): any write to what the dashboard
shows bumps the version on commit, so the next reader builds afresh. The entry holds data
only, the same for every role that may see the dashboard; what differs by role (the
summary links) is rendered per request from the reader's own permissions.

The day is in the key, and an entry expires at the next midnight in Oslo: the next
checkpoints count from today, and "overdue" is judged against it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.utils import timezone, translation

from dataversion import versions
from measures.models import Program
from organizations.models import Organization, Unit
from reports.content import MeasureContent, measures_content


def seconds_to_midnight(now: datetime | None = None) -> int:
    now = timezone.localtime(now)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    midnight = timezone.make_aware(midnight, now.tzinfo)
    return max(int((midnight - now).total_seconds()), 1)


def dashboard_measures(
    organization: Organization,
    *,
    program: Program | None,
    unit: Unit | None,
    service: Unit | None = None,
    today: date,
) -> list[MeasureContent]:
    """What ``measures_content`` gives for the dashboard, from the cache when it is current.
    Callers may filter and sort the list they get: it is theirs."""
    current = versions.current([organization.pk])
    key = versions.key(
        "dashboard",
        current,
        organization.pk,
        program.pk if program else None,
        unit.pk if unit else None,
        service.pk if service else None,
        today.isoformat(),
        # Derived checkpoint titles (an evaluation due) are worded in the reader's language.
        translation.get_language(),
    )
    found: list[MeasureContent] | None = cache.get(key)
    if found is None:
        found = measures_content(
            organization, program=program, unit=unit, service=service, today=today
        )
        cache.set(key, found, seconds_to_midnight())
    return list(found)
