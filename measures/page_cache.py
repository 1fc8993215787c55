"""The measure page's content, cached per measure, reader, day and language.

The page gathers nine sections from six apps (``settings.MEASURE_PAGE_SECTIONS``) and the
measure's own tags, contributors, comments and history: about 35 queries and, for the annual
wheel's section, the expansion of a year of occurrences. All of it is kept under a key made of
the organisation's data version (dataversion/versions.py): every write to a record the page
shows bumps the version on commit, so the next reader builds afresh.

What is kept is data (each section's template name and context), never HTML: the templates
are rendered per request, so the forms' CSRF and one-time tokens are always the reader's own.

The key holds:
- the reader (and whether they are a superuser, and their role here): the sections decide
  links and forms from the reader's permissions, which depend on the role, on leading or
  contributing to the measure, and more; one entry per reader keeps that exact without each
  section saying what it depends on (a role given or ended bumps the version too);
- the day, and an entry expires at the next midnight: the wheel's next occurrences, the next
  learning meeting and what is overdue count from today;
- the language: labels worked out in Python (phase names, kinds) are in the reader's language.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone, translation

from dataversion import versions
from measures.models import Measure

# The content was built from data at least as new as the version in its key; a day at most.
KIND = "measure_page"


def seconds_to_midnight() -> int:
    now = timezone.localtime()
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    return max(int((timezone.make_aware(midnight, now.tzinfo) - now).total_seconds()), 1)


def page_key(request: HttpRequest, measure: Measure) -> str:
    user: Any = request.user
    membership = getattr(request, "membership", None)
    return versions.key(
        KIND,
        versions.current([measure.organization_id]),
        measure.pk,
        user.pk,
        bool(getattr(user, "is_superuser", False)),
        getattr(membership, "role", None),
        timezone.localdate().isoformat(),
        translation.get_language(),
    )


def cached_content(request: HttpRequest, measure: Measure, build: Any) -> dict[str, Any]:
    """``build()``'s dict for this reader, from the cache when nothing it shows has changed.
    The version is read before building, so an entry is never older than its key."""
    key = page_key(request, measure)
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, seconds_to_midnight())
    return dict(found)
