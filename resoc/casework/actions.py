"""Next actions: what is due for a person, gathered from every app that plans work.

The caseload screens ("My people") ask here instead of knowing about plans, release tasks or
meetings. An app registers one *source*: a function that, for many persons at once, returns the open
actions the acting user's organization should see. Sources must answer for all persons in a constant
number of queries (the caseload page lists hundreds of persons).

A source may also give the same actions as SQL (``due_dates``): querysets of the open, dated actions
the acting user should see, each with the columns ``person_id`` and ``due`` (filterable on both). The caseload filters
"overdue only", sorts by the next due date and counts overdue persons over the whole caseload with it,
in the database; a source registered without it shows its actions on the listed rows only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from resoc.access.context import Acting


@dataclass(frozen=True)
class NextAction:
    person_id: int  # Person.pk
    due: dt.date | None
    text: str
    url: str
    source: str  # the key the source was registered under, e.g. "plan_measure"

    def is_overdue(self, on: dt.date) -> bool:
        return self.due is not None and self.due < on


ActionSource = Callable[[Acting, Sequence[int], dt.date], Iterable[NextAction]]
# The open dated actions ``acting`` should see, as querysets with the columns "person_id" and "due".
ActionDueDates = Callable[[Acting, dt.date], "Sequence[QuerySet[Any]]"]

_SOURCES: dict[str, ActionSource] = {}
_DUE_DATES: dict[str, ActionDueDates] = {}


def register_action_source(
    key: str, source: ActionSource, *, due_dates: ActionDueDates | None = None
) -> None:
    """Called from an app's ``ready()``; registering the same key again replaces the source."""
    _SOURCES[key] = source
    if due_dates is None:
        _DUE_DATES.pop(key, None)
    else:
        _DUE_DATES[key] = due_dates


def action_sources() -> dict[str, ActionSource]:
    return dict(_SOURCES)


def action_due_dates() -> dict[str, ActionDueDates]:
    """The SQL forms of the sources that registered one (see the module's docstring)."""
    return dict(_DUE_DATES)


def next_actions(acting: Acting, person_ids: Sequence[int], on: dt.date) -> dict[int, list[NextAction]]:
    """Open actions per person, earliest due first (undated last), from every registered source."""
    by_person: dict[int, list[NextAction]] = {pk: [] for pk in person_ids}
    if not person_ids:
        return by_person
    for source in _SOURCES.values():
        for action in source(acting, person_ids, on):
            if action.person_id in by_person:
                by_person[action.person_id].append(action)
    for actions in by_person.values():
        actions.sort(key=lambda a: (a.due is None, a.due or dt.date.max, a.text))
    return by_person


_PLACEHOLDER = uuid.UUID(int=0)


def person_url_maker(viewname: str) -> Callable[[uuid.UUID], str]:
    """``reverse(viewname, args=[public_id])`` for many persons at the cost of one ``reverse()``.

    A source answers for hundreds of persons (thousands in an export): resolving the URL once per
    action was most of an export's time.
    """
    pattern = reverse(viewname, args=[_PLACEHOLDER])
    marker = str(_PLACEHOLDER)
    return lambda public_id: pattern.replace(marker, str(public_id))
