"""A data version per organisation, kept in the cache, for caches with exact invalidation.

Every write to the records behind the status dashboard and the calendar feeds bumps the
version of the organisation the record belongs to, once the transaction commits
(``bump_on_commit``). A cached read model is stored under a key that holds the versions it was
built from (``key``), so a write makes the next reader miss and build afresh: nothing is
ever deleted, and an entry that is no longer reachable simply expires.

Why in the cache and not in the database: reading the versions costs no query (a cached page
stays at the same few queries), and a version is worth nothing without the entries it keys,
which live in the same cache. The danger of a cache is eviction: a version that disappears
must never come back as a value it had before, or an old entry would be served again. So a
missing version starts at a fresh value, the time in nanoseconds, which is larger than any
value the version had before (a version grows by one per write, far slower than a clock).

An *epoch* is a version shared by every organisation: bumped when a write cannot be tied to
one organisation (and by ``manage.py bump_data_versions`` after a restore or a data
migration), it changes every key at once.

Reading the versions comes first, building the content second: a write bumps after its commit,
so a reader that sees the old version built from data at least as new as that version.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence

from django.core.cache import cache
from django.db import transaction

PREFIX = "dataversion"
EPOCH = f"{PREFIX}:epoch"
# Versions live as long as the cache lets them; an evicted one restarts at a fresh value.
FOREVER = None


def _key(organization_id: int) -> str:
    return f"{PREFIX}:org:{organization_id}"


def _fresh() -> int:
    return time.time_ns()


def _current(keys: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    for key in missing:
        # add() only sets a missing key: two readers starting at once agree on one value.
        cache.add(key, _fresh(), FOREVER)
    if missing:
        found.update(cache.get_many(missing))
    return found


def current(organization_ids: Iterable[int]) -> dict[int, int]:
    """The version of each organisation (and of the epoch, under 0): one cache round trip
    when all are present."""
    ids = sorted(set(organization_ids))
    keys = [EPOCH, *(_key(pk) for pk in ids)]
    found = _current(keys)
    versions = {pk: int(found.get(_key(pk), 0)) for pk in ids}
    versions[0] = int(found.get(EPOCH, 0))
    return versions


def _incr(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # missing (never read, or evicted): start afresh
        if not cache.add(key, _fresh(), FOREVER):
            cache.incr(key)


def bump(organization_ids: Iterable[int]) -> None:
    """Now: each organisation's next reader builds afresh."""
    for pk in set(organization_ids):
        _incr(_key(pk))


def bump_everything() -> None:
    """Every organisation's cached content is left behind at once."""
    _incr(EPOCH)


def _on_commit(callback: Callable[[], None]) -> None:
    # One name to replace in tests: their transaction never commits (tests/conftest.py).
    transaction.on_commit(callback)


def bump_on_commit(organization_ids: Iterable[int]) -> None:
    """When the current transaction commits (at once outside one); never on a rollback."""
    ids = frozenset(organization_ids)
    if ids:
        _on_commit(lambda: bump(ids))


def bump_everything_on_commit() -> None:
    _on_commit(bump_everything)


def key(kind: str, versions: dict[int, int], *parts: object) -> str:
    """A cache key for ``kind`` built from ``versions`` (``current()``) and whatever else
    changes what the reader sees (``parts``: the day, the language, a filter, …)."""
    text = repr((sorted(versions.items()), parts))
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return f"{PREFIX}:{kind}:{digest}"
