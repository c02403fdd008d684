"""/waiting-list (a ranked list, add, override, withdraw) and /groups/{id}/allocate.

The same rules as the pages: a list is for those who may keep it (``waiting.can_manage_waiting``,
otherwise 403), shows only people the token may read, and every listed person is audited. An
allocation with ``dry_run`` (the default) writes nothing and returns who would get a place and why
every other candidate is skipped; a confirmation gives all the places or none, and with
``expected`` (the entries the dry run gave places to) it is refused (422) if the outcome differs.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from resoc.access import policy
from resoc.access.context import Acting
from resoc.api.access import check_readable, not_found, readable_person
from resoc.api.auth import acting_of
from resoc.api.schemas import Problem
from resoc.audit.services import audit_record_listing
from resoc.organizations.models import Organization
from resoc.plans.models import Measure
from resoc.programmes import allocation, selectors, waiting
from resoc.programmes.models import Programme, WaitingEntry

router = Router(tags=["programme waiting lists"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


class WaitingOut(Schema):
    public_id: uuid.UUID
    rank: int | None = Field(description="Place on the list; null once the entry no longer waits.")
    reasons: list[str] = Field(description="The rank factors in words, in the request's language.")
    person: uuid.UUID
    name: str
    programme: str = Field(description="The programme's code.")
    organization: str = Field(description="Code of the prison or organization.")
    source: str = Field(description="`measure` (a plan measure) or `application`.")
    measure: uuid.UUID | None
    note: str
    added_at: dt.datetime
    status: str = Field(description="`waiting`, `allocated`, `withdrawn` or `released`.")
    status_reason: str
    override: str = Field(description="`first`, `last` or empty (by the rule).")
    override_reason: str


class WaitingQuery(Schema):
    programme: str = Field(max_length=60, description="A programme's code.")
    organization: str = Field(max_length=40, description="Code of the prison or organization.")


class WaitingIn(Schema):
    programme: str = Field(max_length=60)
    organization: str = Field(max_length=40)
    measure: uuid.UUID | None = Field(default=None, description="A plan measure of kind programme.")
    person: uuid.UUID | None = Field(default=None, description="For an application: the person.")
    note: str = Field(default="", max_length=4000, description="For an application: how the person applied.")


class OverrideIn(Schema):
    override: str = Field(description="`first`, `last` or empty to return to the rule.")
    reason: str = Field(max_length=4000)


class ReasonIn(Schema):
    reason: str = Field(max_length=4000)


class AllocateIn(Schema):
    dry_run: bool = Field(default=True, description="Only show the outcome; write nothing.")
    expected: list[uuid.UUID] | None = Field(
        default=None, description="Entries the dry run gave places to; the confirmation must match."
    )


class AllocationRowOut(Schema):
    rank: int
    entry: uuid.UUID
    person: uuid.UUID
    name: str
    allocated: bool
    reasons: list[str] = Field(description="Why the candidate was skipped.")
    flags: list[str] = Field(description="Eligibility facts to check by hand for a given place.")


class AllocationOut(Schema):
    group: uuid.UUID
    dry_run: bool
    free_places: int = Field(description="Free places before the allocation.")
    allocated: int
    skipped: int
    rows: list[AllocationRowOut]


def _out(entry: WaitingEntry, rank: int | None, reasons: list[str]) -> WaitingOut:
    person = entry.person
    return WaitingOut(
        public_id=entry.public_id,
        rank=rank,
        reasons=reasons,
        person=person.public_id,
        name=f"{person.given_names} {person.family_name}",
        programme=entry.programme.code,
        organization=entry.organization.code,
        source="measure" if entry.measure_id else "application",
        measure=entry.measure.public_id if entry.measure is not None else None,
        note=entry.note,
        added_at=entry.added_at,
        status=entry.status,
        status_reason=entry.status_reason,
        override=entry.override,
        override_reason=entry.override_reason,
    )


def _list_of(programme_code: str, organization_code: str) -> tuple[Programme, Organization]:
    programme = Programme.objects.filter(code=programme_code).first()
    organization = Organization.objects.filter(code=organization_code).first()
    if programme is None or organization is None:
        raise not_found()
    return programme, organization


def _entry(acting: Acting, public_id: uuid.UUID) -> WaitingEntry:
    entry = (
        WaitingEntry.objects.select_related("person", "programme", "organization", "measure")
        .filter(public_id=public_id)
        .first()
    )
    if entry is None:
        raise not_found()
    check_readable(acting, entry.person, policy.IDENTITY.key)
    return entry


@router.get(
    "/waiting-list",
    response={200: list[WaitingOut], **_ERRORS},
    summary="The ranked waiting list of a programme at a prison",
    operation_id="list_waiting",
)
def list_waiting(request: HttpRequest, query: Query[WaitingQuery]) -> list[WaitingOut]:
    """People waiting, best placed first, each with the rank factors in words; only people the
    token may read, each audited."""
    acting = acting_of(request)
    programme, organization = _list_of(query.programme, query.organization)
    if not waiting.can_manage_waiting(acting, programme=programme, organization_id=organization.pk):
        raise PermissionDenied
    entries = list(
        waiting.waiting_entries(programme=programme, organization_id=organization.pk).filter(
            person__in=policy.visible_persons(acting)
        )
    )
    ranked = waiting.ranked_list(entries)
    audit_record_listing(
        actor=acting.actor,
        person_ids=[r.entry.person.public_id for r in ranked],
        category=policy.IDENTITY.key,
        detail={"programme": programme.code, "purpose": "waiting list"},
    )
    return [_out(r.entry, r.position, r.reasons) for r in ranked]


@router.post(
    "/waiting-list",
    response={201: WaitingOut, **_ERRORS},
    summary="Put a person on a waiting list from a plan measure or an application",
    operation_id="add_waiting",
)
def add_waiting(request: HttpRequest, payload: WaitingIn) -> Status[WaitingOut]:
    """Give `measure` (a plan measure of kind programme) or `person` with `note` (an application)."""
    acting = acting_of(request)
    programme, organization = _list_of(payload.programme, payload.organization)
    if payload.measure is not None:
        measure = (
            Measure.objects.select_related("goal__plan__person").filter(public_id=payload.measure).first()
        )
        if measure is None:
            raise not_found()
        check_readable(acting, measure.goal.plan.person, policy.IDENTITY.key)
        entry = waiting.waiting_entry_add_from_measure(
            acting=acting, measure=measure, programme=programme, organization=organization
        )
    else:
        if payload.person is None:
            raise ValidationError({"person": [_("Give a plan measure or a person.")]})
        person = readable_person(acting, payload.person, policy.IDENTITY.key)
        entry = waiting.waiting_entry_add_application(
            acting=acting, person=person, programme=programme, organization=organization, note=payload.note
        )
    return Status(201, _out(entry, None, []))


@router.post(
    "/waiting-list/{public_id}/override",
    response={200: WaitingOut, **_ERRORS},
    summary="Place an entry first or last, or back to the rule, with a reason",
    operation_id="override_waiting",
)
def override_waiting(request: HttpRequest, public_id: uuid.UUID, payload: OverrideIn) -> WaitingOut:
    acting = acting_of(request)
    entry = waiting.waiting_entry_override(
        acting=acting, entry=_entry(acting, public_id), override=payload.override, reason=payload.reason
    )
    return _out(entry, None, [])


@router.post(
    "/waiting-list/{public_id}/withdraw",
    response={200: WaitingOut, **_ERRORS},
    summary="Take a person off a waiting list, with a reason",
    operation_id="withdraw_waiting",
)
def withdraw_waiting(request: HttpRequest, public_id: uuid.UUID, payload: ReasonIn) -> WaitingOut:
    acting = acting_of(request)
    entry = waiting.waiting_entry_withdraw(
        acting=acting, entry=_entry(acting, public_id), reason=payload.reason
    )
    return _out(entry, None, [])


@router.post(
    "/groups/{public_id}/allocate",
    response={200: AllocationOut, **_ERRORS},
    summary="Fill a group from its waiting list (dry run by default)",
    operation_id="allocate_group",
)
def allocate_group(request: HttpRequest, public_id: uuid.UUID, payload: AllocateIn) -> AllocationOut:
    """Candidates in rank order through the enrolment rules, stopping when the places are taken;
    every skipped candidate with the reasons."""
    acting = acting_of(request)
    group = selectors.group_by_public_id(public_id)
    if group is None:
        raise not_found()
    result = allocation.group_allocate(
        acting=acting, group=group, confirm=not payload.dry_run, expected=payload.expected
    )
    return AllocationOut(
        group=group.public_id,
        dry_run=payload.dry_run,
        free_places=result.free_before,
        allocated=len(result.allocated),
        skipped=len(result.skipped),
        rows=[
            AllocationRowOut(
                rank=row.position,
                entry=row.entry.public_id,
                person=row.entry.person.public_id,
                name=f"{row.entry.person.given_names} {row.entry.person.family_name}",
                allocated=row.allocated,
                reasons=row.reasons,
                flags=row.flags,
            )
            for row in result.rows
        ],
    )
