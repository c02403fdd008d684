"""/api/v1/volunteers: volunteers, lifecycle moves, screening and qualifications.

Coordinators (NGO coordinator, organization administrator; probation officers for the Probation
Service's volunteers) read and change the volunteers of their organization; a volunteer reads only
himself; every other token gets 403 for lists and 404 for a record, like an unknown id. Activities,
check-in and hours are in ``activity_api.py``.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.api.access import not_found
from resoc.api.auth import acting_of
from resoc.api.schemas import Problem
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.organizations.models import Organization, OrganizationType
from resoc.volunteers import selectors, services
from resoc.volunteers.models import Qualification, Volunteer
from resoc.volunteers.rules import expiring_soon

router = Router(tags=["volunteers"])
_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
PAGE_SIZE = 50


class VolunteerOut(Schema):
    public_id: uuid.UUID
    organization: str = Field(description="Code of the organization.")
    kind: str = Field(description="`volunteer` or `peer_mentor`.")
    status: str = Field(
        description="`application`, `screening`, `training`, `approved`, `active`, `suspended` or `ended`."
    )
    given_names: str
    family_name: str
    email: str
    phone: str
    sex: str
    year_of_birth: int | None
    region: str
    languages: str
    interests: str
    lived_experience: bool
    capacity: int
    applied_on: dt.date
    username: str = Field(description="The linked user account (from approval), or empty.")
    next_expiry: dt.date | None = Field(
        default=None, description="First expiry among qualifications in force."
    )


class VolunteerPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[VolunteerOut]


class VolunteerQuery(Schema):
    status: str = Field(default="", max_length=20)
    kind: str = Field(default="", max_length=20)
    expiring: bool = Field(
        default=False, description="Only those with a qualification ending within 30 days."
    )
    q: str = Field(default="", max_length=100, description="Words of the name.")
    page: int = Field(default=1, ge=1, le=100_000)


class VolunteerIn(Schema):
    organization: str = Field(default="", max_length=40, description="Default: the token's organization.")
    kind: str = Field(max_length=20)
    given_names: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    sex: str = Field(max_length=10)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=30)
    year_of_birth: int | None = Field(default=None, ge=1900, le=2100)
    region: str = Field(default="", max_length=20)
    languages: str = Field(default="", max_length=200)
    interests: str = Field(default="", max_length=300)
    lived_experience: bool = False
    capacity: int = Field(default=1, ge=0, le=20)
    applied_on: dt.date | None = None


class TransitionIn(Schema):
    to_status: str = Field(max_length=20)
    reason: str = Field(default="", max_length=2000, description="Required to suspend or end.")
    username: str = Field(
        default="", max_length=150, description="On approval: the user account to link or create."
    )
    password: str = Field(default="", max_length=200, description="On approval: a new account's password.")


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str
    changed_by: str
    changed_at: dt.datetime


class ScreeningIn(Schema):
    step: str = Field(max_length=20, description="`interview`, `references` or `criminal_record`.")
    outcome: str = Field(max_length=20, description="`suitable` or `not_suitable`.")
    done_on: dt.date
    justification: str = Field(default="", max_length=4000)
    has_convictions: bool = False


class ScreeningOut(Schema):
    public_id: uuid.UUID
    step: str
    outcome: str
    done_on: dt.date
    justification: str
    has_convictions: bool
    decided_by: str


class QualificationIn(Schema):
    kind: str = Field(max_length=20, description="`background_check`, `training` or `prison_access`.")
    prison: str = Field(default="", max_length=40, description="For prison access: the prison's code.")
    valid_from: dt.date
    valid_until: dt.date | None = None
    note: str = Field(default="", max_length=300)


class QualificationOut(Schema):
    public_id: uuid.UUID
    volunteer: uuid.UUID
    kind: str
    prison: str = Field(description="Code of the prison (prison access only).")
    valid_from: dt.date
    valid_until: dt.date | None
    in_force: bool
    expiring_soon: bool = Field(description="Ends within 30 days.")
    note: str


class VolunteerDetail(VolunteerOut):
    history: list[StatusChangeOut]
    screening: list[ScreeningOut]
    qualifications: list[QualificationOut]
    hours_approved: float
    hours_waiting: float


def volunteer_out(volunteer: Volunteer) -> VolunteerOut:
    return VolunteerOut(
        public_id=volunteer.public_id,
        organization=volunteer.organization.code,
        kind=volunteer.kind,
        status=volunteer.status,
        given_names=volunteer.given_names,
        family_name=volunteer.family_name,
        email=volunteer.email,
        phone=volunteer.phone,
        sex=volunteer.sex,
        year_of_birth=volunteer.year_of_birth,
        region=volunteer.region,
        languages=volunteer.languages,
        interests=volunteer.interests,
        lived_experience=volunteer.lived_experience,
        capacity=volunteer.capacity,
        applied_on=volunteer.applied_on,
        username=volunteer.user.username if volunteer.user else "",
        next_expiry=getattr(volunteer, "next_expiry", None),
    )


def qualification_out(q: Qualification, today: dt.date) -> QualificationOut:
    return QualificationOut(
        public_id=q.public_id,
        volunteer=q.volunteer.public_id,
        kind=q.kind,
        prison=q.prison.code if q.prison else "",
        valid_from=q.valid_from,
        valid_until=q.valid_until,
        in_force=q.in_force(today),
        expiring_soon=q.in_force(today) and expiring_soon(q.valid_until, today),
        note=q.note,
    )


def volunteer_or_404(acting: Acting, public_id: uuid.UUID) -> Volunteer:
    volunteer = services.visible_volunteer(acting, public_id)
    if volunteer is None:
        raise not_found()
    return volunteer


def _detail(acting: Acting, volunteer: Volunteer) -> VolunteerDetail:
    file = selectors.volunteer_file(volunteer)
    today = timezone.localdate()
    services.audit_volunteer(acting, AuditAction.VIEW, volunteer)
    return VolunteerDetail(
        **volunteer_out(volunteer).dict(),
        history=[
            StatusChangeOut(
                from_status=h.from_status,
                to_status=h.to_status,
                reason=h.reason,
                changed_by=h.changed_by.username if h.changed_by else "",
                changed_at=h.changed_at,
            )
            for h in file.history
        ],
        screening=[
            ScreeningOut(
                public_id=s.public_id,
                step=s.step,
                outcome=s.outcome,
                done_on=s.done_on,
                justification=s.justification,
                has_convictions=s.has_convictions,
                decided_by=s.decided_by.username if s.decided_by else "",
            )
            for s in file.screening
        ],
        qualifications=[qualification_out(q, today) for q in file.qualifications],
        hours_approved=file.hours_approved,
        hours_waiting=file.hours_waiting,
    )


@router.get(
    "/volunteers",
    response={200: VolunteerPage, **_ERRORS},
    summary="Volunteers and peer mentors",
    operation_id="list_volunteers",
)
def list_volunteers(request: HttpRequest, filters: Query[VolunteerQuery]) -> VolunteerPage:
    """A coordinator's organization's volunteers, 50 a page, by name; a volunteer gets only himself."""
    acting = acting_of(request)
    if acting.role == Role.VOLUNTEER:
        mine = selectors.volunteer_of_user(acting.user.pk, acting.organization_id)
        results = [volunteer_out(mine)] if mine else []
        return VolunteerPage(count=len(results), page=1, page_size=PAGE_SIZE, pages=1, results=results)
    organization_ids = services.managed_organization_ids(acting)
    if not organization_ids:
        raise PermissionDenied
    found = selectors.volunteers(
        organization_ids=organization_ids,
        filters=selectors.VolunteerFilters(
            status=filters.status, kind=filters.kind, expiring=filters.expiring, query=filters.q
        ),
        on=timezone.localdate(),
    ).select_related("user")
    count = found.count()
    start = (filters.page - 1) * PAGE_SIZE
    page = list(found[start : start + PAGE_SIZE])
    audit_record(
        actor=acting.actor,
        action=AuditAction.LIST,
        record_type=services.RECORD,
        detail={"volunteers": [str(v.public_id) for v in page]},
    )
    return VolunteerPage(
        count=count,
        page=filters.page,
        page_size=PAGE_SIZE,
        pages=max(1, math.ceil(count / PAGE_SIZE)),
        results=[volunteer_out(v) for v in page],
    )


def _organization(acting: Acting, code: str) -> Organization:
    if not code:
        if acting.membership is None:
            raise PermissionDenied
        return acting.membership.organization
    found = Organization.objects.filter(code=code).first()
    if found is None:
        raise not_found()
    return found


@router.post(
    "/volunteers",
    response={201: VolunteerDetail, **_ERRORS},
    summary="Record an application",
    operation_id="create_volunteer",
)
def create_volunteer(request: HttpRequest, payload: VolunteerIn) -> Status[VolunteerDetail]:
    """A new volunteer in status `application`, in the token's organization or one below it."""
    acting = acting_of(request)
    data = payload.dict()
    organization = _organization(acting, data.pop("organization"))
    volunteer = services.volunteer_apply(acting=acting, organization=organization, **data)
    return Status(201, _detail(acting, volunteer))


@router.get(
    "/volunteers/expiring-qualifications",
    response={200: list[QualificationOut], **_ERRORS},
    summary="Qualifications expiring within 30 days",
    operation_id="list_expiring_qualifications",
)
def list_expiring(request: HttpRequest) -> list[QualificationOut]:
    """Qualifications in force that end within 30 days and are not renewed, soonest first."""
    acting = acting_of(request)
    organization_ids = services.managed_organization_ids(acting)
    if not organization_ids:
        raise PermissionDenied
    today = timezone.localdate()
    found = list(selectors.expiring_qualifications(organization_ids=organization_ids, on=today)[:500])
    return [qualification_out(q, today) for q in found]


@router.get(
    "/volunteers/{public_id}",
    response={200: VolunteerDetail, **_ERRORS},
    summary="A volunteer with history, screening and qualifications",
    operation_id="get_volunteer",
)
def get_volunteer(request: HttpRequest, public_id: uuid.UUID) -> VolunteerDetail:
    acting = acting_of(request)
    return _detail(acting, volunteer_or_404(acting, public_id))


@router.post(
    "/volunteers/{public_id}/transitions",
    response={200: VolunteerDetail, **_ERRORS},
    summary="Move a volunteer in the lifecycle",
    operation_id="transition_volunteer",
)
def transition(request: HttpRequest, public_id: uuid.UUID, payload: TransitionIn) -> VolunteerDetail:
    """application → screening → training → approved → active ⇄ suspended → ended. A move out of order
    answers 422 naming the possible moves; suspending and ending need a reason. Approval links (or
    creates, with `password`) the account `username` and gives it a volunteer membership; suspension
    and end deactivate it."""
    acting = acting_of(request)
    volunteer = volunteer_or_404(acting, public_id)
    services.volunteer_transition(
        acting=acting,
        volunteer=volunteer,
        to_status=payload.to_status,
        reason=payload.reason,
        username=payload.username,
        password=payload.password,
    )
    return _detail(acting, volunteer)


@router.post(
    "/volunteers/{public_id}/screening",
    response={201: ScreeningOut, **_ERRORS},
    summary="Record a screening decision",
    operation_id="record_screening",
)
def record_screening(
    request: HttpRequest, public_id: uuid.UUID, payload: ScreeningIn
) -> Status[ScreeningOut]:
    """The criminal record check always needs a justification; convictions do not refuse by themselves."""
    acting = acting_of(request)
    volunteer = volunteer_or_404(acting, public_id)
    decision = services.screening_record(acting=acting, volunteer=volunteer, **payload.dict())
    return Status(
        201,
        ScreeningOut(
            public_id=decision.public_id,
            step=decision.step,
            outcome=decision.outcome,
            done_on=decision.done_on,
            justification=decision.justification,
            has_convictions=decision.has_convictions,
            decided_by=acting.user.username,
        ),
    )


@router.get(
    "/volunteers/{public_id}/qualifications",
    response={200: list[QualificationOut], **_ERRORS},
    summary="A volunteer's qualifications",
    operation_id="list_qualifications",
)
def list_qualifications(request: HttpRequest, public_id: uuid.UUID) -> list[QualificationOut]:
    acting = acting_of(request)
    volunteer = volunteer_or_404(acting, public_id)
    today = timezone.localdate()
    services.audit_volunteer(acting, AuditAction.VIEW, volunteer, part="qualifications")
    return [
        qualification_out(q, today)
        for q in Qualification.objects.filter(volunteer=volunteer).select_related("prison", "volunteer")
    ]


@router.post(
    "/volunteers/{public_id}/qualifications",
    response={201: QualificationOut, **_ERRORS},
    summary="Record a qualification (or its renewal)",
    operation_id="create_qualification",
)
def create_qualification(
    request: HttpRequest, public_id: uuid.UUID, payload: QualificationIn
) -> Status[QualificationOut]:
    """Background checks and prison access need `valid_until`; prison access names a prison by code."""
    acting = acting_of(request)
    volunteer = volunteer_or_404(acting, public_id)
    prison = None
    if payload.prison:
        prison = Organization.objects.filter(code=payload.prison, type=OrganizationType.PRISON).first()
        if prison is None:
            raise ValidationError({"prison": [_("Choose the prison the approval is for.")]})
    qualification = services.qualification_grant(
        acting=acting,
        volunteer=volunteer,
        kind=payload.kind,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        prison=prison,
        note=payload.note,
    )
    return Status(201, qualification_out(qualification, timezone.localdate()))
