"""Latvian public holidays and working days (law "Par svētku, atceres un atzīmējamām dienām", 2.1 pants).

Fixed days: 1 January, 1 May, 4 May, 23 and 24 June, 18 November, 24, 25, 26 and 31 December.
Movable: Good Friday, Easter Sunday and Easter Monday (Western Easter). When 4 May or 18 November
falls on a Saturday or Sunday, the next Monday is a day off. One-off days off declared by the
Cabinet for a single year (e.g. a song festival) are not in the law and are not included.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

_FIXED = [(1, 1), (5, 1), (5, 4), (6, 23), (6, 24), (11, 18), (12, 24), (12, 25), (12, 26), (12, 31)]
# Days whose weekend occurrence moves the day off to the next Monday.
_MOVED_TO_MONDAY = [(5, 4), (11, 18)]


def easter_sunday(year: int) -> dt.date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[dt.date]:
    days = {dt.date(year, month, day) for month, day in _FIXED}
    easter = easter_sunday(year)
    days |= {easter - dt.timedelta(days=2), easter, easter + dt.timedelta(days=1)}
    for month, day in _MOVED_TO_MONDAY:
        date = dt.date(year, month, day)
        if date.weekday() >= 5:
            days.add(date + dt.timedelta(days=7 - date.weekday()))
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts)."""
    if days < 0:
        raise ValueError(days)
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
