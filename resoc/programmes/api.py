"""/programmes (the catalogue), /programmes/{id}, /persons/{id}/eligibility.

The catalogue holds no person data: any token may read it. A person's eligibility reads the sentence
(regime level, time left) and the assessment (risk level): only a token that may read both categories
of the person gets it; everyone else gets the same 404 as for an unknown person, audited as denied.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from resoc.access import policy
from resoc.api.access import check_readable, not_found, readable_person
from resoc.api.auth import acting_of
from resoc.api.schemas import Problem
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.programmes import selectors
from resoc.programmes.models import Programme

router = Router(tags=["programmes"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
PAGE_SIZE = 50
ELIGIBILITY_RECORD = "programme_eligibility"


class EligibilityRulesOut(Schema):
    min_age: int | None
    max_age: int | None
    sexes: list[str]
    risk_levels: list[str]
    regime_levels: list[str] = Field(description="Codes of regime levels; empty means any.")
    min_latvian_level: str
    max_latvian_level: str
    min_months_left: int | None
    max_months_left: int | None


class ProgrammeOut(Schema):
    public_id: uuid.UUID
    code: str
    name: str
    name_en: str
    type: str = Field(description="The programme type's code, e.g. `vocational_education`.")
    aims: str
    aims_en: str
    needs: list[str] = Field(description="Assessment domain keys the programme addresses.")
    sessions: int | None
    hours: int | None
    certificate: str
    certificate_en: str
    organizations: list[str] = Field(description="Codes of the organizations allowed to deliver it.")
    eligibility: EligibilityRulesOut
    is_active: bool = Field(description="False for a retired programme.")


class ProgrammePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[ProgrammeOut]


class CatalogueQuery(Schema):
    q: str = Field(default="", max_length=100, description="Words in the name or code.")
    type: str = Field(default="", max_length=40)
    need: str = Field(default="", max_length=40, description="An assessment domain key.")
    organization: str = Field(default="", max_length=40, description="An organization's code.")
    include_retired: bool = False
    page: int = Field(default=1, ge=1, le=100_000)


class FindingOut(Schema):
    rule: str = Field(examples=["time_left"])
    outcome: str = Field(description="`failed` or `unknown` (a fact the rule needs is not recorded).")
    message: str


class EligibilityRowOut(Schema):
    programme: uuid.UUID
    code: str
    name: str
    status: str = Field(description="`eligible`, `unknown` or `not_eligible`.")
    findings: list[FindingOut]


class EligibilityOut(Schema):
    person: uuid.UUID
    on: dt.date
    results: list[EligibilityRowOut]


def _out(programme: Programme) -> ProgrammeOut:
    return ProgrammeOut(
        public_id=programme.public_id,
        code=programme.code,
        name=programme.name,
        name_en=programme.name_en,
        type=programme.type.code,
        aims=programme.aims,
        aims_en=programme.aims_en,
        needs=list(programme.needs),
        sessions=programme.sessions,
        hours=programme.hours,
        certificate=programme.certificate,
        certificate_en=programme.certificate_en,
        organizations=[org.code for org in programme.organizations.all()],
        eligibility=EligibilityRulesOut(
            min_age=programme.min_age,
            max_age=programme.max_age,
            sexes=list(programme.sexes),
            risk_levels=list(programme.risk_levels),
            regime_levels=list(programme.regime_levels),
            min_latvian_level=programme.min_latvian_level,
            max_latvian_level=programme.max_latvian_level,
            min_months_left=programme.min_months_left,
            max_months_left=programme.max_months_left,
        ),
        is_active=programme.is_active,
    )


@router.get(
    "/programmes",
    response={200: ProgrammePage, **_ERRORS},
    summary="The programme catalogue",
    operation_id="list_programmes",
)
def list_programmes(request: HttpRequest, filters: Query[CatalogueQuery]) -> ProgrammePage:
    """Programmes by type, then in Latvian alphabetical order; retired ones only when asked."""
    found = selectors.catalogue(
        selectors.CatalogueFilters(
            q=filters.q,
            type=filters.type,
            need=filters.need,
            organization=filters.organization,
            include_retired=filters.include_retired,
        )
    )
    offset = (filters.page - 1) * PAGE_SIZE
    return ProgrammePage(
        count=len(found),
        page=filters.page,
        page_size=PAGE_SIZE,
        pages=max(1, math.ceil(len(found) / PAGE_SIZE)),
        results=[_out(p) for p in found[offset : offset + PAGE_SIZE]],
    )


@router.get(
    "/programmes/{public_id}",
    response={200: ProgrammeOut, **_ERRORS},
    summary="One programme",
    operation_id="get_programme",
)
def get_programme(request: HttpRequest, public_id: uuid.UUID) -> ProgrammeOut:
    """A programme of the catalogue, retired ones included (records may still refer to them)."""
    programme = selectors.programme_by_public_id(public_id)
    if programme is None:
        raise not_found()
    return _out(programme)


@router.get(
    "/persons/{public_id}/eligibility",
    response={200: EligibilityOut, **_ERRORS},
    summary="Which programmes a person is eligible for, and why not for the others",
    operation_id="get_person_eligibility",
)
def get_person_eligibility(request: HttpRequest, public_id: uuid.UUID) -> EligibilityOut:
    """Every offered programme with `eligible`, `unknown` or `not_eligible` and the reasons.

    Needs the person's sentence and assessment readable; the read is audited under both categories.
    """
    acting = acting_of(request)
    person = readable_person(acting, public_id, policy.SENTENCE.key)
    check_readable(acting, person, policy.ASSESSMENT.key)
    on = timezone.localdate()
    result = selectors.person_eligibility(person=person, on=on)
    for category in (policy.SENTENCE.key, policy.ASSESSMENT.key):
        audit_person(
            actor=acting.actor,
            action=AuditAction.VIEW,
            person_id=person.public_id,
            category=category,
            record_type=ELIGIBILITY_RECORD,
        )
    return EligibilityOut(
        person=person.public_id,
        on=on,
        results=[
            EligibilityRowOut(
                programme=row.programme.public_id,
                code=row.programme.code,
                name=row.programme.name,
                status=row.status.value,
                findings=[
                    FindingOut(rule=f.rule.value, outcome=f.outcome.value, message=f.message)
                    for f in row.findings
                ],
            )
            for row in result.rows
        ],
    )


# Groups and sessions live in their own module; they are served under the same router.
from resoc.programmes.group_api import router as group_router  # noqa: E402

router.add_router("", group_router)

# Attendance registers and outcomes of places (issue #4, part 4).
from resoc.programmes.attendance_api import router as attendance_router  # noqa: E402

router.add_router("", attendance_router)

# Waiting lists and allocation (issue #4, part 3), under the same router.
from resoc.programmes.waiting_api import router as waiting_router  # noqa: E402

router.add_router("", waiting_router)
