"""/persons/{id}/plan, /plans/{id} (with /goals, /reviews, /close), /goals/{id}/measures, /measures/{id}.

Unknown and not-permitted records both answer 404; an action the token's role may not do answers 403.
Plans are read under the sensitive "assessment" category: a purpose-required role's token is refused
with 403, as it cannot state one per request yet. Every refusal is audited as ``denied``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.models import User
from resoc.api.access import check_readable, not_found, readable_person
from resoc.api.auth import acting_of
from resoc.api.problems import ApiProblem
from resoc.api.schemas import Problem
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record
from resoc.organizations.models import Organization
from resoc.people.models import Person
from resoc.plans import selectors, services
from resoc.plans.models import (
    TARGET_MAX,
    TEXT_MAX,
    Goal,
    Measure,
    MeasureKind,
    MeasureStatus,
    Plan,
    PlanReview,
)

router = Router(tags=["plans"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
CATEGORY = policy.ASSESSMENT.key


class MeasureOut(Schema):
    public_id: uuid.UUID
    kind: str
    description: str
    responsible_organization: str = Field(description="The organization's code.")
    responsible_user: str | None = Field(description="The username, if a person is responsible.")
    due_on: dt.date
    status: str
    status_changed_on: dt.date


class GoalOut(Schema):
    public_id: uuid.UUID
    need: str = Field(description="The assessment domain key, e.g. `education_employment`.")
    need_priority: str
    text: str
    target: str
    due_on: dt.date | None
    fully_addressed: bool
    measures: list[MeasureOut]


class ReviewOut(Schema):
    public_id: uuid.UUID
    reviewed_on: dt.date
    notes: str
    next_review_due: dt.date


class PlanOut(Schema):
    public_id: uuid.UUID
    person: uuid.UUID
    organization: str
    assessment: uuid.UUID
    status: str
    created_at: dt.datetime
    next_review_due: dt.date | None
    review_overdue: bool
    handed_over_on: dt.date | None = Field(description="The day the plan was last handed over at a release.")
    kept_by: str | None = Field(
        description="The code of the organization keeping the plan (after a handover, the receiving "
        "probation unit; null when only a municipality received measures)."
    )
    goals: list[GoalOut]
    reviews: list[ReviewOut]


class GoalIn(Schema):
    model_config = ConfigDict(extra="forbid")
    need: str = Field(max_length=40, examples=["education_employment"])
    text: str = Field(max_length=TEXT_MAX)
    target: str = Field(default="", max_length=TARGET_MAX)
    due_on: dt.date


class MeasureIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: MeasureKind
    description: str = Field(max_length=TEXT_MAX)
    responsible_organization: str = Field(max_length=40, description="The organization's code.")
    responsible_user: str | None = Field(default=None, max_length=150, description="A username.")
    due_on: dt.date


class MeasureStatusIn(Schema):
    model_config = ConfigDict(extra="forbid")
    status: MeasureStatus


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reviewed_on: dt.date = Field(description="The day of the review; not in the future.")
    notes: str = Field(max_length=TEXT_MAX, description="What the review found and decided.")
    next_review_due: dt.date = Field(description="After the review and not in the past.")


@contextmanager
def _refusals_audited(acting: Acting, person: Person) -> Iterator[None]:
    """A change the token's role may not make is a refused attempt: audit it, then answer 403."""
    try:
        yield
    except PermissionDenied:
        audit_person(
            actor=acting.actor,
            action=AuditAction.DENIED,
            person_id=person.public_id,
            category=CATEGORY,
            record_type=services.RECORD_TYPE,
            detail={"reason": "action_not_allowed"},
        )
        raise


def _denied(acting: Acting, public_id: uuid.UUID) -> ApiProblem:
    audit_record(
        actor=acting.actor,
        action=AuditAction.DENIED,
        category=CATEGORY,
        record_type=services.RECORD_TYPE,
        record_id=str(public_id),
    )
    return not_found()


def _loaded(plans: QuerySet[Plan]) -> Plan | None:
    """The first plan with everything :func:`_full` shows, in a fixed number of queries."""
    measures = Measure.objects.select_related("responsible_organization", "responsible_user")
    return (
        plans.select_related("person", "organization", "assessment", "held_by")
        .prefetch_related(
            Prefetch(
                "goals", queryset=Goal.objects.prefetch_related(Prefetch("measures", queryset=measures))
            ),
            "reviews",
        )
        .first()
    )


def _full(plan: Plan) -> dict[str, Any]:
    return {
        "public_id": plan.public_id,
        "person": plan.person.public_id,
        "organization": plan.organization.code,
        "assessment": plan.assessment.public_id,
        "status": plan.status,
        "created_at": plan.created_at,
        "next_review_due": plan.next_review_due,
        "review_overdue": plan.review_overdue(),
        "handed_over_on": plan.handed_over_on,
        "kept_by": (plan.held_by.code if plan.held_by else None)
        if plan.handed_over_on
        else plan.organization.code,
        "goals": [
            {
                "public_id": row.goal.public_id,
                "need": row.goal.need_key,
                "need_priority": row.goal.need_priority,
                "text": row.goal.text,
                "target": row.goal.target,
                "due_on": row.goal.due_on,
                "fully_addressed": row.addressed,
                "measures": [_measure(m) for m in row.measures],
            }
            for row in selectors.plan_goals(plan=plan)
        ],
        "reviews": [_review(r) for r in plan.reviews.all()],
    }


def _current_full(person: Person) -> dict[str, Any]:
    plan = selectors.person_plan(person=person)
    if plan is None:
        raise not_found()
    return _full(plan)


def _review(review: PlanReview) -> dict[str, Any]:
    return {
        "public_id": review.public_id,
        "reviewed_on": review.reviewed_on,
        "notes": review.notes,
        "next_review_due": review.next_review_due,
    }


def _measure(measure: Measure) -> dict[str, Any]:
    return {
        "public_id": measure.public_id,
        "kind": measure.kind,
        "description": measure.description,
        "responsible_organization": measure.responsible_organization.code,
        "responsible_user": measure.responsible_user.get_username() if measure.responsible_user else None,
        "due_on": measure.due_on,
        "status": measure.status,
        "status_changed_on": measure.status_changed_on,
    }


@router.get(
    "/persons/{public_id}/plan",
    response={200: PlanOut, **_ERRORS},
    summary="Read a person's resocialization plan",
    operation_id="get_plan",
    url_name="get_plan",
)
def get_plan(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """The active plan, else the latest closed one; 404 when the person has none."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, CATEGORY)
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        category=CATEGORY,
        record_type=services.RECORD_TYPE,
    )
    return _current_full(person)


@router.post(
    "/persons/{public_id}/plan",
    response={201: PlanOut, **_ERRORS},
    summary="Draw up a plan from the current assessment",
    operation_id="create_plan",
)
def create_plan(request: HttpRequest, public_id: uuid.UUID, response: HttpResponse) -> Status[dict[str, Any]]:
    """One proposed goal per need of medium or high priority. Refused (422) while a plan is active."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, CATEGORY)
    with _refusals_audited(acting, person):
        services.plan_create_from_assessment(acting=acting, person=person)
    response["Location"] = reverse("api:get_plan", kwargs={"public_id": person.public_id})
    return Status(201, _current_full(person))


@router.post(
    "/plans/{public_id}/goals",
    response={201: GoalOut, **_ERRORS},
    summary="Add a goal to a plan",
    operation_id="add_plan_goal",
)
def add_goal(request: HttpRequest, public_id: uuid.UUID, payload: GoalIn) -> Status[dict[str, Any]]:
    acting = acting_of(request)
    plan = Plan.objects.select_related("person", "assessment").filter(public_id=public_id).first()
    if plan is None:
        raise _denied(acting, public_id)
    check_readable(acting, plan.person, CATEGORY)
    with _refusals_audited(acting, plan.person):
        goal = services.goal_add(
            acting=acting,
            plan=plan,
            need_key=payload.need,
            text=payload.text,
            target=payload.target,
            due_on=payload.due_on,
        )
    return Status(201, _goal(goal, measures=[]))


def _goal(goal: Goal, measures: list[Measure]) -> dict[str, Any]:
    return {
        "public_id": goal.public_id,
        "need": goal.need_key,
        "need_priority": goal.need_priority,
        "text": goal.text,
        "target": goal.target,
        "due_on": goal.due_on,
        "fully_addressed": selectors.goal_addressed(measures),
        "measures": [_measure(m) for m in measures],
    }


@router.post(
    "/goals/{public_id}/measures",
    response={201: MeasureOut, **_ERRORS},
    summary="Add a measure to a goal",
    operation_id="add_plan_measure",
)
def add_measure(request: HttpRequest, public_id: uuid.UUID, payload: MeasureIn) -> Status[dict[str, Any]]:
    """The responsible organization is named by its code; it must exist and be active."""
    acting = acting_of(request)
    goal = Goal.objects.select_related("plan__person", "plan__assessment").filter(public_id=public_id).first()
    if goal is None:
        raise _denied(acting, public_id)
    check_readable(acting, goal.plan.person, CATEGORY)
    with _refusals_audited(acting, goal.plan.person):
        if not services.can_plan(acting, goal.plan.person):
            raise PermissionDenied
    organization = Organization.objects.filter(code=payload.responsible_organization).first()
    user = None
    if payload.responsible_user:
        user = User.objects.filter(username=payload.responsible_user, is_active=True).first()
        if user is None:
            raise ValidationError({"responsible_user": ValidationError(_no_user(), code="unknown_user")})
    measure = services.measure_add(
        acting=acting,
        goal=goal,
        kind=payload.kind.value,
        description=payload.description,
        # An unknown code is refused by the service like an inactive organization.
        responsible_organization=organization or Organization(code=payload.responsible_organization),
        responsible_user=user,
        due_on=payload.due_on,
    )
    return Status(201, _measure(measure))


def _no_user() -> str:
    return _("There is no active user with this username.")


@router.patch(
    "/measures/{public_id}",
    response={200: MeasureOut, **_ERRORS},
    summary="Change the status of a measure",
    operation_id="set_plan_measure_status",
)
def set_measure_status(
    request: HttpRequest, public_id: uuid.UUID, payload: MeasureStatusIn
) -> dict[str, Any]:
    """Done and cancelled are final (422 for a later change)."""
    acting = acting_of(request)
    measure = (
        Measure.objects.select_related("goal__plan__person", "responsible_organization", "responsible_user")
        .filter(public_id=public_id)
        .first()
    )
    if measure is None:
        raise _denied(acting, public_id)
    # An organization that took the measure over at release works it without reading the plan.
    if not services.can_work_measure(acting, measure, planner=False):
        check_readable(acting, measure.goal.plan.person, CATEGORY)
    with _refusals_audited(acting, measure.goal.plan.person):
        services.measure_status_set(acting=acting, measure=measure, status=payload.status.value)
    return _measure(measure)


def _readable_plan(acting: Acting, public_id: uuid.UUID) -> Plan:
    """The plan if ``acting`` may read its person's assessment category; 404 (audited) otherwise."""
    plan = Plan.objects.select_related("person").filter(public_id=public_id).first()
    if plan is None:
        raise _denied(acting, public_id)
    check_readable(acting, plan.person, CATEGORY)
    return plan


@router.get(
    "/plans/{public_id}",
    response={200: PlanOut, **_ERRORS},
    summary="Read one resocialization plan",
    operation_id="get_plan_by_id",
    url_name="get_plan_by_id",
)
def get_plan_by_id(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Any plan of the person, active or closed, with its goals, measures and reviews."""
    acting = acting_of(request)
    plan = _readable_plan(acting, public_id)
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=plan.person.public_id,
        category=CATEGORY,
        record_type=services.RECORD_TYPE,
        detail={"plan": str(plan.public_id)},
    )
    loaded = _loaded(Plan.objects.filter(pk=plan.pk))
    assert loaded is not None  # read a moment ago; plans are never deleted
    return _full(loaded)


@router.post(
    "/plans/{public_id}/reviews",
    response={201: ReviewOut, **_ERRORS},
    summary="Record a review of a plan",
    operation_id="record_plan_review",
)
def record_review(request: HttpRequest, public_id: uuid.UUID, payload: ReviewIn) -> Status[dict[str, Any]]:
    """Sets the plan's next review date. Refused (422) for a closed plan."""
    acting = acting_of(request)
    plan = _readable_plan(acting, public_id)
    with _refusals_audited(acting, plan.person):
        review = services.plan_review_record(
            acting=acting,
            plan=plan,
            reviewed_on=payload.reviewed_on,
            notes=payload.notes,
            next_review_due=payload.next_review_due,
        )
    return Status(201, _review(review))


@router.post(
    "/plans/{public_id}/close",
    response={200: PlanOut, **_ERRORS},
    summary="Close a plan",
    operation_id="close_plan",
)
def close_plan(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """A closed plan can no longer change; a new one may then be drawn up. Refused (422) if already closed."""
    acting = acting_of(request)
    plan = _readable_plan(acting, public_id)
    with _refusals_audited(acting, plan.person):
        services.plan_close(acting=acting, plan=plan)
    loaded = _loaded(Plan.objects.filter(pk=plan.pk))
    assert loaded is not None
    return _full(loaded)
