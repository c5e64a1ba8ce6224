"""Tamper evidence for the transition log.

Each entry carries `row_hash`, a SHA-256 over a canonical JSON form of its content and of
`prev_hash`, the hash of the entry before it (by id; the first chains from `GENESIS_HASH`). Changing
an entry's content breaks its own hash; removing, inserting or reordering entries breaks the link at
the next one. `verify_chain` walks the log and reports the first break (`manage.py verify_log`).

A writer must read "the entry before" and insert its own under one lock held to commit, or two
writers would chain from the same entry; on PostgreSQL `lock_chain` takes a transaction-level
advisory lock, and SQLite serialises writers anyway. A unique `prev_hash` turns any fork the lock
missed into an error rather than a silent branch.

The chain proves the log is whole up to its latest entry; someone able to rewrite every hash after a
change (or to cut entries off the end) is caught only by comparing the latest hash with one noted
elsewhere, which is why `verify_log` prints it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.apps import apps as global_apps
from django.db import connections, transaction

GENESIS_HASH = "0" * 64
# Any fixed 64-bit number, the same in every process: the ASCII of "translog".
CHAIN_LOCK_KEY = 0x7472616E736C6F67

# Never change this serialisation: every stored hash was computed with it.
_HASHED_FIELDS = (
    "prev_hash",
    "content_type",
    "object_id",
    "transition",
    "source",
    "target",
    "by",
    "organisation",
    "at",
    "reason",
)


def entry_hash(
    *,
    prev_hash: str,
    content_type: str,
    object_id: int,
    transition: str,
    source: str,
    target: str,
    by: int,
    organisation: int | None,
    at: datetime,
    reason: str,
) -> str:
    """The SHA-256 (hex) of one entry. `content_type` is "app_label.model", not the row id, so a
    restore into a fresh database (where content type ids differ) still verifies."""
    if at.tzinfo is None:
        raise ValueError("a transition log time must be aware")
    content = {
        "prev_hash": prev_hash,
        "content_type": content_type,
        "object_id": int(object_id),
        "transition": str(transition),
        "source": str(source),
        "target": str(target),
        "by": int(by),
        "organisation": None if organisation is None else int(organisation),
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "reason": str(reason),
    }
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def lock_chain(using: str) -> None:
    """Serialise log writers until the current transaction ends (PostgreSQL; SQLite already does).

    Taken when the entry is written, after the row locks of the transition itself, so every writer
    takes the row locks of its own subject first and this lock last."""
    connection = connections[using]
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError(
            "the transition log is written only inside a transaction"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold."""

    entry_id: int
    subject: str
    transition: str
    altered: bool
    previous_id: int | None

    def __str__(self) -> str:
        entry = f"transition log entry #{self.entry_id} ({self.transition} of {self.subject})"
        if self.altered:
            return (
                f"The {entry} has been altered: its content no longer matches its hash."
            )
        if self.previous_id is None:
            return (
                f"The chain is broken at {entry}: it does not link to the start of the log "
                "(an entry before it was removed, or it was rewritten)."
            )
        return (
            f"The chain is broken at {entry}: it does not link to entry #{self.previous_id} "
            "before it (an entry between them was removed, or one of them was rewritten with "
            "a new hash)."
        )


@dataclass(frozen=True)
class ChainReport:
    """What `verify_chain` found: how many entries held, the latest hash, and the first break."""

    verified: int
    latest_id: int | None
    latest_hash: str
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _rows(model: Any, using: str, chunk_size: int) -> Iterator[tuple[Any, ...]]:
    return (
        model._default_manager.using(using)
        .order_by("pk")
        .values_list(
            "pk",
            "content_type__app_label",
            "content_type__model",
            "object_id",
            "transition",
            "source",
            "target",
            "by_id",
            "organisation_id",
            "at",
            "reason",
            "prev_hash",
            "row_hash",
        )
        .iterator(chunk_size=chunk_size)
    )


def verify_chain(
    *, using: str = "default", model: Any = None, chunk_size: int = 2000
) -> ChainReport:
    """Recompute every entry's hash in id order and check each links to the one before.

    Reads in chunks, so memory stays flat however long the log is. `model` lets a data migration
    pass its historical model."""
    model = model or global_apps.get_model("workflow", "TransitionLog")
    previous_hash, previous_id, verified = GENESIS_HASH, None, 0
    for (
        pk,
        app_label,
        model_name,
        object_id,
        transition,
        source,
        target,
        by,
        organisation,
        at,
        reason,
        prev_hash,
        row_hash,
    ) in _rows(model, using, chunk_size):
        content_type = f"{app_label}.{model_name}"
        recomputed = entry_hash(
            prev_hash=prev_hash,
            content_type=content_type,
            object_id=object_id,
            transition=transition,
            source=source,
            target=target,
            by=by,
            organisation=organisation,
            at=at,
            reason=reason,
        )
        # The link is checked first: after a removed entry, the next one's own content is intact.
        if prev_hash != previous_hash or recomputed != row_hash:
            return ChainReport(
                verified=verified,
                latest_id=previous_id,
                latest_hash=previous_hash,
                broken=Break(
                    entry_id=pk,
                    subject=f"{content_type} #{object_id}",
                    transition=transition,
                    altered=prev_hash == previous_hash,
                    previous_id=previous_id,
                ),
            )
        previous_hash, previous_id = row_hash, pk
        verified += 1
    return ChainReport(
        verified=verified,
        latest_id=previous_id,
        latest_hash=previous_hash,
        broken=None,
    )
