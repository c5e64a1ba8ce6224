"""Data versions: short strings that change whenever the data behind a derived page could have
changed, so a page worked out once can be kept under a key holding the version it was made from
(`cached_content`, below; used by `recommendations/page_cache.py` and `complaints/page_cache.py`). The same version always means the same data, in every
process and on every server, so such an entry is never stale and needs no invalidation.

The backbone is the head of the transition log. Every state change of every workflow object, and
every change that rides on one (a response's due date with an extension's decision, the responses
issued with a report's publication), writes a log entry in the same transaction as the change
(`workflow.perform`, `TransitionLog.record`). Entries are chained under one lock held to commit, so
ids commit in order and the latest committed entry names the whole log history: on PostgreSQL an id
is never handed out twice, even by a transaction that rolled back, and its hash covers everything
before it. What changes without a log entry needs its own part, read from its table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.core.cache import caches
from django.db.models import Count, Max, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from workflow.models import TransitionLog


def log_head() -> str:
    """The latest transition log entry, as "id:hash" ("0" for an empty log). One index lookup."""
    head = TransitionLog.objects.order_by("-pk").values_list("pk", "row_hash").first()
    return "0" if head is None else f"{head[0]}:{head[1]}"


def appended(rows: QuerySet[Any]) -> str:
    """A version of an append-only table (rows never change or go): its row count and latest id.
    The count grows with every committed row, whichever order concurrent writers commit in (the
    latest id alone would miss a lower id committed after a higher one)."""
    found = rows.order_by().aggregate(count=Count("pk"), latest=Max("pk"))
    return f"{found['count']}:{found['latest'] or 0}"


def fingerprint(rows: QuerySet[Any], fields: Iterable[str]) -> str:
    """A hash of `fields` of every row of a small table that can be edited in place (reference data
    such as organisations, with no timestamp to read): any edit, addition or removal changes it."""
    digest = hashlib.sha256()
    for values in rows.order_by("pk").values_list("pk", *fields):
        digest.update(repr(values).encode())
    return digest.hexdigest()[:32]


def combine(*parts: str) -> str:
    """One short version of several."""
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def cached_content(
    page: str,
    *key: str,
    today: date,
    render: Callable[[], SafeString],
    alias: str = "derived",
) -> SafeString:
    """The content `render()` makes, kept in the cache `alias` (config/settings.py) under `page`,
    `key`, the language and `today` (the date the content is worked out for). Read the data
    version (part of `key`) before rendering, so an entry is never older than its version."""
    parts = [page, get_language() or "", today.isoformat(), *key]
    cache_key = f"{page}:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    cache = caches[alias]
    content = cache.get(cache_key)
    if content is None:
        # A SafeString from our own templates; it stays one through the cache's pickling.
        content = render()
        cache.set(cache_key, content)
    return content
