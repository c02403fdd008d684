"""/persons/{id}/assessments and /assessments/{id}: risk and needs assessments.

Unknown and not-permitted records both answer 404; an action the token's role may not do answers 403.
Sensitive category: the API serves only roles that need no stated purpose (a purpose-required role's
token is refused with 403, as it cannot state one per request yet).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from resoc.access import policy
from resoc.access.context import Acting
from resoc.api.access import check_readable, not_found, readable_person
from resoc.api.auth import acting_of
from resoc.api.problems import ApiProblem, ProblemType
from resoc.api.schemas import Problem
from resoc.assessments import selectors, services
from resoc.assessments.models import Assessment, MotivationStage
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record
from resoc.people.models import Person

router = Router(tags=["assessments"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
CATEGORY = policy.ASSESSMENT.key


class NeedOut(Schema):
    key: str
    name: str
    priority: str
    score: int
    max_score: int


class ScoreOut(Schema):
    item: str
    domain: str
    score: int
    max_score: int
    rationale: str


class AssessmentListItem(Schema):
    public_id: uuid.UUID
    person: uuid.UUID
    instrument: str = Field(description="Instrument code and version, e.g. `resoc-rna v1`.")
    status: str
    assessor: str
    organization: str
    created_at: dt.datetime
    signed_at: dt.datetime | None
    motivation_stage: str
    total_score: int | None
    risk_level: str
    needs: list[NeedOut] = Field(description="Needs with a priority, highest first (signed only).")


class AssessmentOut(AssessmentListItem):
    scores: list[ScoreOut]


class ScoreIn(Schema):
    model_config = ConfigDict(extra="forbid")
    item: str = Field(max_length=40, examples=["ch_prior"])
    score: int = Field(ge=0, le=100)
    rationale: str = Field(default="", max_length=services.RATIONALE_MAX)


class ScoresIn(Schema):
    model_config = ConfigDict(extra="forbid")
    scores: list[ScoreIn] = Field(default_factory=list, max_length=200)
    motivation_stage: MotivationStage | None = None


def _readable_assessment(acting: Acting, public_id: uuid.UUID) -> Assessment:
    assessment = (
        Assessment.objects.select_related("person", "instrument", "assessor", "organization")
        .filter(public_id=public_id)
        .first()
    )
    if assessment is None:
        audit_record(
            actor=acting.actor,
            action=AuditAction.DENIED,
            category=CATEGORY,
            record_type=services.RECORD_TYPE,
            record_id=str(public_id),
        )
        raise not_found()
    check_readable(acting, assessment.person, CATEGORY)
    return assessment


def _audit_view(acting: Acting, person: Person, **detail: Any) -> None:
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        category=CATEGORY,
        record_type=services.RECORD_TYPE,
        detail=detail,
    )


def _summary(assessment: Assessment) -> dict[str, Any]:
    return {
        "public_id": assessment.public_id,
        "person": assessment.person.public_id,
        "instrument": f"{assessment.instrument.code} v{assessment.instrument.version}",
        "status": assessment.status,
        "assessor": assessment.assessor.get_username(),
        "organization": assessment.organization.code,
        "created_at": assessment.created_at,
        "signed_at": assessment.signed_at,
        "motivation_stage": assessment.motivation_stage,
        "total_score": assessment.total_score,
        "risk_level": assessment.risk_level,
        "needs": selectors.needs_display(assessment),
    }


def _full(assessment: Assessment) -> dict[str, Any]:
    scores = [
        {
            "item": row["item"].key,
            "domain": entry["domain"].key,
            "score": row["score"].score,
            "max_score": row["item"].max_score,
            "rationale": row["score"].rationale,
        }
        for entry in selectors.assessment_with_instrument(assessment=assessment)
        for row in entry["items"]
        if row["score"] is not None
    ]
    return {**_summary(assessment), "scores": scores}


@router.get(
    "/persons/{public_id}/assessments",
    response={200: list[AssessmentListItem], **_ERRORS},
    summary="List a person's risk and needs assessments",
    operation_id="list_assessments",
)
def list_assessments(request: HttpRequest, public_id: uuid.UUID) -> list[dict[str, Any]]:
    """Newest first. Signed assessments carry their outcome: risk level and ranked needs."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, CATEGORY)
    _audit_view(acting, person)
    return [_summary(a) for a in selectors.person_assessments(person=person)]


@router.get(
    "/assessments/{public_id}",
    response={200: AssessmentOut, **_ERRORS},
    summary="Read an assessment with its scores and outcome",
    operation_id="get_assessment",
    url_name="get_assessment",
)
def get_assessment(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    acting = acting_of(request)
    assessment = _readable_assessment(acting, public_id)
    _audit_view(acting, assessment.person, assessment=str(assessment.public_id))
    return _full(assessment)


@router.post(
    "/persons/{public_id}/assessments",
    response={201: AssessmentOut, **_ERRORS},
    summary="Start a risk and needs assessment",
    operation_id="start_assessment",
)
def start_assessment(
    request: HttpRequest, public_id: uuid.UUID, response: HttpResponse
) -> Status[dict[str, Any]]:
    """A draft with the current instrument version. Refused (422) while the person has an open draft."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, CATEGORY)
    assessment = services.assessment_start(acting=acting, person=person)
    response["Location"] = reverse("api:get_assessment", kwargs={"public_id": assessment.public_id})
    return Status(201, _full(assessment))


@router.put(
    "/assessments/{public_id}/scores",
    response={200: AssessmentOut, **_ERRORS},
    summary="Record scores of a draft assessment",
    operation_id="set_assessment_scores",
)
def set_scores(request: HttpRequest, public_id: uuid.UUID, payload: ScoresIn) -> dict[str, Any]:
    """Items sent are scored (a rationale is required above 0); items not sent keep their scores.

    Validation errors are reported by item key.
    """
    acting = acting_of(request)
    assessment = _readable_assessment(acting, public_id)
    services.assessment_score_set(
        acting=acting,
        assessment=assessment,
        scores=[
            services.ScoreInput(item=s.item, score=s.score, rationale=s.rationale) for s in payload.scores
        ],
        motivation_stage=payload.motivation_stage.value if payload.motivation_stage else None,
    )
    return _full(assessment)


@router.post(
    "/assessments/{public_id}/sign",
    response={200: AssessmentOut, **_ERRORS},
    summary="Sign a complete draft assessment",
    operation_id="sign_assessment",
)
def sign_assessment(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Computes and stores the outcome; the person's previous signed assessment is superseded.

    Only memberships qualified to sign assessments may sign (403 otherwise).
    """
    acting = acting_of(request)
    assessment = _readable_assessment(acting, public_id)
    try:
        services.assessment_sign(acting=acting, assessment=assessment)
    except ValidationError as error:
        if getattr(error, "code", None) != "not_qualified":
            raise
        # Missing qualification is a refusal of the signer, not a fault of the data.
        raise ApiProblem(403, ProblemType.FORBIDDEN, error.messages[0]) from None
    return _full(assessment)
