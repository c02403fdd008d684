"""Filling a group from its waiting list: a preview of who gets a place and why others are skipped,
then a confirmation that writes all the places or none.

Every candidate is judged by the same rules as a single enrolment (``enrolment_rules``: full,
ineligible, duplicate, released or transferred, clashing sessions), in rank order, and the
refusal's reasons become the reason the candidate was skipped. The facts are read for the whole
list at once and the places written in bulk, so a list of a thousand costs the queries of a list of
ten. The preview decides without writing; the confirmation decides again on the locked group and
writes. What the preview shows is what the confirmation does, unless the list or the people
changed meanwhile — the confirmation then refuses and asks for a new preview rather than give
places nobody saw.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.audit.models import AuditAction, AuditEntry
from resoc.audit.services import audit_record, audit_record_listing
from resoc.people.models import PersonEvent
from resoc.programmes import enrolment_rules
from resoc.programmes.enrolment_services import NewPlace, write_places
from resoc.programmes.models import (
    ACTIVE_GROUP_STATUSES,
    Group,
    WaitingEntry,
    WaitingStatus,
)
from resoc.programmes.services import GROUP_RECORD, can_plan_groups
from resoc.programmes.waiting import _audit_entry, _event_entry, ranked_list, waiting_entries


@dataclass
class AllocationRow:
    position: int
    entry: WaitingEntry
    allocated: bool
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    released: bool = False


@dataclass
class Allocation:
    group: Group
    rows: list[AllocationRow]
    free_before: int
    confirmed: bool

    @property
    def allocated(self) -> list[AllocationRow]:
        return [row for row in self.rows if row.allocated]

    @property
    def skipped(self) -> list[AllocationRow]:
        return [row for row in self.rows if not row.allocated]


def group_prison_id(group: Group) -> int:
    """The organization whose waiting list fills ``group``: where its room is."""
    return group.room.location.organization_id


@dataclass
class _Plan:
    """The decided outcome, with what the confirmation would write."""

    allocation: Allocation
    places: list[tuple[AllocationRow, NewPlace]]
    released: list[AllocationRow]


def _decide(acting: Acting, group: Group, locked: Group, *, confirm: bool) -> _Plan:
    entries = list(waiting_entries(programme=group.offer.programme, organization_id=group_prison_id(group)))
    ranked = ranked_list(entries)
    facts = enrolment_rules.group_facts(locked, place=group.room.location.organization)
    readable = policy.readable_person_ids(acting, [e.person_id for e in entries], policy.IDENTITY.key)
    candidates = enrolment_rules.candidate_facts(
        facts, [e.person for e in entries if e.person_id in readable]
    )
    free_before = max(facts.capacity - facts.taken, 0)
    free, taken, enrolled = free_before, facts.taken, set(facts.enrolled)
    rows: list[AllocationRow] = []
    places: list[tuple[AllocationRow, NewPlace]] = []
    released: list[AllocationRow] = []
    for item in ranked:
        entry = item.entry
        row = AllocationRow(position=item.position, entry=entry, allocated=False)
        rows.append(row)
        if free <= 0:
            row.reasons.append(_("No place left: the group is full."))
            continue
        if entry.person_id not in readable:
            row.reasons.append(_("You may not read this person's record."))
            continue
        candidate = candidates[entry.person_id]
        reasons, flags = enrolment_rules.refusals(facts, candidate, taken=taken, enrolled=enrolled)
        # A clash is refused here as in a single enrolment that does not accept it.
        reasons = reasons or enrolment_rules.clash_refusal(candidate)
        if reasons:
            row.reasons.extend(reasons)
            row.released = facts.held_in_prison and not candidate.held_here
            if row.released:
                released.append(row)
            continue
        free -= 1
        taken += 1
        enrolled.add(entry.person_id)
        row.allocated = True
        row.flags = [flag["message"] for flag in flags]
        places.append((row, NewPlace(person=entry.person, flags=flags)))
    allocation = Allocation(group=group, rows=rows, free_before=free_before, confirmed=confirm)
    return _Plan(allocation=allocation, places=places, released=released)


def _write(acting: Acting, locked: Group, plan: _Plan) -> None:
    """The confirmation's writes, a fixed number of statements whatever the length of the list."""
    now = timezone.now()
    enrolments = write_places(acting=acting, group=locked, places=[place for _row, place in plan.places])
    audits: list[AuditEntry] = []
    events: list[PersonEvent] = []
    group_id, name = str(locked.public_id), locked.name
    for (row, _place), enrolment in zip(plan.places, enrolments, strict=True):
        entry = row.entry
        entry.status = WaitingStatus.ALLOCATED
        entry.enrolment = enrolment
        entry.status_changed_at = now
        audits.append(_audit_entry(entry, acting, AuditAction.UPDATE, status=entry.status, group=group_id))
        events.append(_event_entry(entry, "waiting_allocated", acting, group=name))
    for row in plan.released:
        entry = row.entry
        entry.status = WaitingStatus.RELEASED
        entry.status_reason = " ".join(row.reasons)
        entry.status_changed_at = now
        audits.append(_audit_entry(entry, acting, AuditAction.UPDATE, status=entry.status, group=group_id))
        events.append(_event_entry(entry, "waiting_released", acting, group=name))
    WaitingEntry.objects.bulk_update(
        [row.entry for row, _place in plan.places], ["status", "enrolment", "status_changed_at"]
    )
    WaitingEntry.objects.bulk_update(
        [row.entry for row in plan.released], ["status", "status_reason", "status_changed_at"]
    )
    AuditEntry.objects.bulk_create(audits)
    PersonEvent.objects.bulk_create(events)


def group_allocate(
    *, acting: Acting, group: Group, confirm: bool, expected: list[uuid.UUID] | None = None
) -> Allocation:
    """Fill ``group`` from its waiting list in rank order, stopping when the places are taken.

    ``confirm=False`` is the preview: nothing stays written. With ``confirm=True`` every place is
    written in one transaction; ``expected`` (the entries the preview gave places to) makes the
    confirmation refuse when the outcome would differ from what the user saw.
    """
    if not can_plan_groups(acting, group.offer.organization_id):
        raise PermissionDenied
    if group.status not in ACTIVE_GROUP_STATUSES:
        raise ValidationError(_("The group is not taking participants: it is finished or cancelled."))
    if not confirm:
        plan = _decide(acting, group, group, confirm=False)
        # The preview names the people on the list: seeing a name is a read too.
        audit_record_listing(
            actor=acting.actor,
            person_ids=[row.entry.person.public_id for row in plan.allocation.rows],
            category=policy.IDENTITY.key,
            detail={"group": str(group.public_id), "purpose": "allocation preview"},
        )
        return plan.allocation
    with transaction.atomic():
        # The group row is locked so that a planner enrolling one person meanwhile is served in turn.
        locked = Group.objects.select_for_update().get(pk=group.pk)
        plan = _decide(acting, group, locked, confirm=True)
        allocated = {row.entry.public_id for row in plan.allocation.allocated}
        if expected is not None and allocated != set(expected):
            raise ValidationError(
                _("The waiting list or the people on it changed since the preview; look at it again.")
            )
        _write(acting, locked, plan)
        audit_record(
            actor=acting.actor,
            action=AuditAction.UPDATE,
            record_type=GROUP_RECORD,
            record_id=str(group.public_id),
            detail={"allocated": len(allocated), "skipped": len(plan.allocation.skipped)},
        )
    return plan.allocation
