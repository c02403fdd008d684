"""Group schedules as RFC 5545 recurrence rules, expanded into concrete sessions in Riga local time.

A rule such as ``FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301`` is read from the group's first day at the
session's start time *on the wall clock in Riga*: a 10:00 session stays at 10:00 across the change to
and from summer time (its UTC instant moves by an hour). A rule must be bounded (``UNTIL`` or
``COUNT``), may not recur more often than daily, and may not produce more than ``MAX_SESSIONS``
sessions or any session after the group's last day — otherwise it is refused with a translated message.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from dataclasses import dataclass

from dateutil.rrule import rrulestr  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

RIGA = zoneinfo.ZoneInfo("Europe/Riga")
MAX_SESSIONS = 400
ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY"}
# Properties a group's rule may use; DTSTART comes from the group, and the rest of RFC 5545 (EXDATE,
# RDATE) is expressed by cancelling or moving single sessions instead.
ALLOWED_PARTS = {"FREQ", "INTERVAL", "UNTIL", "COUNT", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"}


@dataclass(frozen=True)
class Occurrence:
    starts_at: dt.datetime
    ends_at: dt.datetime


def _invalid(message: str) -> ValidationError:
    return ValidationError({"recurrence": [message]})


def normalize(rule: str) -> str:
    """The rule in upper case without an ``RRULE:`` prefix or spaces; refuses unknown or unsafe parts."""
    text = "".join(rule.split()).upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text:
        raise _invalid(_("Enter a recurrence rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301."))
    parts: dict[str, str] = {}
    for item in text.split(";"):
        name, sep, value = item.partition("=")
        if not sep or not value or name in parts:
            raise _invalid(_("The recurrence rule is not valid: “%(part)s”.") % {"part": item})
        if name not in ALLOWED_PARTS:
            raise _invalid(_("The recurrence rule may not use “%(name)s”.") % {"name": name})
        parts[name] = value
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise _invalid(_("The rule must repeat daily, weekly or monthly (FREQ=DAILY, WEEKLY or MONTHLY)."))
    if "UNTIL" not in parts and "COUNT" not in parts:
        raise _invalid(_("The rule must end: give UNTIL (the last day) or COUNT (the number of sessions)."))
    until = parts.get("UNTIL", "")
    if until.endswith("Z"):
        # A UTC end (as calendars write it) becomes the Riga wall-clock time the rule is read in.
        try:
            instant = dt.datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            raise _invalid(_("The rule's UNTIL is not a valid date.")) from None
        parts["UNTIL"] = instant.astimezone(RIGA).strftime("%Y%m%dT%H%M%S")
    elif len(until) == 8:
        # A bare date means "up to and including that day", whatever time the sessions start at.
        parts["UNTIL"] = f"{until}T235959"
    return ";".join(f"{name}={value}" for name, value in parts.items())


def expand(
    *, rule: str, starts_on: dt.date, ends_on: dt.date, start_time: dt.time, minutes: int
) -> list[Occurrence]:
    """The sessions ``rule`` gives between ``starts_on`` and ``ends_on``, as aware datetimes."""
    normalized = normalize(rule)
    first = dt.datetime.combine(starts_on, start_time)
    try:
        recurrence = rrulestr(normalized, dtstart=first)
        local_starts = list(itertools.islice(iter(recurrence), MAX_SESSIONS + 1))
    except (ValueError, TypeError, KeyError, OverflowError):
        raise _invalid(_("The recurrence rule is not valid.")) from None
    if len(local_starts) > MAX_SESSIONS:
        raise _invalid(
            _("The rule gives more than %(max)d sessions; shorten it or split the group.")
            % {"max": MAX_SESSIONS}
        )
    if not local_starts:
        raise _invalid(_("The rule gives no session between the group's first and last day."))
    late = [start for start in local_starts if start.date() > ends_on]
    if late:
        raise _invalid(
            _("The rule gives sessions after the group's last day (the first on %(day)s).")
            % {"day": late[0].date().isoformat()}
        )
    length = dt.timedelta(minutes=minutes)
    occurrences = []
    for start in local_starts:
        aware = start.replace(tzinfo=RIGA)
        # Aware arithmetic in one zone is wall-clock arithmetic: a session keeps its local length.
        occurrences.append(Occurrence(starts_at=aware, ends_at=aware + length))
    return occurrences
