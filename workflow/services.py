"""Changes to the working-day calendar, which move the due dates of open items."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workflow.models import ExtraHoliday

# Each app with calendar-based due dates registers a function that recomputes its open items.
RECOMPUTERS: list[Callable[..., int]] = []


def register_recomputer(recompute: Callable[..., int]) -> None:
    if recompute not in RECOMPUTERS:
        RECOMPUTERS.append(recompute)


def _recompute_all(why: str) -> int:
    return sum(recompute(why=why) for recompute in RECOMPUTERS)


def add_extra_holiday(*, day: date, name: str) -> tuple[ExtraHoliday, int]:
    """Add a proclaimed one-off bank holiday and move the due dates it affects. Returns the holiday
    and how many due dates moved."""
    with transaction.atomic():
        holiday = ExtraHoliday.objects.create(day=day, name=name)
        moved = _recompute_all(
            _("One-off bank holiday added: %(name)s, %(day)s")
            % {"name": name, "day": date_format(day)}
        )
    return holiday, moved


def remove_extra_holiday(holiday: ExtraHoliday) -> int:
    with transaction.atomic():
        name, day = holiday.name, holiday.day
        holiday.delete()
        return _recompute_all(
            _("One-off bank holiday removed: %(name)s, %(day)s")
            % {"name": name, "day": date_format(day)}
        )
