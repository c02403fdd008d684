"""Recurrence rules: expanded in Riga wall-clock time, bounded, refused with a clear reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from resoc.programmes import recurrence

UTC = dt.UTC


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Messages are asserted in English; Latvian is checked where translation is the point.
    with translation.override("en"):
        yield


def expand(rule: str, starts_on: dt.date, ends_on: dt.date, **kwargs: object) -> list[recurrence.Occurrence]:
    return recurrence.expand(
        rule=rule,
        starts_on=starts_on,
        ends_on=ends_on,
        start_time=kwargs.get("start_time", dt.time(10, 0)),  # type: ignore[arg-type]
        minutes=kwargs.get("minutes", 90),  # type: ignore[arg-type]
    )


def message(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.message_dict["recurrence"])


def test_weekly_rule_gives_the_named_days_until_the_end() -> None:
    found = expand("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270120", dt.date(2027, 1, 4), dt.date(2027, 1, 31))
    days = [o.starts_at.date() for o in found]
    assert days == [dt.date(2027, 1, d) for d in (4, 6, 11, 13, 18, 20)]
    assert all(o.ends_at - o.starts_at == dt.timedelta(minutes=90) for o in found)


def test_sessions_keep_their_local_time_across_the_spring_change() -> None:
    # Summer time in Riga starts on Sunday 28 March 2027: 10:00 local is 08:00 UTC before, 07:00 after.
    found = expand("FREQ=WEEKLY;BYDAY=FR;COUNT=2", dt.date(2027, 3, 26), dt.date(2027, 4, 30))
    assert [o.starts_at.astimezone(UTC).hour for o in found] == [8, 7]
    assert [o.starts_at.hour for o in found] == [10, 10]


def test_sessions_keep_their_local_time_across_the_autumn_change() -> None:
    # Winter time returns on Sunday 31 October 2027; a session across the change keeps its length.
    found = expand(
        "FREQ=DAILY;COUNT=3",
        dt.date(2027, 10, 30),
        dt.date(2027, 11, 5),
        start_time=dt.time(1, 0),
        minutes=180,
    )
    assert [o.starts_at.astimezone(UTC).hour for o in found] == [22, 22, 23]
    assert [o.starts_at.hour for o in found] == [1, 1, 1]
    assert all(o.ends_at.hour == 4 for o in found)


def test_a_utc_until_is_read_as_riga_time() -> None:
    # 21:59 UTC on 17 January is 23:59 in Riga, still 17 January: Monday the 17th is included.
    found = expand(
        "RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20270117T215900Z", dt.date(2027, 1, 3), dt.date(2027, 2, 1)
    )
    assert [o.starts_at.date() for o in found] == [dt.date(2027, 1, 4), dt.date(2027, 1, 11)]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("FREQ=WEEKLY;BYDAY=MO", "must end"),
        ("FREQ=HOURLY;COUNT=3", "daily, weekly or monthly"),
        ("FREQ=WEEKLY;BYDAY=XX;COUNT=3", "not valid"),
        ("FREQ=WEEKLY;COUNT", "not valid"),
        ("FREQ=WEEKLY;COUNT=2;DTSTART=20270101", "may not use"),
        ("", "Enter a recurrence rule"),
        ("FREQ=DAILY;COUNT=401", "more than 400 sessions"),
        ("FREQ=WEEKLY;BYDAY=MO;COUNT=10", "after the group's last day"),
        ("FREQ=WEEKLY;BYDAY=MO;UNTIL=20261201", "no session"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(rule: str, expected: str) -> None:
    with pytest.raises(ValidationError) as error:
        expand(rule, dt.date(2027, 1, 4), dt.date(2027, 2, 28))
    assert expected in message(error)


def test_the_reason_is_translated() -> None:
    with translation.override("lv"), pytest.raises(ValidationError) as error:
        expand("FREQ=WEEKLY;BYDAY=MO", dt.date(2027, 1, 4), dt.date(2027, 2, 28))
    assert "UNTIL" in message(error)
    assert "must end" not in message(error)
