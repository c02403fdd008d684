"""Next actions: what is due for a person, gathered from every app that plans work.

The caseload screens ("My people") ask here instead of knowing about plans, release tasks or
meetings. An app registers one *source*: a function that, for many persons at once, returns the open
actions the acting user's organization should see. Sources must answer for all persons in a constant
number of queries (the caseload page lists hundreds of persons).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

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

_SOURCES: dict[str, ActionSource] = {}


def register_action_source(key: str, source: ActionSource) -> None:
    """Called from an app's ``ready()``; registering the same key again replaces the source."""
    _SOURCES[key] = source


def action_sources() -> dict[str, ActionSource]:
    return dict(_SOURCES)


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
