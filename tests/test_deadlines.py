"""SI 2018/748 reg 2 working days and reg 5's acknowledgement clock; the response period."""

from datetime import UTC, date, datetime, timedelta

import pytest

from workflow.deadlines import (
    LONDON,
    Calendar,
    acknowledgement_due,
    decision_target,
    explain_acknowledgement_due,
    is_working_day,
    response_due,
)

PLAIN = Calendar()


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 23), True),  # Monday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 12, 25), False),  # Christmas Day (Friday)
        (date(2026, 12, 28), False),  # Boxing Day substitute (Monday)
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 4), False),  # Early May bank holiday
        (date(2026, 5, 25), False),  # Spring bank holiday
        (
            date(2026, 8, 31),
            False,
        ),  # Summer bank holiday (England and Wales, not Scotland's 3 August)
        (
            date(2026, 8, 3),
            True,
        ),  # Scotland's summer bank holiday is a working day here
        (date(2026, 3, 17), True),  # St Patrick's Day: Northern Ireland only
        (date(2022, 9, 19), False),  # State Funeral of Queen Elizabeth II (proclaimed)
        (date(2022, 6, 3), False),  # Platinum Jubilee
        (date(2023, 5, 8), False),  # Coronation
        (date(2027, 12, 27), False),  # Christmas Day substitute
        (date(2027, 12, 28), False),  # Boxing Day substitute
        (date(2027, 12, 29), True),
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day, calendar=PLAIN) is expected


def test_is_working_day_reads_one_off_holidays_from_the_database(db):
    from workflow.models import ExtraHoliday

    ExtraHoliday.objects.create(day=date(2026, 11, 24), name="Proclaimed holiday")

    assert is_working_day(date(2026, 11, 24)) is False
    assert is_working_day(date(2026, 11, 23)) is True


@pytest.mark.parametrize(
    ("received_at", "due"),
    [
        # Monday: Mon(1) Tue Wed Thu Fri(5)
        (london(2026, 11, 23, 9, 0), date(2026, 11, 27)),
        # Friday: Fri(1) Mon Tue Wed Thu(5)
        (london(2026, 11, 27, 16, 59), date(2026, 12, 3)),
        # Saturday: day 1 is Monday
        (london(2026, 11, 28, 12, 0), date(2026, 12, 4)),
        # Sunday late evening still Sunday
        (london(2026, 11, 29, 23, 59), date(2026, 12, 4)),
        # Christmas: Mon 21 Dec (1) Tue Wed Thu(4), Fri 25 and Mon 28 skipped, Tue 29 (5)
        (london(2026, 12, 21, 10, 0), date(2026, 12, 29)),
        # Received on Christmas Day: day 1 is Tuesday 29 December
        (london(2026, 12, 25, 10, 0), date(2027, 1, 5)),
        # Easter 2026: Thu 2 Apr (1), Good Friday and Easter Monday skipped: Tue(2) .. Fri 10 Apr (5)
        (london(2026, 4, 2, 10, 0), date(2026, 4, 10)),
        # Received on Good Friday: day 1 is Tuesday 7 April
        (london(2026, 4, 3, 10, 0), date(2026, 4, 13)),
        # State Funeral 2022: Thu 15 Sep (1) Fri(2) Mon 19 skipped Tue(3) Wed(4) Thu 22 (5)
        (london(2022, 9, 15, 10, 0), date(2022, 9, 22)),
    ],
)
def test_acknowledgement_due(received_at, due):
    assert acknowledgement_due(received_at, calendar=PLAIN) == due


def test_receipt_day_is_the_day_in_england_in_summer_time():
    # 23:30 UTC on Friday 26 June 2026 is 00:30 BST on Saturday 27 June: received on a Saturday.
    received_at = datetime(2026, 6, 26, 23, 30, tzinfo=UTC)

    assert acknowledgement_due(received_at, calendar=PLAIN) == date(2026, 7, 3)


def test_receipt_day_is_the_day_in_england_in_winter_time():
    # 23:30 UTC on Friday 27 November 2026 is 23:30 GMT, still Friday: day 1 is that Friday.
    received_at = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)

    assert acknowledgement_due(received_at, calendar=PLAIN) == date(2026, 12, 3)


def test_clocks_going_back_do_not_change_the_count():
    # Sunday 25 October 2026 is when BST ends. Received Friday 23 October.
    assert acknowledgement_due(london(2026, 10, 23, 18, 0), calendar=PLAIN) == date(
        2026, 10, 29
    )


def test_clocks_going_forward_do_not_change_the_count():
    # Sunday 29 March 2026 is when BST starts. Received 00:30 UTC Monday 30 March = 01:30 BST.
    assert acknowledgement_due(
        datetime(2026, 3, 30, 0, 30, tzinfo=UTC), calendar=PLAIN
    ) == date(2026, 4, 7)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        acknowledgement_due(datetime(2026, 11, 23, 10, 0), calendar=PLAIN)  # noqa: DTZ001


def test_one_off_holiday_moves_the_due_date():
    calendar = Calendar(extra={date(2026, 11, 25): "Proclaimed bank holiday"})

    assert acknowledgement_due(london(2026, 11, 23, 9, 0), calendar=calendar) == date(
        2026, 11, 30
    )


def test_explanation_lists_each_day_and_why_it_was_skipped():
    explanation = explain_acknowledgement_due(
        london(2026, 12, 24, 10, 0), calendar=PLAIN
    )

    assert [(step.day, step.counted, step.note) for step in explanation.steps] == [
        (date(2026, 12, 24), True, "working day 1"),
        (date(2026, 12, 25), False, "not counted: Christmas Day"),
        (date(2026, 12, 26), False, "not counted: Saturday"),
        (date(2026, 12, 27), False, "not counted: Sunday"),
        (date(2026, 12, 28), False, "not counted: bank holiday: Boxing Day (observed)"),
        (date(2026, 12, 29), True, "working day 2"),
        (date(2026, 12, 30), True, "working day 3"),
        (date(2026, 12, 31), True, "working day 4"),
        (date(2027, 1, 1), False, "not counted: bank holiday: New Year's Day"),
        (date(2027, 1, 2), False, "not counted: Saturday"),
        (date(2027, 1, 3), False, "not counted: Sunday"),
        (date(2027, 1, 4), True, "working day 5"),
    ]
    assert explanation.due == date(2027, 1, 4)
    assert "regulation 5" in explanation.source
    assert "day 1" in explanation.rule


def test_explanation_names_good_friday():
    explanation = explain_acknowledgement_due(london(2026, 4, 2, 10, 0), calendar=PLAIN)

    notes = [step.note for step in explanation.steps if not step.counted]
    assert notes == [
        "not counted: Good Friday",
        "not counted: Saturday",
        "not counted: Sunday",
        "not counted: bank holiday: Easter Monday",
    ]


def test_response_due_is_56_days_after_publication_by_default():
    # The stalking report: published 27 September 2024, 56-day update due 22 November 2024.
    assert response_due(date(2024, 9, 27)) == date(2024, 11, 22)


def test_response_due_can_count_beginning_with_publication(settings):
    settings.RESPONSE_PERIOD_CONVENTION = "beginning_with"

    assert response_due(date(2024, 9, 27)) == date(2024, 11, 21)


def test_response_period_is_a_setting(settings):
    settings.RESPONSE_PERIOD_DAYS = 90

    assert response_due(date(2026, 1, 1)) == date(2026, 1, 1) + timedelta(days=90)


def test_decision_target_is_calendar_days_from_receipt(settings):
    settings.ELIGIBILITY_DECISION_TARGET_DAYS = 90

    assert decision_target(london(2026, 11, 23, 9, 0)) == date(2027, 2, 21)
