"""The rules that refuse or flag a place in a group: pure functions of facts read in bulk.

Both write paths apply them — ``enrolment_services.enrolment_create`` for one person and
``allocation.group_allocate`` for a whole waiting list — so a place is refused for the same reasons,
in the same words and order, whichever way it is asked for. ``group_facts`` and ``candidate_facts``
read what the rules need in a fixed number of queries, whatever the number of persons;
``refusals`` and ``clash_refusal`` decide without touching the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import Person
from resoc.programmes import selectors
from resoc.programmes.eligibility import Outcome, PersonFacts, check
from resoc.programmes.models import (
    ACTIVE_GROUP_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Group,
    SessionStatus,
)
from resoc.sentences.models import CustodyPeriod


@dataclass(frozen=True)
class GroupFacts:
    """What the rules read of the group, as it is when the places are asked for."""

    group: Group
    active: bool
    capacity: int
    taken: int
    enrolled: frozenset[int]
    # Eligibility is judged on the group's first day, or today once it has started.
    on: dt.date
    today: dt.date
    place: Organization
    held_in_prison: bool
    regime_labels: dict[str, str]
    slots: tuple[selectors.Slot, ...]


@dataclass(frozen=True)
class CandidateFacts:
    person: Person
    eligibility: PersonFacts
    # Held today where the group meets (always true when it does not meet in a prison).
    held_here: bool
    clashes: tuple[selectors.Conflict, ...]


def group_facts(group: Group, *, place: Organization, today: dt.date | None = None) -> GroupFacts:
    """The group's side of the rules in three queries (current places, regime labels, sessions to come).

    ``place`` is the organization whose rooms the group meets in (passed in, so that a group row
    locked without its relations costs no more queries).
    """
    today = today or timezone.localdate()
    enrolled = frozenset(
        Enrolment.objects.filter(group=group, status=EnrolmentStatus.ENROLLED).values_list(
            "person_id", flat=True
        )
    )
    slots = tuple(
        selectors.Slot(
            starts_at=s.starts_at, ends_at=s.ends_at, room_id=s.room_id, facilitator_id=group.facilitator_id
        )
        for s in group.sessions.filter(status=SessionStatus.SCHEDULED, ends_at__gt=timezone.now())
    )
    return GroupFacts(
        group=group,
        active=group.status in ACTIVE_GROUP_STATUSES,
        capacity=group.capacity,
        taken=len(enrolled),
        enrolled=enrolled,
        on=max(today, group.starts_on),
        today=today,
        place=place,
        held_in_prison=place.type == OrganizationType.PRISON,
        regime_labels=selectors.regime_level_labels(),
        slots=slots,
    )


def candidate_facts(facts: GroupFacts, persons: list[Person]) -> dict[int, CandidateFacts]:
    """Each person's side of the rules, by person id: five queries for one person or a thousand
    (eligibility facts, custody where the group meets, sessions of their other groups)."""
    if not persons:
        return {}
    ids = [p.pk for p in persons]
    eligibility = selectors.persons_facts(persons=persons, on=facts.on)
    held: set[int] = set()
    if facts.held_in_prison:
        held = set(
            CustodyPeriod.objects.filter(person_id__in=ids, prison=facts.place, admitted_on__lte=facts.today)
            .exclude(left_on__lte=facts.today)
            .values_list("person_id", flat=True)
        )
    clashes: dict[int, list[selectors.Conflict]] = {}
    if facts.slots:
        for conflict in selectors.person_conflicts(
            list(facts.slots), exclude_group_id=facts.group.pk, person_ids=frozenset(ids)
        ):
            assert conflict.person_id is not None
            clashes.setdefault(conflict.person_id, []).append(conflict)
    return {
        p.pk: CandidateFacts(
            person=p,
            eligibility=eligibility[p.pk],
            held_here=not facts.held_in_prison or p.pk in held,
            clashes=tuple(clashes.get(p.pk, ())),
        )
        for p in persons
    }


def refusals(
    group: GroupFacts, candidate: CandidateFacts, *, taken: int, enrolled: frozenset[int] | set[int]
) -> tuple[list[str], list[dict[str, Any]]]:
    """Every reason to refuse the place, and the flags to keep with it if it is given.

    ``taken`` and ``enrolled`` are the group's current places at this moment (a bulk allocation
    counts the places it has given so far).
    """
    reasons: list[str] = []
    if not group.active:
        reasons.append(_("The group is not taking participants: it is finished or cancelled."))
    if candidate.person.merged_into_id is not None:
        reasons.append(_("This record was merged into another; enrol the kept record."))
    if candidate.person.pk in enrolled:
        reasons.append(_("The person already has a place in this group."))
    elif taken >= group.capacity:
        reasons.append(_("The group is full: all %(places)d places are taken.") % {"places": group.capacity})
    findings = check(
        candidate.eligibility, group.group.offer.programme, group.on, regime_labels=group.regime_labels
    )
    reasons.extend(f.message for f in findings if f.outcome == Outcome.FAILED)
    flags = [{"rule": f.rule.value, "message": f.message} for f in findings if f.outcome == Outcome.UNKNOWN]
    if not candidate.held_here:
        reasons.append(
            _("The person is no longer held at %(prison)s (released or transferred).")
            % {"prison": group.place.name}
        )
    return reasons, flags


def clash_refusal(candidate: CandidateFacts) -> list[str]:
    """The reasons a clash of sessions refuses the place unless staff accept it (empty: no clash)."""
    if not candidate.clashes:
        return []
    return [_("The person's other group meets at the same time."), *(c.message for c in candidate.clashes)]
