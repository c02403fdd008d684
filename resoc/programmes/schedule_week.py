"""A group's schedule as a week grid: seven days side by side, each with its sessions in time order.

Weeks are ISO weeks (Monday first) on the Riga wall clock, named ``2027-W01`` in the address. The
sessions of a week are read in one query whatever their number; the grid is built in Python.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from resoc.programmes.models import Group, Session
from resoc.programmes.recurrence import RIGA

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass
class Day:
    date: dt.date
    sessions: list[Session] = field(default_factory=list)


@dataclass
class Week:
    monday: dt.date
    days: list[Day]

    @property
    def key(self) -> str:
        return week_key(self.monday)

    @property
    def previous(self) -> str:
        return week_key(self.monday - dt.timedelta(days=7))

    @property
    def next(self) -> str:
        return week_key(self.monday + dt.timedelta(days=7))

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def session_count(self) -> int:
        return sum(len(day.sessions) for day in self.days)


def week_key(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value: str) -> dt.date | None:
    """The Monday of an ISO week written ``YYYY-Www``; ``None`` for anything else."""
    match = WEEK.match(value)
    if match is None:
        return None
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def default_monday(group: Group, today: dt.date) -> dt.date:
    """The week to show first: this week while the group runs, else its first or its last week."""
    day = min(max(today, group.starts_on), group.ends_on)
    return day - dt.timedelta(days=day.weekday())


def group_week(*, group: Group, monday: dt.date) -> Week:
    """The group's sessions (cancelled ones too, marked as such) in the week from ``monday`` (one query)."""
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=RIGA)
    end = start + dt.timedelta(days=7)
    days = [Day(date=monday + dt.timedelta(days=n)) for n in range(7)]
    sessions = (
        Session.objects.filter(group=group, starts_at__gte=start, starts_at__lt=end)
        .select_related("room")
        .order_by("starts_at", "pk")
    )
    for session in sessions:
        days[(session.starts_at.astimezone(RIGA).date() - monday).days].sessions.append(session)
    return Week(monday=monday, days=days)
