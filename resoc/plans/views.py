"""Thin views: access through ``access.policy``, rules in ``plans.services``.

A person the user may not read answers 404 (whether or not it exists); an action the role may not
do answers 403.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.access.roles import Role
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record, audit_record_listing
from resoc.people.models import Person
from resoc.people.views import PURPOSES_SESSION_KEY
from resoc.plans import selectors, services
from resoc.plans.forms import GoalForm, MeasureForm, MeasureStatusForm, ReviewForm
from resoc.plans.models import Measure, Plan
from resoc.programmes import measure_waiting
from resoc.web.forms import add_validation_errors

CATEGORY = policy.ASSESSMENT.key


class _PurposeNeeded(Exception):
    pass


def _check_readable(request: ResocRequest, acting: Acting, person: Person) -> None:
    decision = policy.can_read(acting, person, CATEGORY)
    if not decision:
        audit_person(
            actor=acting.actor, action=AuditAction.DENIED, person_id=person.public_id, category=CATEGORY
        )
        raise Http404
    if decision.needs_purpose:
        stated = request.session.get(PURPOSES_SESSION_KEY, {}).get(str(person.public_id), {})
        if not stated.get(CATEGORY):
            raise _PurposeNeeded


def _person_or_404(request: ResocRequest, acting: Acting, person_id: uuid.UUID) -> Person:
    person = Person.objects.current().filter(public_id=person_id).first()
    if person is None:
        audit_person(actor=acting.actor, action=AuditAction.DENIED, person_id=person_id, category=CATEGORY)
        raise Http404
    _check_readable(request, acting, person)
    return person


def _denied_record(acting: Acting, public_id: uuid.UUID) -> Http404:
    audit_record(
        actor=acting.actor,
        action=AuditAction.DENIED,
        category=CATEGORY,
        record_type=services.RECORD_TYPE,
        record_id=str(public_id),
    )
    return Http404()


def _writable(request: ResocRequest, acting: Acting, person: Person) -> None:
    """Writing needs the person readable (404 otherwise) and a planner's role (403 otherwise)."""
    try:
        _check_readable(request, acting, person)
    except _PurposeNeeded:
        raise PermissionDenied from None
    if not services.can_plan(acting, person):
        raise PermissionDenied


def _plan_or_404(request: ResocRequest, acting: Acting, public_id: uuid.UUID) -> Plan:
    plan = Plan.objects.select_related("person", "assessment").filter(public_id=public_id).first()
    if plan is None:
        raise _denied_record(acting, public_id)
    _writable(request, acting, plan.person)
    return plan


def _page_url(person: Person, anchor: str = "") -> str:
    return reverse("plans:detail", args=[person.public_id]) + (f"#{anchor}" if anchor else "")


def _page(
    request: ResocRequest, acting: Acting, person: Person, *, status: int = 200, **forms: Any
) -> HttpResponse:
    plan = selectors.person_plan(person=person)
    may_plan = services.can_plan(acting, person)
    context: dict[str, Any] = {
        "person": person,
        "plan": plan,
        "may_plan": may_plan,
        "today": timezone.localdate(),
    }
    if plan is not None:
        goals = selectors.plan_goals(plan=plan)
        # Programme measures show the person's waiting lists and, to those who keep them, the action.
        measure_waiting.attach(acting, [m for row in goals for m in row.measures])
        context.update(
            goals=goals,
            review_overdue=plan.review_overdue(),
            reviews=list(plan.reviews.all()),
            editing=may_plan and plan.is_active,
        )
        if context["editing"]:
            organization = acting.membership.organization  # type: ignore[union-attr]  # acting_or_403
            context.update(
                goal_form=forms.get("goal_form") or GoalForm(plan=plan),
                measure_form=forms.get("measure_form")
                or MeasureForm(goals=[row.goal for row in goals], organization=organization),
                review_form=forms.get("review_form") or ReviewForm(),
                status_form=MeasureStatusForm(),
            )
    else:
        context["create_errors"] = forms.get("create_errors", [])
    return render(request, "plans/detail.html", context, status=status)


def _measures_page(request: ResocRequest, acting: Acting, person_id: uuid.UUID) -> HttpResponse | None:
    """A receiving organization that does not read the plan sees the measures it is responsible for."""
    person = Person.objects.current().filter(public_id=person_id).first()
    if person is None or policy.can_read(acting, person, CATEGORY):
        return None
    if acting.role not in services.MEASURE_WORKER_ROLES or not policy.can_read(
        acting, person, policy.IDENTITY.key
    ):
        return None
    measures = selectors.responsible_measures(acting, person)
    if not measures:
        return None
    measure_waiting.attach(acting, measures)
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        category=policy.IDENTITY.key,
        record_type="plan_measures",
        detail={"measures": [str(m.public_id) for m in measures]},
    )
    return render(
        request,
        "plans/measures.html",
        {"person": person, "measures": measures, "status_form": MeasureStatusForm()},
    )


@login_required
@require_GET
def detail(request: ResocRequest, person_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    limited = _measures_page(request, acting, person_id)
    if limited is not None:
        return limited
    try:
        person = _person_or_404(request, acting, person_id)
    except _PurposeNeeded:
        # The purpose is stated in the case file's section, as for the assessment itself.
        return redirect(reverse("people:detail", args=[person_id]) + f"#section-{CATEGORY}")
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        category=CATEGORY,
        record_type=services.RECORD_TYPE,
    )
    return _page(request, acting, person)


@login_required
@require_POST
def create(request: ResocRequest, person_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    person = Person.objects.current().filter(public_id=person_id).first()
    if person is None:
        raise Http404
    _writable(request, acting, person)
    try:
        services.plan_create_from_assessment(acting=acting, person=person)
    except ValidationError as error:
        return _page(request, acting, person, status=422, create_errors=error.messages)
    messages.success(request, _("The plan has been drawn up from the current assessment."))
    return redirect(_page_url(person))


@login_required
@require_POST
def add_goal(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    plan = _plan_or_404(request, acting, public_id)
    form = GoalForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            services.goal_add(acting=acting, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The goal has been added."))
            return redirect(_page_url(plan.person, "goals"))
    return _page(request, acting, plan.person, status=422, goal_form=form)


@login_required
@require_POST
def add_measure(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    plan = _plan_or_404(request, acting, public_id)
    goals = list(plan.goals.all())
    organization = acting.membership.organization  # type: ignore[union-attr]  # acting_or_403
    form = MeasureForm(request.POST, goals=goals, organization=organization)
    if form.is_valid():
        data = form.cleaned_data
        goal = next(g for g in goals if str(g.public_id) == data["goal"])
        goal.plan = plan
        try:
            services.measure_add(
                acting=acting,
                goal=goal,
                kind=data["kind"],
                description=data["description"],
                responsible_organization=data["responsible_organization"],
                responsible_user=data["responsible_user"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The measure has been added."))
            return redirect(_page_url(plan.person, f"goal-{goal.public_id}"))
    return _page(request, acting, plan.person, status=422, measure_form=form)


@login_required
@require_POST
def measure_status(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    measure = (
        Measure.objects.select_related(
            "goal__plan__person", "goal__plan__assessment", "responsible_organization", "responsible_user"
        )
        .filter(public_id=public_id)
        .first()
    )
    if measure is None:
        raise _denied_record(acting, public_id)
    person = measure.goal.plan.person
    planner = services.can_plan(acting, person)
    if not services.can_work_measure(acting, measure, planner=planner):
        _writable(request, acting, person)  # 404 if the person is unreadable, else 403
    form = MeasureStatusForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.measure_status_set(acting=acting, measure=measure, status=form.cleaned_data["status"])
        except ValidationError as error:
            errors = error.messages
    else:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    if request.htmx:
        measure_waiting.attach(acting, [measure])
        # 200 even with errors: htmx swaps only successful responses, and the errors must be shown.
        return render(
            request,
            "plans/_measure.html",
            {"measure": measure, "editing": True, "status_form": MeasureStatusForm(), "errors": errors},
        )
    if errors:
        for message in errors:
            messages.error(request, message)
    else:
        messages.success(request, _("The status of the measure has been changed."))
    return redirect(_page_url(person, f"measure-{measure.public_id}"))


@login_required
@require_POST
def add_review(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    plan = _plan_or_404(request, acting, public_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.plan_review_record(acting=acting, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The review has been recorded."))
            return redirect(_page_url(plan.person, "reviews"))
    return _page(request, acting, plan.person, status=422, review_form=form)


@login_required
@require_POST
def close(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    plan = _plan_or_404(request, acting, public_id)
    try:
        services.plan_close(acting=acting, plan=plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The plan has been closed."))
    return redirect(_page_url(plan.person))


@login_required
@require_GET
def fulfilment(request: ResocRequest) -> HttpResponse:
    """The indicator for the officer's prison: counts over all its plans, names only of visible persons."""
    acting = acting_or_403(request)
    if acting.role != Role.RESOCIALIZATION_OFFICER:
        raise PermissionDenied
    on = timezone.localdate()
    result = selectors.plan_fulfilment(organization_ids=acting.scope_organization_ids, on=on)
    visible = set(
        policy.visible_persons(acting)
        .filter(pk__in=[e.plan.person_id for e in result.plans])
        .values_list("pk", flat=True)
    )
    shown = [entry for entry in result.plans if entry.plan.person_id in visible]
    audit_record_listing(
        actor=acting.actor,
        person_ids=[entry.plan.person.public_id for entry in shown],
        category=CATEGORY,
        detail={"indicator": "plan_fulfilment", "on": on.isoformat()},
    )
    return render(
        request,
        "plans/fulfilment.html",
        {"result": result, "shown": shown, "hidden": len(result.plans) - len(shown)},
    )
