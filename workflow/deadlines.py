"""The working-day calendar and the statutory clocks (SI 2018/748), as pure functions.

A working day (reg 2) is any day except a Saturday, a Sunday, Christmas Day, Good Friday or a bank
holiday in England and Wales under the Banking and Financial Dealings Act 1971. Bank holidays come from
the `holidays` package (England and Wales, which matches GOV.UK's list) plus any one-off holiday an
administrator adds (`ExtraHoliday`). Every clock can explain itself day by day for the "how this date
was worked out" panel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

LONDON = ZoneInfo("Europe/London")
REG_2 = "SI 2018/748, regulation 2"
REG_5 = "SI 2018/748, regulation 5"
ACKNOWLEDGEMENT_WORKING_DAYS = 5


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> dict[date, str]:
    return dict(
        holidays.country_holidays("GB", subdiv="ENG", years=year, language="en_GB")
    )


@dataclass(frozen=True)
class Calendar:
    """Bank holidays of England and Wales plus administrator-added one-off holidays."""

    extra: dict[date, str] = field(default_factory=dict)

    @classmethod
    def current(cls) -> Calendar:
        from workflow.models import ExtraHoliday

        return cls(extra=dict(ExtraHoliday.objects.values_list("day", "name")))

    def non_working_reason(self, day: date) -> str | None:
        """Why `day` is not a working day, in plain words, or None if it is one."""
        if day.weekday() == 5:
            return _("Saturday")
        if day.weekday() == 6:
            return _("Sunday")
        if day in self.extra:
            return _("one-off bank holiday: %(name)s") % {"name": self.extra[day]}
        name = _bank_holidays(day.year).get(day)
        if name is None:
            return None
        if day.month == 12 and day.day == 25:
            return _("Christmas Day")
        if name == "Good Friday":
            return _("Good Friday")
        return _("bank holiday: %(name)s") % {"name": name}

    def is_working_day(self, day: date) -> bool:
        return self.non_working_reason(day) is None


def is_working_day(day: date, *, calendar: Calendar | None = None) -> bool:
    """Reg 2: not a Saturday, Sunday, Christmas Day, Good Friday or England and Wales bank holiday."""
    return (calendar or Calendar.current()).is_working_day(day)


@dataclass(frozen=True)
class DayStep:
    day: date
    counted: bool
    note: str


@dataclass(frozen=True)
class Explanation:
    """How a due date was worked out: the rule, its source, and each day looked at."""

    title: str
    due: date
    rule: str
    source: str
    steps: tuple[DayStep, ...]
    is_statutory: bool = True


def local_date(moment: datetime) -> date:
    """The calendar date in England of an aware instant (a submission at 23:30 UTC in summer is the
    next day in England)."""
    if timezone.is_naive(moment):
        raise ValueError("an aware datetime is needed")
    return moment.astimezone(LONDON).date()


def explain_acknowledgement_due(
    received_at: datetime, *, calendar: Calendar | None = None
) -> Explanation:
    """Reg 5: acknowledge before the end of 5 working days beginning with the day of receipt in England,
    or with the next working day if receipt falls on a day that is not a working day. Day 1 is that day."""
    calendar = calendar or Calendar.current()
    received_on = local_date(received_at)
    steps: list[DayStep] = []
    day = received_on
    counted = 0
    while True:
        reason = calendar.non_working_reason(day)
        if reason is None:
            counted += 1
            steps.append(DayStep(day, True, _("working day %(n)d") % {"n": counted}))
            if counted == ACKNOWLEDGEMENT_WORKING_DAYS:
                break
        else:
            steps.append(
                DayStep(day, False, _("not counted: %(reason)s") % {"reason": reason})
            )
        day += timedelta(days=1)
    rule = _(
        "Received on %(received)s. The acknowledgement is due before the end of 5 working days beginning "
        "with the day of receipt (day 1), or with the next working day if it was received on a day that "
        "is not a working day. Weekends, Christmas Day, Good Friday and bank holidays in England and "
        "Wales do not count."
    ) % {"received": date_format(received_on)}
    return Explanation(
        title=_("Acknowledgement due"),
        due=day,
        rule=rule,
        source=f"{REG_5}; {REG_2}",
        steps=tuple(steps),
    )


def acknowledgement_due(
    received_at: datetime, *, calendar: Calendar | None = None
) -> date:
    """Reg 5 due date for acknowledging a complaint received at `received_at` (see the explanation)."""
    return explain_acknowledgement_due(received_at, calendar=calendar).due


def explain_response_due(published_on: date) -> Explanation:
    """Recipients' response: publication date + RESPONSE_PERIOD_DAYS calendar days (practice, DOMAIN.md
    §3.2 7a), or the same period beginning with the publication day when the setting says so."""
    period = settings.RESPONSE_PERIOD_DAYS
    beginning_with = settings.RESPONSE_PERIOD_CONVENTION == "beginning_with"
    due = published_on + timedelta(days=period - 1 if beginning_with else period)
    if beginning_with:
        rule = _(
            "%(n)d calendar days beginning with the day of publication (%(published)s), which is day 1."
        )
    else:
        rule = _(
            "%(n)d calendar days after the day of publication (%(published)s); the next day is day 1."
        )
    rule = rule % {"n": period, "published": date_format(published_on)}
    return Explanation(
        title=_("Response due"),
        due=due,
        rule=rule,
        source=_(
            "Practice of super-complaint reports (a 56-day update is requested); compare Police Act 1996 "
            "s55(5A). The period and counting convention are settings."
        ),
        steps=(
            DayStep(published_on, False, _("publication day")),
            DayStep(due, True, _("day %(n)d") % {"n": period}),
        ),
    )


def response_due(published_on: date) -> date:
    """Due date of a recipient's response to a report published on `published_on`."""
    return explain_response_due(published_on).due


def explain_decision_target(received_at: datetime) -> Explanation:
    """The service target for the eligibility decision. Reg 6 sets no time limit: this is not statutory."""
    received_on = local_date(received_at)
    days = settings.ELIGIBILITY_DECISION_TARGET_DAYS
    due = received_on + timedelta(days=days)
    return Explanation(
        title=_("Eligibility decision target"),
        due=due,
        rule=_(
            "A service target of %(n)d calendar days from receipt (%(received)s). The law sets no time "
            "limit for the eligibility decision; this target is HMICFRS's own and is configurable."
        )
        % {"n": days, "received": date_format(received_on)},
        source=_(
            "Service target (not statutory); SI 2018/748 regulation 6 sets no time limit"
        ),
        steps=(
            DayStep(received_on, False, _("day of receipt")),
            DayStep(due, True, _("day %(n)d") % {"n": days}),
        ),
        is_statutory=False,
    )


def decision_target(received_at: datetime) -> date:
    return explain_decision_target(received_at).due
