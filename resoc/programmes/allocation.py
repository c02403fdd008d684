"""Filling a group from its waiting list: a preview of who gets a place and why others are skipped,
then a confirmation that writes all the places or none.

Each candidate goes through ``enrolment_services.enrolment_create`` in a savepoint, so the same
rules refuse a place here as anywhere (full, ineligible, duplicate, released or transferred,
clashing sessions) and the refusal's reasons become the reason the candidate was skipped. The
preview runs the very same steps in a transaction that is rolled back: what it shows is what the
confirmation does, unless the list or the people changed meanwhile — the confirmation then refuses
and asks for a new preview rather than give places nobody saw.
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
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record, audit_record_listing
from resoc.organizations.models import OrganizationType
from resoc.programmes.enrolment_services import _in_custody_at, enrolment_create
from resoc.programmes.models import (
    ACTIVE_GROUP_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Group,
    WaitingEntry,
    WaitingStatus,
)
from resoc.programmes.services import GROUP_RECORD, can_plan_groups
from resoc.programmes.waiting import _audit, _event, ranked_list, waiting_entries


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


class _Preview(Exception):
    """Raised to roll back the preview's transaction."""


def group_prison_id(group: Group) -> int:
    """The organization whose waiting list fills ``group``: where its room is."""
    return group.room.location.organization_id


def _fill(acting: Acting, group: Group, *, confirm: bool) -> Allocation:
    entries = list(waiting_entries(programme=group.offer.programme, organization_id=group_prison_id(group)))
    ranked = ranked_list(entries)
    taken = Enrolment.objects.filter(group=group, status=EnrolmentStatus.ENROLLED).count()
    free_before = max(group.capacity - taken, 0)
    free = free_before
    held_in_prison = group.room.location.organization.type == OrganizationType.PRISON
    rows: list[AllocationRow] = []
    now = timezone.now()
    for item in ranked:
        entry = item.entry
        row = AllocationRow(position=item.position, entry=entry, allocated=False)
        rows.append(row)
        if free <= 0:
            row.reasons.append(_("No place left: the group is full."))
            continue
        try:
            with transaction.atomic():
                enrolment = enrolment_create(acting=acting, group=group, person=entry.person)
        except PermissionDenied:
            row.reasons.append(_("You may not read this person's record."))
            continue
        except ValidationError as error:
            row.reasons.extend(error.messages)
            row.released = held_in_prison and not _in_custody_at(entry.person, group, timezone.localdate())
            if row.released and confirm:
                entry.status = WaitingStatus.RELEASED
                entry.status_reason = " ".join(error.messages)
                entry.status_changed_at = now
                entry.save(update_fields=["status", "status_reason", "status_changed_at"])
                _audit(entry, acting, AuditAction.UPDATE, status=entry.status, group=str(group.public_id))
                _event(entry, "waiting_released", acting, group=group.name)
            continue
        free -= 1
        row.allocated = True
        row.flags = [flag["message"] for flag in enrolment.flags]
        entry.status = WaitingStatus.ALLOCATED
        entry.enrolment = enrolment
        entry.status_changed_at = now
        entry.save(update_fields=["status", "enrolment", "status_changed_at"])
        _audit(entry, acting, AuditAction.UPDATE, status=entry.status, group=str(group.public_id))
        _event(entry, "waiting_allocated", acting, group=group.name)
    return Allocation(group=group, rows=rows, free_before=free_before, confirmed=confirm)


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
    result: Allocation | None = None
    try:
        with transaction.atomic():
            result = _fill(acting, group, confirm=confirm)
            if not confirm:
                raise _Preview
            allocated = {row.entry.public_id for row in result.allocated}
            if expected is not None and allocated != set(expected):
                raise ValidationError(
                    _("The waiting list or the people on it changed since the preview; look at it again.")
                )
            audit_record(
                actor=acting.actor,
                action=AuditAction.UPDATE,
                record_type=GROUP_RECORD,
                record_id=str(group.public_id),
                detail={"allocated": len(allocated), "skipped": len(result.skipped)},
            )
    except _Preview:
        pass
    assert result is not None
    if not confirm:
        # The preview names the people on the list: seeing a name is a read too.
        audit_record_listing(
            actor=acting.actor,
            person_ids=[row.entry.person.public_id for row in result.rows],
            category=policy.IDENTITY.key,
            detail={"group": str(group.public_id), "purpose": "allocation preview"},
        )
        # The rolled-back writes left the entries in memory as if allocated: show them as they are.
        for row in result.rows:
            row.entry.status = WaitingStatus.WAITING
            row.entry.enrolment = None
    return result
