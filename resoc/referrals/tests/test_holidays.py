import datetime as dt

import pytest

from resoc.referrals.holidays import (
    add_working_days,
    easter_sunday,
    is_working_day,
    public_holidays,
    working_days_between,
)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, dt.date(2024, 3, 31)),
        (2025, dt.date(2025, 4, 20)),
        (2026, dt.date(2026, 4, 5)),
        (2027, dt.date(2027, 3, 28)),
        (2038, dt.date(2038, 4, 25)),
    ],
)
def test_easter_sunday(year, expected):
    assert easter_sunday(year) == expected


def test_the_easter_days_are_holidays():
    days = public_holidays(2026)
    assert dt.date(2026, 4, 3) in days  # Good Friday
    assert dt.date(2026, 4, 6) in days  # Easter Monday
    assert not is_working_day(dt.date(2026, 4, 6))


def test_fixed_days_and_christmas_eve():
    days = public_holidays(2025)
    for month, day in [
        (1, 1),
        (5, 1),
        (5, 4),
        (6, 23),
        (6, 24),
        (11, 18),
        (12, 24),
        (12, 25),
        (12, 26),
        (12, 31),
    ]:
        assert dt.date(2025, month, day) in days


def test_independence_days_on_a_weekend_move_to_monday():
    # 4 May 2025 is a Sunday, 18 November 2023 a Saturday.
    assert dt.date(2025, 5, 5) in public_holidays(2025)
    assert dt.date(2023, 11, 20) in public_holidays(2023)
    # Midsummer does not move: 23 and 24 June 2029 are a Saturday and a Sunday.
    assert dt.date(2029, 6, 25) not in public_holidays(2029)


def test_ten_working_days_skip_weekends_and_easter():
    # Sent on Wednesday 1 April 2026: Good Friday 3, Easter Monday 6 April and two weekends skipped.
    assert add_working_days(dt.date(2026, 4, 1), 10) == dt.date(2026, 4, 17)
    # An ordinary fortnight.
    assert add_working_days(dt.date(2026, 3, 2), 10) == dt.date(2026, 3, 16)


def test_the_year_end_holidays():
    # From Tuesday 22 December 2026: 24, 25, 26 (Sat), 31 December and 1 January are not counted.
    assert add_working_days(dt.date(2026, 12, 22), 5) == dt.date(2027, 1, 4)
    assert working_days_between(dt.date(2026, 12, 22), dt.date(2027, 1, 4)) == 5
    assert working_days_between(dt.date(2027, 1, 4), dt.date(2026, 12, 22)) == 0
