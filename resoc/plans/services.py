"""Every change of a resocialization plan goes through these functions: web UI and API alike.

Each one checks who acts, validates everything before writing, and writes the change, the timeline
event and the audit entry in one transaction, so that a refusal leaves nothing stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
    PlanHandover,
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


# Roles of a receiving organization that work the measures it is responsible for, without the rest
# of the plan (a municipal social worker does not read the assessment a plan is drawn from).
MEASURE_WORKER_ROLES = frozenset(
    {Role.PROBATION_OFFICER, Role.SOCIAL_WORKER, Role.CAREER_CONSULTANT, Role.RESOCIALIZATION_OFFICER}
)


def can_plan(acting: Acting, person: Person) -> bool:
    """May ``acting`` draw up and change the plan of ``person``?"""
    return acting.role in PLANNER_ROLES and bool(policy.can_read(acting, person, policy.ASSESSMENT.key))


def can_work_measure(acting: Acting, measure: Measure, *, planner: bool | None = None) -> bool:
    """A planner of the person, or the responsible organization's worker while it may read the person."""
    person = measure.goal.plan.person
    if planner if planner is not None else can_plan(acting, person):
        return True
    return (
        acting.role in MEASURE_WORKER_ROLES
        and measure.responsible_organization_id in acting.scope_organization_ids
        and bool(policy.can_read(acting, person, policy.IDENTITY.key))
    )


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
    """Move a measure on. Done and cancelled are final: the indicator counts the day they were reached.

    Planners change every measure of the plan; an organization that took a measure over at release
    changes the measures it is responsible for (:func:`can_work_measure`).
    """
    plan = measure.goal.plan
    if not can_work_measure(acting, measure):
        raise PermissionDenied
    _ensure_active(plan)
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
    return _measure_status_change(acting, measure, status)


def _measure_status_change(acting: Acting, measure: Measure, status: str, **detail: Any) -> Measure:
    plan = measure.goal.plan
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
            **detail,
        )
    return measure


def measure_status_follow_programme(
    *, acting: Acting, measure: Measure, status: str, enrolment: str
) -> Measure:
    """The status a programme place's outcome gives its plan measure (``programmes.attendance``).

    The facilitator who records the outcome is no planner of the person: the programme side has
    checked that he may record it, and the plan's own rules (active plan, final statuses) apply here.
    Returns the measure unchanged when it is already done or cancelled.
    """
    if status not in MeasureStatus.values:
        raise ValueError(status)
    if measure.status in FINAL_STATUSES or not measure.goal.plan.is_active:
        return measure
    return _measure_status_change(acting, measure, status, programme_enrolment=enrolment)


def measure_status_follow_referral(
    *, acting: Acting, measure: Measure, status: str, referral: str
) -> Measure:
    """The status a referral's answer or outcome gives its plan measure (``referrals.services``).

    The receiving organization that accepts or completes the referral is no planner of the person:
    the referral side has checked that it may act, and the plan's own rules (active plan, final
    statuses) apply here. Returns the measure unchanged when it is already done or cancelled.
    """
    if status not in MeasureStatus.values:
        raise ValueError(status)
    if measure.status in FINAL_STATUSES or not measure.goal.plan.is_active:
        return measure
    return _measure_status_change(acting, measure, status, referral=referral)


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


def _keeper(plan: Plan) -> Organization | None:
    return plan.held_by if plan.handed_over_on is not None else plan.organization


def plan_hand_over(
    *,
    acting: Acting,
    plan: Plan,
    from_organization: Organization,
    keeper: Organization | None,
    assignments: Sequence[tuple[Measure, Organization]],
    receivers: Sequence[Organization],
    handed_over_on: dt.date,
    reference: str = "",
) -> PlanHandover:
    """Pass the plan on at release: its open measures ``from_organization`` was responsible for go to
    the organization chosen for each (one of ``receivers``), and the plan itself to ``keeper`` (the
    receiving probation unit; none when no planning organization receives it) if ``from_organization``
    kept it. Called by the release handover inside the release's transaction.

    The plan fulfilment indicator counts the plan for ``from_organization`` up to and including
    ``handed_over_on``, and for ``keeper`` from the next day (see ``selectors.plan_fulfilment``).
    """
    if acting.role not in PLANNER_ROLES or from_organization.pk not in acting.scope_organization_ids:
        raise PermissionDenied
    _ensure_active(plan)
    errors = _Errors()
    allowed = {org.pk for org in receivers}
    if keeper is not None and keeper.pk not in allowed:
        errors.add("keeper", _("The plan can only pass to a receiving organization."), "not_a_receiver")
    for measure, target in assignments:
        field = f"measure.{measure.public_id}"
        if measure.goal.plan_id != plan.pk:
            errors.add(field, _("This measure belongs to another plan."), "other_plan")
        elif measure.is_final or measure.responsible_organization_id != from_organization.pk:
            errors.add(
                field, _("Only open measures of the releasing organization are handed over."), "not_open"
            )
        if target.pk not in allowed:
            errors.add(field, _("The plan can only pass to a receiving organization."), "not_a_receiver")
    errors.raise_any()
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        _ensure_active(locked)
        kept_here = (
            locked.held_by_id == from_organization.pk
            if locked.handed_over_on is not None
            else locked.organization_id == from_organization.pk
        )
        moved = []
        for measure, target in assignments:
            moved.append(
                {"measure": str(measure.public_id), "from": from_organization.code, "to": target.code}
            )
            measure.responsible_organization = target
            measure.responsible_user = None  # a person of the prison no longer does it
        Measure.objects.bulk_update(
            [m for m, _t in assignments], ["responsible_organization", "responsible_user"]
        )
        handover = PlanHandover.objects.create(
            plan=locked,
            from_organization=from_organization,
            # When the releasing organization did not keep the plan, its keeper stays who it was.
            to_organization=keeper if kept_here else _keeper(locked),
            handed_over_on=handed_over_on,
            measures=moved,
            reference=reference,
            recorded_by=acting.user,
        )
        if kept_here:
            locked.handed_over_on = handed_over_on
            locked.held_by = keeper
            locked.save(update_fields=["handed_over_on", "held_by"])
            plan.handed_over_on, plan.held_by = handed_over_on, keeper
        events.plan_handed_over_event(handover=handover, acting=acting)
        _audit(
            acting,
            AuditAction.UPDATE,
            locked,
            handover=str(handover.public_id),
            handed_over_on=handed_over_on.isoformat(),
            kept_by=handover.to_organization.code if handover.to_organization else None,
            measures=moved,
        )
    return handover
