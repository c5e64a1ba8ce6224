"""The one clock the workflows read. Normally the real time; the demo seeder can set it to a historical
moment so that real past complaints are recorded through the real services with their real dates."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_fixed: ContextVar[datetime | None] = ContextVar("workflow_clock", default=None)


def now() -> datetime:
    return _fixed.get() or timezone.now()


def today() -> date:
    return timezone.localdate(now())


@contextmanager
def fixed_at(moment: datetime) -> Iterator[None]:
    """Run the enclosed code as if it were `moment` (aware). Used only to record historical facts."""
    if timezone.is_naive(moment):
        raise ValueError("the clock needs an aware datetime")
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
