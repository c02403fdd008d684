"""/sessions/{id}/attendance (GET, PUT) and /enrolments/{id}/outcome (GET, PUT).

The same rules as the register page: only the group's facilitator and the delivering organization's
planners read and write them (403 for everyone else, 404 for an unknown id). A PUT of a register is
the whole register, saved or refused (422, errors keyed by the enrolment's public id) as one.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from resoc.access import policy
from resoc.access.context import Acting
from resoc.api.access import not_found
from resoc.api.auth import acting_of
from resoc.api.schemas import Problem
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record_listing
from resoc.programmes import attendance
from resoc.programmes.models import AttendanceMark, Enrolment, EnrolmentOutcome, Session, SessionRegister

router = Router(tags=["attendance and outcomes"])
_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


class MarkOut(Schema):
    enrolment: uuid.UUID
    person: uuid.UUID
    name: str
    status: str = Field(description="`present`, `late`, `absent`, or empty while not marked.")
    reason: str = Field(
        description="For an absence: `illness`, `transfer`, `refusal`, `security_regime`, `court`, `other`."
    )
    note: str


class RegisterOut(Schema):
    session: uuid.UUID
    starts_at: dt.datetime
    filled: bool
    notes: str
    marks: list[MarkOut]


class MarkIn(Schema):
    enrolment: uuid.UUID
    status: str = Field(max_length=20)
    reason: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=200)


class RegisterIn(Schema):
    notes: str = Field(default="", max_length=4000)
    marks: list[MarkIn] = Field(max_length=500)


class OutcomeIn(Schema):
    kind: str = Field(max_length=20, description="`completed`, `dropped_out`, `removed` or `transferred`.")
    decided_on: dt.date
    reason: str = Field(default="", max_length=4000)
    certificate_number: str = Field(default="", max_length=60)


class OutcomeOut(Schema):
    enrolment: uuid.UUID
    kind: str
    decided_on: dt.date
    reason: str
    certificate_number: str
    measure: uuid.UUID | None = Field(description="The plan measure the place delivers, if any.")
    measure_status: str


def _session(acting: Acting, public_id: uuid.UUID) -> Session:
    session = Session.objects.select_related("group__offer").filter(public_id=public_id).first()
    if session is None:
        raise not_found()
    if not attendance.can_keep_register(acting, session.group):
        raise PermissionDenied
    return session


def _register_out(acting: Acting, session: Session) -> RegisterOut:
    enrolments = attendance.register_enrolments(session=session)
    marks = {m.enrolment_id: m for m in AttendanceMark.objects.filter(session=session)}
    register = SessionRegister.objects.filter(session=session).first()
    audit_record_listing(
        actor=acting.actor,
        person_ids=[e.person.public_id for e in enrolments],
        category=policy.IDENTITY.key,
        detail={"attendance": str(session.public_id)},
    )
    return RegisterOut(
        session=session.public_id,
        starts_at=session.starts_at,
        filled=register is not None,
        notes=register.notes if register else "",
        marks=[
            MarkOut(
                enrolment=e.public_id,
                person=e.person.public_id,
                name=e.person.full_name,
                status=marks[e.pk].status if e.pk in marks else "",
                reason=marks[e.pk].reason if e.pk in marks else "",
                note=marks[e.pk].note if e.pk in marks else "",
            )
            for e in enrolments
        ],
    )


@router.get(
    "/sessions/{public_id}/attendance",
    response={200: RegisterOut, **_ERRORS},
    summary="The attendance register of a session",
    operation_id="get_attendance",
)
def get_attendance(request: HttpRequest, public_id: uuid.UUID) -> RegisterOut:
    """Everyone who held a place in the group on the session's day, with their mark if recorded."""
    acting = acting_of(request)
    return _register_out(acting, _session(acting, public_id))


@router.put(
    "/sessions/{public_id}/attendance",
    response={200: RegisterOut, **_ERRORS},
    summary="Save the attendance register of a session",
    operation_id="put_attendance",
)
def put_attendance(request: HttpRequest, public_id: uuid.UUID, payload: RegisterIn) -> RegisterOut:
    """All marks or none: refused (422) for a session to come or cancelled, a mark for someone
    without a place that day, an absence without a reason."""
    acting = acting_of(request)
    session = _session(acting, public_id)
    attendance.attendance_record(
        acting=acting,
        session=session,
        marks=[
            attendance.MarkInput(enrolment=m.enrolment, status=m.status, reason=m.reason, note=m.note)
            for m in payload.marks
        ],
        notes=payload.notes,
    )
    return _register_out(acting, session)


def _enrolment(acting: Acting, public_id: uuid.UUID) -> Enrolment:
    enrolment = (
        Enrolment.objects.select_related("group__offer__programme", "person")
        .filter(public_id=public_id)
        .first()
    )
    if enrolment is None:
        raise not_found()
    if not attendance.can_keep_register(acting, enrolment.group):
        raise PermissionDenied
    return enrolment


def _outcome_out(outcome: EnrolmentOutcome) -> OutcomeOut:
    return OutcomeOut(
        enrolment=outcome.enrolment.public_id,
        kind=outcome.kind,
        decided_on=outcome.decided_on,
        reason=outcome.reason,
        certificate_number=outcome.certificate_number,
        measure=outcome.measure.public_id if outcome.measure else None,
        measure_status=outcome.measure.status if outcome.measure else "",
    )


@router.get(
    "/enrolments/{public_id}/outcome",
    response={200: OutcomeOut, **_ERRORS},
    summary="The outcome of a place",
    operation_id="get_outcome",
)
def get_outcome(request: HttpRequest, public_id: uuid.UUID) -> OutcomeOut:
    """404 while no outcome is recorded."""
    acting = acting_of(request)
    enrolment = _enrolment(acting, public_id)
    outcome = (
        EnrolmentOutcome.objects.select_related("measure", "enrolment").filter(enrolment=enrolment).first()
    )
    if outcome is None:
        raise not_found()
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=enrolment.person.public_id,
        record_type=attendance.OUTCOME_RECORD,
        detail={"enrolment": str(enrolment.public_id)},
    )
    return _outcome_out(outcome)


@router.put(
    "/enrolments/{public_id}/outcome",
    response={200: OutcomeOut, **_ERRORS},
    summary="Record how a place ended",
    operation_id="put_outcome",
)
def put_outcome(request: HttpRequest, public_id: uuid.UUID, payload: OutcomeIn) -> OutcomeOut:
    """Completion sets the linked plan measure to done (the plan fulfilment indicator follows);
    dropped out and removed need a reason; a certificate number is unique within the programme."""
    acting = acting_of(request)
    enrolment = _enrolment(acting, public_id)
    outcome = attendance.enrolment_outcome_set(
        acting=acting,
        enrolment=enrolment,
        kind=payload.kind,
        decided_on=payload.decided_on,
        reason=payload.reason,
        certificate_number=payload.certificate_number,
    )
    return _outcome_out(outcome)
