"""Every change of a resocialization plan goes through these functions: web UI and API alike.

Each one checks who acts, validates everything before writing, and writes the change, the timeline
event and the audit entry in one transaction, so that a refusal leaves nothing stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.models import Membership, User
from resoc.access.roles import Role
from resoc.assessments.models import Assessment, NeedPriority
from resoc.assessments.models import Status as AssessmentStatus
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.organizations.models import Organization
from resoc.people.models import Person, plain_text_validator
from resoc.plans import events
from resoc.plans.models import (
    FINAL_STATUSES,
    TARGET_MAX,
    TEXT_MAX,
    Goal,
    Measure,
    MeasureKind,
    MeasureStatus,
    Plan,
    PlanReview,
    PlanStatus,
)

# Roles that draw up and keep plans; reading them follows the "assessment" category of the policy.
PLANNER_ROLES = frozenset({Role.RESOCIALIZATION_OFFICER, Role.PROBATION_OFFICER})
# Needs of these priorities become proposed goals when a plan is drawn up.
PROPOSED_PRIORITIES = frozenset({NeedPriority.MEDIUM, NeedPriority.HIGH})
# When the first review falls due unless the officer sets a date (a working default, not a rule).
FIRST_REVIEW_AFTER = dt.timedelta(days=182)
RECORD_TYPE = "plan"


def can_plan(acting: Acting, person: Person) -> bool:
    """May ``acting`` draw up and change the plan of ``person``?"""
    return acting.role in PLANNER_ROLES and bool(policy.can_read(acting, person, policy.ASSESSMENT.key))


def _today() -> dt.date:
    return timezone.localdate()


class _Errors:
    """Collects field errors so that one answer names every problem."""

    def __init__(self) -> None:
        self.found: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str) -> None:
        self.found.setdefault(field, []).append(ValidationError(message, code=code))

    def text(self, field: str, value: str, *, required: bool, max_length: int) -> str:
        value = value.strip()
        if required and not value:
            self.add(field, _("This field is required."), "required")
        if len(value) > max_length:
            self.add(
                field,
                _("Ensure this value has at most %(limit)s characters.") % {"limit": max_length},
                "too_long",
            )
        try:
            plain_text_validator(value)
        except ValidationError as error:
            self.found.setdefault(field, []).extend(error.error_list)
        return value

    def not_past(self, field: str, day: dt.date) -> None:
        if day < _today():
            self.add(field, _("This date is in the past."), "past")

    def raise_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def _audit(acting: Acting, action: AuditAction, plan: Plan, **detail: Any) -> None:
    audit_person(
        actor=acting.actor,
        action=action,
        person_id=plan.person.public_id,
        category=policy.ASSESSMENT.key,
        record_type=RECORD_TYPE,
        detail={"plan": str(plan.public_id), **detail},
    )


def _check(acting: Acting, plan: Plan) -> None:
    if not can_plan(acting, plan.person):
        raise PermissionDenied
    _ensure_active(plan)


def _ensure_active(plan: Plan) -> None:
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError(
            _("This plan has been closed and can no longer be changed."), code="plan_closed"
        )


def _locked_active(plan: Plan) -> None:
    """Re-read under lock: a concurrent closing must not be overtaken by a late edit."""
    _ensure_active(Plan.objects.select_for_update().get(pk=plan.pk))


def _plan_exists_error() -> ValidationError:
    return ValidationError(
        _("This person already has an active resocialization plan. Change it, or close it first."),
        code="plan_exists",
    )


def plan_create_from_assessment(
    *, acting: Acting, person: Person, next_review_due: dt.date | None = None
) -> Plan:
    """Draw up a plan from the person's current signed assessment: one proposed goal per need of
    medium or high priority, highest priority first."""
    if not can_plan(acting, person):
        raise PermissionDenied
    assessment = Assessment.objects.filter(person=person, status=AssessmentStatus.SIGNED).first()
    if assessment is None:
        raise ValidationError(
            _("A plan is drawn up from a signed risk and needs assessment: this person has none."),
            code="no_assessment",
        )
    if Plan.objects.filter(person=person, status=PlanStatus.ACTIVE).exists():
        raise _plan_exists_error()
    errors = _Errors()
    review_due = next_review_due or _today() + FIRST_REVIEW_AFTER
    errors.not_past("next_review_due", review_due)
    errors.raise_any()
    results = {result["key"]: result for result in assessment.domain_results}
    needs = [
        results[key]
        for key in assessment.ranked_needs
        if key in results and results[key]["priority"] in PROPOSED_PRIORITIES
    ]
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                person=person,
                organization=acting.membership.organization,  # type: ignore[union-attr]  # can_plan checked
                assessment=assessment,
                created_by=acting.user,
                next_review_due=review_due,
            )
            # Proposed goals are written in the official language, as the rest of the case file.
            with translation.override(settings.LANGUAGE_CODE):
                for order, need in enumerate(needs):
                    Goal.objects.create(
                        plan=plan,
                        need_key=need["key"],
                        need_name=need["name"],
                        need_name_en=need.get("name_en", ""),
                        need_priority=need["priority"],
                        text=_("Reduce the need: %(need)s") % {"need": need["name"]},
                        order=order,
                    )
            events.plan_created_event(plan=plan, acting=acting, goals=len(needs))
            _audit(
                acting,
                AuditAction.CREATE,
                plan,
                assessment=str(assessment.public_id),
                goals=[need["key"] for need in needs],
            )
    except IntegrityError:
        # A concurrent request drew up a plan first (the one-active-plan constraint).
        raise _plan_exists_error() from None
    return plan


def goal_add(*, acting: Acting, plan: Plan, need_key: str, text: str, target: str, due_on: dt.date) -> Goal:
    _check(acting, plan)
    errors = _Errors()
    results = {result["key"]: result for result in plan.assessment.domain_results}
    need = results.get(need_key)
    if need is None:
        errors.add("need_key", _("Choose one of the needs of the assessment."), "unknown_need")
    text = errors.text("text", text, required=True, max_length=TEXT_MAX)
    target = errors.text("target", target, required=False, max_length=TARGET_MAX)
    errors.not_past("due_on", due_on)
    errors.raise_any()
    assert need is not None  # raise_any refused an unknown need
    with transaction.atomic():
        _locked_active(plan)
        last = plan.goals.order_by("-order").values_list("order", flat=True).first()
        goal = Goal.objects.create(
            plan=plan,
            need_key=need_key,
            need_name=need["name"],
            need_name_en=need.get("name_en", ""),
            need_priority=need["priority"],
            text=text,
            target=target,
            due_on=due_on,
            order=0 if last is None else last + 1,
        )
        events.plan_goal_added_event(goal=goal, acting=acting)
        _audit(acting, AuditAction.UPDATE, plan, goal_added=str(goal.public_id), need=need_key)
    return goal


def measure_add(
    *,
    acting: Acting,
    goal: Goal,
    kind: str,
    description: str,
    responsible_organization: Organization,
    due_on: dt.date,
    responsible_user: User | None = None,
) -> Measure:
    _check(acting, goal.plan)
    errors = _Errors()
    if kind not in MeasureKind.values:
        errors.add("kind", _("Select one of the kinds of measure."), "invalid_choice")
    description = errors.text("description", description, required=True, max_length=TEXT_MAX)
    # Re-read: the organization may have been deactivated (or never stored) since the form was shown.
    organization_ok = (
        responsible_organization.pk is not None
        and Organization.objects.filter(pk=responsible_organization.pk, is_active=True).exists()
    )
    if not organization_ok:
        errors.add(
            "responsible_organization",
            _("Choose an organization that exists and is active."),
            "inactive_organization",
        )
    elif (
        responsible_user is not None
        and not Membership.objects.filter(
            user=responsible_user, organization=responsible_organization, is_active=True
        ).exists()
    ):
        errors.add(
            "responsible_user",
            _("The responsible person must be an active member of the responsible organization."),
            "not_a_member",
        )
    errors.not_past("due_on", due_on)
    errors.raise_any()
    with transaction.atomic():
        _locked_active(goal.plan)
        measure = Measure.objects.create(
            goal=goal,
            kind=kind,
            description=description,
            responsible_organization=responsible_organization,
            responsible_user=responsible_user,
            due_on=due_on,
            status_changed_on=_today(),
        )
        events.plan_measure_added_event(measure=measure, acting=acting)
        _audit(
            acting,
            AuditAction.UPDATE,
            goal.plan,
            measure_added=str(measure.public_id),
            goal=str(goal.public_id),
            kind=kind,
            responsible_organization=responsible_organization.code,
        )
    return measure


def measure_status_set(*, acting: Acting, measure: Measure, status: str) -> Measure:
    """Move a measure on. Done and cancelled are final: the indicator counts the day they were reached."""
    plan = measure.goal.plan
    _check(acting, plan)
    if status not in MeasureStatus.values:
        raise ValidationError(
            {"status": ValidationError(_("Select one of the statuses."), code="invalid_choice")}
        )
    if measure.status in FINAL_STATUSES:
        raise ValidationError(
            {
                "status": ValidationError(
                    _("A measure that is done or cancelled can no longer change. Add a new measure."),
                    code="final",
                )
            }
        )
    if status == measure.status:
        return measure
    previous = measure.status
    with transaction.atomic():
        _locked_active(plan)
        measure.status = status
        measure.status_changed_on = _today()
        measure.save(update_fields=["status", "status_changed_on"])
        events.plan_measure_status_changed_event(measure=measure, acting=acting, previous=previous)
        _audit(
            acting,
            AuditAction.UPDATE,
            plan,
            measure=str(measure.public_id),
            previous=previous,
            status=status,
        )
    return measure


def plan_review_record(
    *, acting: Acting, plan: Plan, reviewed_on: dt.date, notes: str, next_review_due: dt.date
) -> PlanReview:
    _check(acting, plan)
    errors = _Errors()
    notes = errors.text("notes", notes, required=True, max_length=TEXT_MAX)
    if reviewed_on > _today():
        errors.add("reviewed_on", _("This date is in the future."), "future")
    if next_review_due <= reviewed_on:
        errors.add("next_review_due", _("The next review must come after this one."), "before_review")
    else:
        errors.not_past("next_review_due", next_review_due)
    errors.raise_any()
    with transaction.atomic():
        _locked_active(plan)
        review = PlanReview.objects.create(
            plan=plan,
            reviewed_on=reviewed_on,
            notes=notes,
            next_review_due=next_review_due,
            reviewed_by=acting.user,
        )
        plan.next_review_due = next_review_due
        plan.save(update_fields=["next_review_due"])
        events.plan_reviewed_event(review=review, acting=acting)
        _audit(
            acting,
            AuditAction.UPDATE,
            plan,
            review=str(review.public_id),
            next_review_due=next_review_due.isoformat(),
        )
    return review


def plan_close(*, acting: Acting, plan: Plan) -> Plan:
    _check(acting, plan)
    with transaction.atomic():
        _locked_active(plan)
        plan.status = PlanStatus.CLOSED
        plan.closed_at = timezone.now()
        plan.closed_by = acting.user
        plan.save(update_fields=["status", "closed_at", "closed_by"])
        events.plan_closed_event(plan=plan, acting=acting)
        _audit(acting, AuditAction.UPDATE, plan, closed=True)
    return plan
