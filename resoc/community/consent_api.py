"""/consents: a person's consents to share data, recording (staff-recorded) and withdrawal as an action.

Signed forms are uploaded on the consents page; through the API a consent is recorded as given to
staff. The same services and rules as the page: recorders are the officers who hold the person, a
coordinator of the receiving NGO may withdraw. Unknown and unreadable persons answer the same 404.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.models import User
from resoc.api.access import not_found, readable_person
from resoc.api.auth import acting_of
from resoc.api.problems import ApiProblem, ProblemType
from resoc.api.schemas import Problem
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.community import selectors
from resoc.community.consents import ConsentSpec, consent_record, consent_withdraw
from resoc.community.rules import can_see_consents, can_withdraw_consent
from resoc.organizations.models import Organization
from resoc.people.models import Consent, ConsentMethod, Person

router = Router(tags=["consents"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


class ConsentFilters(Schema):
    person: uuid.UUID = Field(description="The person's `public_id`.")


class ConsentOut(Schema):
    public_id: uuid.UUID
    person_id: uuid.UUID
    organization_id: uuid.UUID
    organization: str
    mentor_id: uuid.UUID | None
    categories: list[str]
    purpose: str
    given_on: dt.date
    method: str = Field(description="`signed_form` or `recorded_by_staff`.")
    has_signed_form: bool
    recorded_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str


class ConsentCreate(Schema):
    person: uuid.UUID
    organization: uuid.UUID = Field(description="The NGO's `public_id`.")
    mentor: uuid.UUID | None = Field(default=None, description="A volunteer of that NGO (user `public_id`).")
    categories: list[str] = Field(max_length=20, description="Data category keys, at least one.")
    purpose: str = Field(max_length=200)
    given_on: dt.date


class WithdrawIn(Schema):
    reason: str = Field(max_length=300)


def _out(consent: Consent) -> dict[str, object]:
    return {
        "public_id": consent.public_id,
        "person_id": consent.person.public_id,
        "organization_id": consent.organization.public_id,
        "organization": consent.organization.name,
        "mentor_id": consent.mentor.public_id if consent.mentor else None,
        "categories": consent.category_keys,
        "purpose": consent.purpose,
        "given_on": consent.given_on,
        "method": consent.method,
        "has_signed_form": bool(consent.signed_form),
        "recorded_at": consent.recorded_at,
        "withdrawn_at": consent.withdrawn_at,
        "withdrawal_reason": consent.withdrawal_reason,
    }


def _person(acting: Acting, public_id: uuid.UUID) -> Person:
    person = readable_person(acting, public_id, policy.IDENTITY.key)
    if not can_see_consents(acting, person):
        audit_person(
            actor=acting.actor, action=AuditAction.DENIED, person_id=public_id, record_type="consents"
        )
        raise PermissionDenied
    return person


@router.get(
    "/consents",
    response={200: list[ConsentOut], **_ERRORS},
    summary="A person's consents, current and withdrawn",
    operation_id="list_consents",
)
def list_consents(request: HttpRequest, filters: Query[ConsentFilters]) -> list[dict[str, object]]:
    """Officers holding the person see all of them; an NGO coordinator those given to his NGO."""
    acting = acting_of(request)
    person = _person(acting, filters.person)
    consents = selectors.person_consents(acting=acting, person=person)
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        record_type="consents",
        detail={"consents": [str(c.public_id) for c in consents]},
    )
    return [_out(c) for c in consents]


def _invalid(field: str, message: str) -> ApiProblem:
    return ApiProblem(
        422, ProblemType.VALIDATION, _("The data sent is not valid: see errors."), errors={field: [message]}
    )


@router.post(
    "/consents",
    response={201: ConsentOut, **_ERRORS},
    summary="Record a consent given to staff",
    operation_id="create_consent",
)
def create_consent(request: HttpRequest, payload: ConsentCreate) -> Status[dict[str, object]]:
    """Refused with every reason at once (422), nothing written; 403 without a custody or supervision."""
    acting = acting_of(request)
    person = readable_person(acting, payload.person, policy.IDENTITY.key)
    organization = Organization.objects.filter(public_id=payload.organization).first()
    if organization is None:
        raise _invalid("organization", _("No organization has this identifier."))
    mentor = None
    if payload.mentor is not None:
        mentor = User.objects.filter(public_id=payload.mentor).first()
        if mentor is None:
            raise _invalid("mentor", _("The mentor must be an active volunteer of this NGO."))
    consent = consent_record(
        acting=acting,
        person=person,
        spec=ConsentSpec(
            organization=organization,
            mentor=mentor,
            categories=payload.categories,
            purpose=payload.purpose,
            given_on=payload.given_on,
            method=ConsentMethod.RECORDED_BY_STAFF,
        ),
    )
    return Status(201, _out(consent))


def _consent(acting: Acting, public_id: uuid.UUID) -> Consent:
    consent = (
        Consent.objects.select_related("person", "organization", "mentor").filter(public_id=public_id).first()
    )
    if consent is None:
        raise not_found()
    return consent


@router.get(
    "/consents/{public_id}",
    response={200: ConsentOut, **_ERRORS},
    summary="One consent",
    operation_id="get_consent",
)
def get_consent(request: HttpRequest, public_id: uuid.UUID) -> dict[str, object]:
    acting = acting_of(request)
    consent = _consent(acting, public_id)
    person = _person(acting, consent.person.public_id)
    if consent.pk not in {c.pk for c in selectors.person_consents(acting=acting, person=person)}:
        raise not_found()
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        record_type="consent",
        detail={"consent": str(consent.public_id)},
    )
    return _out(consent)


@router.post(
    "/consents/{public_id}/withdraw",
    response={200: ConsentOut, **_ERRORS},
    summary="Withdraw a consent (at once)",
    operation_id="withdraw_consent",
)
def withdraw_consent(request: HttpRequest, public_id: uuid.UUID, payload: WithdrawIn) -> dict[str, object]:
    """Access given by the consent stops at once. A consent already withdrawn answers 422 and stays as it was."""
    acting = acting_of(request)
    consent = _consent(acting, public_id)
    if not can_withdraw_consent(acting, consent):
        audit_person(
            actor=acting.actor,
            action=AuditAction.DENIED,
            person_id=consent.person.public_id,
            record_type="consent",
            detail={"consent": str(consent.public_id), "attempt": "withdraw"},
        )
        raise not_found()
    return _out(consent_withdraw(acting=acting, consent=consent, reason=payload.reason))
