"""Typed constructors for the plan entries of a person's timeline (``people.PersonEvent``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.people.models import PersonEvent
from resoc.plans.models import Goal, Measure, Plan, PlanHandover, PlanReview

EVENT_LABELS = {
    "plan_created": _("Individual resocialization plan drawn up"),
    "plan_goal_added": _("Goal added to the resocialization plan"),
    "plan_measure_added": _("Measure added to the resocialization plan"),
    "plan_measure_status_changed": _("Status of a plan measure changed"),
    "plan_reviewed": _("Resocialization plan reviewed"),
    "plan_closed": _("Resocialization plan closed"),
    "plan_handed_over": _("Resocialization plan handed over at release"),
}


def _event(*, plan: Plan, type: str, acting: Acting, **parameters: object) -> PersonEvent:
    return PersonEvent.objects.create(
        person_id=plan.person_id,
        type=type,
        category=policy.ASSESSMENT.key,
        parameters={"plan": str(plan.public_id), **parameters},
        actor=acting.user,
        organization_id=acting.organization_id,
    )


def plan_created_event(*, plan: Plan, acting: Acting, goals: int) -> PersonEvent:
    return _event(
        plan=plan, type="plan_created", acting=acting, assessment=str(plan.assessment.public_id), goals=goals
    )


def plan_goal_added_event(*, goal: Goal, acting: Acting) -> PersonEvent:
    return _event(
        plan=goal.plan, type="plan_goal_added", acting=acting, goal=str(goal.public_id), need=goal.need_key
    )


def plan_measure_added_event(*, measure: Measure, acting: Acting) -> PersonEvent:
    return _event(
        plan=measure.goal.plan,
        type="plan_measure_added",
        acting=acting,
        measure=str(measure.public_id),
        kind=measure.kind,
    )


def plan_measure_status_changed_event(*, measure: Measure, acting: Acting, previous: str) -> PersonEvent:
    return _event(
        plan=measure.goal.plan,
        type="plan_measure_status_changed",
        acting=acting,
        measure=str(measure.public_id),
        previous=previous,
        status=measure.status,
    )


def plan_reviewed_event(*, review: PlanReview, acting: Acting) -> PersonEvent:
    return _event(
        plan=review.plan,
        type="plan_reviewed",
        acting=acting,
        review=str(review.public_id),
        next_review_due=review.next_review_due.isoformat(),
    )


def plan_closed_event(*, plan: Plan, acting: Acting) -> PersonEvent:
    return _event(plan=plan, type="plan_closed", acting=acting)


def plan_handed_over_event(*, handover: PlanHandover, acting: Acting) -> PersonEvent:
    return _event(
        plan=handover.plan,
        type="plan_handed_over",
        acting=acting,
        handover=str(handover.public_id),
        kept_by=handover.to_organization.code if handover.to_organization else None,
        measures=handover.measures,
    )
