"""/groups, /groups/{id}, /groups/{id}/sessions, exceptions of single sessions, and enrolments.

Groups hold no person data: any token may read them. Creating and changing a group is for the
planners of the delivering organization (``services.can_plan_groups``); everyone else gets 403. A
``dry_run`` request validates the group and returns the sessions the rule gives with any conflicts,
writing nothing; a real request with conflicts is refused (422, the conflicts listed) unless
``accept_conflicts`` is true. Participants are persons: their list shows only those the token may
read under the access policy (a facilitator: the participants of his own groups) and is audited.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from resoc.access import policy
from resoc.access.models import User
from resoc.api.access import check_readable, not_found, readable_person
from resoc.api.auth import acting_of
from resoc.api.schemas import Problem
from resoc.audit.services import audit_record_listing
from resoc.programmes import enrolment_services, selectors, services, session_services
from resoc.programmes.models import Enrolment, Group, Offer, Room, Session

router = Router(tags=["programme groups"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
PAGE_SIZE = 50


class GroupOut(Schema):
    public_id: uuid.UUID
    name: str
    programme: str = Field(description="The programme's code.")
    offer: uuid.UUID
    organization: str = Field(description="Code of the delivering organization.")
    location: uuid.UUID
    room: uuid.UUID
    room_name: str
    facilitator: str = Field(description="The facilitator's username.")
    starts_on: dt.date
    ends_on: dt.date
    capacity: int
    status: str = Field(description="`planned`, `running`, `finished` or `cancelled`.")
    recurrence: str = Field(examples=["FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301T235959"])
    session_start: dt.time = Field(description="Local time in Riga.")
    session_minutes: int
    cancel_reason: str


class GroupPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[GroupOut]


class GroupQuery(Schema):
    organization: str = Field(default="", max_length=40, description="Delivering or hosting organization.")
    location: str = Field(default="", max_length=40, description="A location's public id.")
    status: str = Field(default="", max_length=20)
    programme: str = Field(default="", max_length=60, description="A programme's code.")
    page: int = Field(default=1, ge=1, le=100_000)


class GroupIn(Schema):
    offer: uuid.UUID
    room: uuid.UUID
    facilitator: str = Field(
        description="Username of a facilitator or administrator of the delivering organization."
    )
    name: str = Field(max_length=200)
    starts_on: dt.date
    ends_on: dt.date
    capacity: int = Field(ge=1, le=500)
    recurrence: str = Field(max_length=500, examples=["FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10"])
    session_start: dt.time = Field(description="Local time in Riga.")
    session_minutes: int = Field(ge=15, le=600)
    dry_run: bool = Field(default=False, description="Check and return the sessions and conflicts only.")
    accept_conflicts: bool = Field(default=False, description="Save even though the schedule conflicts.")


class GroupUpdateIn(GroupIn):
    status: str | None = Field(default=None, description="`planned`, `running` or `finished`.")


class SessionOut(Schema):
    public_id: uuid.UUID | None = Field(description="Empty in a dry run (nothing saved).")
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: uuid.UUID
    status: str = Field(description="`scheduled` or `cancelled`.")
    moved: bool
    note: str


class ConflictOut(Schema):
    kind: str = Field(description="`room` or `facilitator`.")
    starts_at: dt.datetime = Field(description="The proposed session that conflicts.")
    other_group: uuid.UUID
    other_session: uuid.UUID
    message: str


class GroupCheckOut(Schema):
    group: GroupOut | None = Field(description="The saved group; empty in a dry run.")
    sessions: list[SessionOut]
    conflicts: list[ConflictOut]


class CancelIn(Schema):
    reason: str = Field(max_length=4000)


class MoveIn(Schema):
    starts_at: dt.datetime = Field(description="New start; without an offset it is read as Riga time.")
    room: uuid.UUID | None = None
    reason: str = Field(default="", max_length=200)
    accept_conflicts: bool = False


def _out(group: Group) -> GroupOut:
    return GroupOut(
        public_id=group.public_id,
        name=group.name,
        programme=group.offer.programme.code,
        offer=group.offer.public_id,
        organization=group.offer.organization.code,
        location=group.room.location.public_id,
        room=group.room.public_id,
        room_name=group.room.name,
        facilitator=group.facilitator.get_username(),
        starts_on=group.starts_on,
        ends_on=group.ends_on,
        capacity=group.capacity,
        status=group.status,
        recurrence=group.recurrence,
        session_start=group.session_start,
        session_minutes=group.session_minutes,
        cancel_reason=group.cancel_reason,
    )


def _session_out(session: Session) -> SessionOut:
    return SessionOut(
        public_id=session.public_id,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room=session.room.public_id,
        status=session.status,
        moved=session.is_moved,
        note=session.note,
    )


def _conflict_out(conflict: selectors.Conflict) -> ConflictOut:
    return ConflictOut(
        kind=conflict.kind.value,
        starts_at=conflict.slot.starts_at,
        other_group=conflict.other.group.public_id,
        other_session=conflict.other.public_id,
        message=conflict.message,
    )


def _spec(payload: GroupIn) -> services.GroupSpec:
    errors: dict[str, list[str]] = {}
    offer = Offer.objects.select_related("programme", "organization").filter(public_id=payload.offer).first()
    room = Room.objects.select_related("location").filter(public_id=payload.room).first()
    facilitator = User.objects.filter(username=payload.facilitator).first()
    if offer is None:
        errors["offer"] = [_("No such programme offer.")]
    if room is None:
        errors["room"] = [_("No such room.")]
    if facilitator is None:
        errors["facilitator"] = [
            _(
                "The facilitator must be a programme facilitator or administrator of the delivering organization."
            )
        ]
    if errors or offer is None or room is None or facilitator is None:
        raise ValidationError(errors)
    return services.GroupSpec(
        offer=offer,
        room=room,
        facilitator=facilitator,
        name=payload.name,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        capacity=payload.capacity,
        recurrence=payload.recurrence,
        session_start=payload.session_start,
        session_minutes=payload.session_minutes,
    )


def _dry_run(proposal: services.GroupProposal, room: Room) -> GroupCheckOut:
    return GroupCheckOut(
        group=None,
        sessions=[
            SessionOut(
                public_id=None,
                starts_at=o.starts_at,
                ends_at=o.ends_at,
                room=room.public_id,
                status="scheduled",
                moved=False,
                note="",
            )
            for o in proposal.occurrences
        ],
        conflicts=[_conflict_out(c) for c in proposal.conflicts],
    )


def _saved(group: Group, proposal: services.GroupProposal, accepted: bool) -> GroupCheckOut:
    fresh = selectors.group_by_public_id(group.public_id)
    assert fresh is not None
    return GroupCheckOut(
        group=_out(fresh),
        sessions=[_session_out(s) for s in selectors.group_sessions(group=fresh)],
        conflicts=[_conflict_out(c) for c in proposal.conflicts] if accepted else [],
    )


def _group_or_404(public_id: uuid.UUID) -> Group:
    group = selectors.group_by_public_id(public_id)
    if group is None:
        raise not_found()
    return group


@router.get(
    "/groups",
    response={200: GroupPage, **_ERRORS},
    summary="Programme groups",
    operation_id="list_groups",
)
def list_groups(request: HttpRequest, filters: Query[GroupQuery]) -> GroupPage:
    """Groups, the latest first; filter by delivering or hosting organization, place, status, programme."""
    found = selectors.groups(
        selectors.GroupFilters(
            organization=filters.organization,
            location=filters.location,
            status=filters.status,
            programme=filters.programme,
        )
    )
    offset = (filters.page - 1) * PAGE_SIZE
    count = found.count()
    return GroupPage(
        count=count,
        page=filters.page,
        page_size=PAGE_SIZE,
        pages=max(1, math.ceil(count / PAGE_SIZE)),
        results=[_out(g) for g in found[offset : offset + PAGE_SIZE]],
    )


@router.post(
    "/groups",
    response={200: GroupCheckOut, 201: GroupCheckOut, **_ERRORS},
    summary="Plan a group (or check one with `dry_run`)",
    operation_id="create_group",
)
def create_group(request: HttpRequest, payload: GroupIn, response: HttpResponse) -> Status[GroupCheckOut]:
    """A dry run answers 200 with the sessions and conflicts; a saved group answers 201."""
    acting = acting_of(request)
    spec = _spec(payload)
    proposal = services.group_check(acting=acting, spec=spec)
    if payload.dry_run:
        return Status(200, _dry_run(proposal, spec.room))
    group = services.group_create(acting=acting, spec=spec, accept_conflicts=payload.accept_conflicts)
    response["Location"] = reverse("api:get_group", kwargs={"public_id": group.public_id})
    return Status(201, _saved(group, proposal, payload.accept_conflicts))


@router.get(
    "/groups/{public_id}",
    response={200: GroupOut, **_ERRORS},
    summary="One group",
    operation_id="get_group",
)
def get_group(request: HttpRequest, public_id: uuid.UUID) -> GroupOut:
    return _out(_group_or_404(public_id))


@router.put(
    "/groups/{public_id}",
    response={200: GroupCheckOut, **_ERRORS},
    summary="Change a group (or check the change with `dry_run`)",
    operation_id="update_group",
)
def update_group(request: HttpRequest, public_id: uuid.UUID, payload: GroupUpdateIn) -> GroupCheckOut:
    """The schedule is re-expanded; cancelled or moved sessions the new rule still gives are kept."""
    acting = acting_of(request)
    group = _group_or_404(public_id)
    spec = _spec(payload)
    proposal = services.group_check(acting=acting, spec=spec, group=group)
    if payload.dry_run:
        return _dry_run(proposal, spec.room)
    services.group_update(
        acting=acting,
        group=group,
        spec=spec,
        status=payload.status,
        accept_conflicts=payload.accept_conflicts,
    )
    return _saved(group, proposal, payload.accept_conflicts)


@router.post(
    "/groups/{public_id}/cancel",
    response={200: GroupOut, **_ERRORS},
    summary="Cancel a group, giving a reason",
    operation_id="cancel_group",
)
def cancel_group(request: HttpRequest, public_id: uuid.UUID, payload: CancelIn) -> GroupOut:
    acting = acting_of(request)
    group = _group_or_404(public_id)
    services.group_cancel(acting=acting, group=group, reason=payload.reason)
    return _out(group)


@router.get(
    "/groups/{public_id}/sessions",
    response={200: list[SessionOut], **_ERRORS},
    summary="The sessions of a group",
    operation_id="list_group_sessions",
)
def list_group_sessions(request: HttpRequest, public_id: uuid.UUID) -> list[SessionOut]:
    """Every session in time order, cancelled ones included (with the reason in `note`)."""
    group = _group_or_404(public_id)
    return [_session_out(s) for s in selectors.group_sessions(group=group)]


def _session_or_404(public_id: uuid.UUID) -> Session:
    session = (
        Session.objects.select_related("group__offer", "group__room", "room")
        .filter(public_id=public_id)
        .first()
    )
    if session is None:
        raise not_found()
    return session


@router.post(
    "/sessions/{public_id}/cancel",
    response={200: SessionOut, **_ERRORS},
    summary="Cancel one session, giving a reason",
    operation_id="cancel_session",
)
def cancel_session(request: HttpRequest, public_id: uuid.UUID, payload: CancelIn) -> SessionOut:
    acting = acting_of(request)
    session = session_services.session_cancel(
        acting=acting, session=_session_or_404(public_id), reason=payload.reason
    )
    return _session_out(session)


@router.post(
    "/sessions/{public_id}/move",
    response={200: SessionOut, **_ERRORS},
    summary="Move one session to another time or room",
    operation_id="move_session",
)
def move_session(request: HttpRequest, public_id: uuid.UUID, payload: MoveIn) -> SessionOut:
    """Keeps the session's length; refused (422, conflicts listed) when it conflicts unless accepted."""
    acting = acting_of(request)
    session = _session_or_404(public_id)
    room = None
    if payload.room is not None:
        room = Room.objects.filter(public_id=payload.room).first()
        if room is None:
            raise ValidationError({"room": [_("No such room.")]})
    moved, _conflicts = session_services.session_move(
        acting=acting,
        session=session,
        starts_at=payload.starts_at,
        room=room,
        reason=payload.reason,
        accept_conflicts=payload.accept_conflicts,
    )
    return _session_out(moved)


class EnrolmentOut(Schema):
    public_id: uuid.UUID
    person: uuid.UUID
    name: str
    status: str = Field(description="`enrolled` or `withdrawn`.")
    flags: list[dict[str, str]] = Field(
        description="Eligibility rules that could not be checked (`rule`, `message`)."
    )
    in_custody: bool | None = Field(
        description="Held at the prison where the group meets; null outside prisons."
    )
    enrolled_at: dt.datetime


class EnrolmentIn(Schema):
    person: uuid.UUID
    accept_conflicts: bool = Field(
        default=False, description="Enrol even though the person's sessions clash."
    )


def _enrolment_out(enrolment: Enrolment, in_custody: bool | None) -> EnrolmentOut:
    person = enrolment.person
    return EnrolmentOut(
        public_id=enrolment.public_id,
        person=person.public_id,
        name=f"{person.given_names} {person.family_name}",
        status=enrolment.status,
        flags=list(enrolment.flags),
        in_custody=in_custody,
        enrolled_at=enrolment.enrolled_at,
    )


@router.get(
    "/groups/{public_id}/enrolments",
    response={200: list[EnrolmentOut], **_ERRORS},
    summary="The participants of a group you may read",
    operation_id="list_group_enrolments",
)
def list_group_enrolments(request: HttpRequest, public_id: uuid.UUID) -> list[EnrolmentOut]:
    """Current places whose person the token may read (a facilitator: his own groups); each listed
    person is audited."""
    acting = acting_of(request)
    group = _group_or_404(public_id)
    found = selectors.group_participants(acting=acting, group=group)
    audit_record_listing(
        actor=acting.actor,
        person_ids=[p.enrolment.person.public_id for p in found],
        category=policy.IDENTITY.key,
        detail={"group": str(group.public_id)},
    )
    return [_enrolment_out(p.enrolment, p.in_custody) for p in found]


@router.post(
    "/groups/{public_id}/enrolments",
    response={201: EnrolmentOut, **_ERRORS},
    summary="Give a person a place in a group",
    operation_id="create_enrolment",
)
def create_enrolment(
    request: HttpRequest, public_id: uuid.UUID, payload: EnrolmentIn
) -> Status[EnrolmentOut]:
    """Refused (422, every reason in `errors.person`) when the group is full or not running, the
    person already has a place, fails an eligibility rule, is no longer held at the group's prison,
    or has another group at the same time (unless `accept_conflicts`)."""
    acting = acting_of(request)
    group = _group_or_404(public_id)
    person = readable_person(acting, payload.person, policy.IDENTITY.key)
    enrolment = enrolment_services.enrolment_create(
        acting=acting, group=group, person=person, accept_conflicts=payload.accept_conflicts
    )
    return Status(201, _enrolment_out(enrolment, None))


@router.post(
    "/enrolments/{public_id}/withdraw",
    response={200: EnrolmentOut, **_ERRORS},
    summary="End a place, giving a reason",
    operation_id="withdraw_enrolment",
)
def withdraw_enrolment(request: HttpRequest, public_id: uuid.UUID, payload: CancelIn) -> EnrolmentOut:
    acting = acting_of(request)
    enrolment = Enrolment.objects.select_related("group__offer", "person").filter(public_id=public_id).first()
    if enrolment is None:
        raise not_found()
    check_readable(acting, enrolment.person, policy.IDENTITY.key)
    enrolment_services.enrolment_withdraw(acting=acting, enrolment=enrolment, reason=payload.reason)
    return _enrolment_out(enrolment, None)
