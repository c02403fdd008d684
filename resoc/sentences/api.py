"""/persons/{public_id}/custody-periods, /probation-periods and /release.

Same rules as the web: an unreadable person answers 404, a readable person whose change the token's
role may not make answers 403; refusals of ``sentences.services`` answer 422, as problem details.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from resoc.access import policy
from resoc.access.context import Acting
from resoc.api.auth import acting_of
from resoc.api.problems import ApiProblem, ProblemType, not_found_detail
from resoc.api.schemas import Problem
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.organizations.models import Organization
from resoc.people.models import Person
from resoc.sentences import selectors, services
from resoc.sentences.models import CustodyPeriod, ProbationPeriod, RegimeLevel, Release, ReleaseReason

router = Router(tags=["sentences"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


class AbsenceOut(Schema):
    public_id: uuid.UUID
    kind: str
    starts_on: dt.date
    ends_on: dt.date


class CustodyPeriodOut(Schema):
    public_id: uuid.UUID
    prison: str = Field(description="Code of the prison (organization).")
    prison_name: str
    admitted_on: dt.date
    left_on: dt.date | None
    regime_level: str | None = Field(description="Code of the regime level.")
    ended_by: str = Field(description='"transfer", "release" or "" while the period is open.')
    absences: list[AbsenceOut]


class ProbationPeriodOut(Schema):
    public_id: uuid.UUID
    probation_unit: str = Field(description="Code of the probation unit (organization).")
    probation_unit_name: str
    officer: str | None = Field(description="User name of the supervising officer.")
    starts_on: dt.date
    ends_on: dt.date | None


class ReleaseOut(Schema):
    public_id: uuid.UUID
    custody_period: uuid.UUID
    released_on: dt.date
    reason: str


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class CustodyAdmit(_Strict):
    prison: str = Field(max_length=40, description="Code of the prison.", examples=["jelgavas-cietums"])
    admitted_on: dt.date
    regime_level: str | None = Field(default=None, max_length=40, examples=["closed-lowest"])


class ReleaseCreate(_Strict):
    released_on: dt.date
    reason: ReleaseReason


def _custody_out(period: CustodyPeriod) -> CustodyPeriodOut:
    return CustodyPeriodOut(
        public_id=period.public_id,
        prison=period.prison.code,
        prison_name=period.prison.name,
        admitted_on=period.admitted_on,
        left_on=period.left_on,
        regime_level=period.regime_level.code if period.regime_level else None,
        ended_by=period.ended_by,
        absences=[
            AbsenceOut(public_id=a.public_id, kind=a.kind, starts_on=a.starts_on, ends_on=a.ends_on)
            for a in period.absences.all()
        ],
    )


def _probation_out(period: ProbationPeriod) -> ProbationPeriodOut:
    return ProbationPeriodOut(
        public_id=period.public_id,
        probation_unit=period.probation_unit.code,
        probation_unit_name=period.probation_unit.name,
        officer=period.officer.get_username() if period.officer else None,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
    )


def _readable(acting: Acting, public_id: uuid.UUID) -> Person:
    """The person if ``acting`` may read their sentence; 404 otherwise, whether or not they exist."""
    person = Person.objects.current().filter(public_id=public_id).first()
    if person is None or not policy.can_read(acting, person, policy.SENTENCE.key):
        audit_person(
            actor=acting.actor, action=AuditAction.DENIED, person_id=public_id, category=policy.SENTENCE.key
        )
        raise ApiProblem(404, ProblemType.NOT_FOUND, not_found_detail())
    return person


def _audit_view(acting: Acting, person: Person, record_type: str) -> None:
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        category=policy.SENTENCE.key,
        record_type=record_type,
    )


def _invalid(field: str, message: str) -> ApiProblem:
    return ApiProblem(
        422,
        ProblemType.VALIDATION,
        _("The data sent is not valid: see errors."),
        errors={field: [message]},
    )


@router.get(
    "/persons/{public_id}/custody-periods",
    response={200: list[CustodyPeriodOut], **_ERRORS},
    summary="List a person's custody periods",
    operation_id="list_custody_periods",
)
def list_custody_periods(request: HttpRequest, public_id: uuid.UUID) -> list[CustodyPeriodOut]:
    """Newest first, with the temporary absences of each period."""
    acting = acting_of(request)
    person = _readable(acting, public_id)
    _audit_view(acting, person, "custody_period")
    return [_custody_out(p) for p in selectors.custody_periods(person=person)]


@router.get(
    "/persons/{public_id}/probation-periods",
    response={200: list[ProbationPeriodOut], **_ERRORS},
    summary="List a person's probation periods",
    operation_id="list_probation_periods",
)
def list_probation_periods(request: HttpRequest, public_id: uuid.UUID) -> list[ProbationPeriodOut]:
    acting = acting_of(request)
    person = _readable(acting, public_id)
    _audit_view(acting, person, "probation_period")
    return [_probation_out(p) for p in selectors.probation_periods(person=person)]


@router.post(
    "/persons/{public_id}/custody-periods",
    response={201: CustodyPeriodOut, **_ERRORS},
    summary="Admit a person to prison",
    operation_id="admit_to_custody",
)
def admit_to_custody(
    request: HttpRequest, public_id: uuid.UUID, payload: CustodyAdmit
) -> Status[CustodyPeriodOut]:
    """Open a custody period. Resocialization officers of the admitting prison only."""
    acting = acting_of(request)
    person = _readable(acting, public_id)
    prison = Organization.objects.filter(code=payload.prison).first()
    if prison is None:
        raise _invalid("prison", _("There is no organization with this code."))
    regime_level = None
    if payload.regime_level:
        regime_level = RegimeLevel.objects.filter(code=payload.regime_level).first()
        if regime_level is None:
            raise _invalid("regime_level", _("There is no regime level with this code."))
    period = services.custody_admit(
        acting=acting,
        person=person,
        prison=prison,
        admitted_on=payload.admitted_on,
        regime_level=regime_level,
    )
    return Status(201, _custody_out(period))


@router.post(
    "/persons/{public_id}/release",
    response={201: ReleaseOut, **_ERRORS},
    summary="Record a person's release",
    operation_id="release_person",
)
def release_person(request: HttpRequest, public_id: uuid.UUID, payload: ReleaseCreate) -> Status[ReleaseOut]:
    """End the open custody period with a release. Resocialization officers of the holding prison only."""
    acting = acting_of(request)
    person = _readable(acting, public_id)
    release: Release = services.person_release(
        acting=acting, person=person, released_on=payload.released_on, reason=payload.reason
    )
    return Status(
        201,
        ReleaseOut(
            public_id=release.public_id,
            custody_period=release.custody_period.public_id,
            released_on=release.released_on,
            reason=release.reason,
        ),
    )
