"""Thin views: access through ``access.policy``, rules in ``assessments.services``.

A person the user may not read answers 404 (whether or not it exists); an action the role may not
do answers 403.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.assessments import selectors, services
from resoc.assessments.forms import DomainScoresForm, MotivationForm
from resoc.assessments.models import Assessment, AssessmentScore, Domain, RiskLevel
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record
from resoc.people.models import Person
from resoc.people.views import PURPOSES_SESSION_KEY

CATEGORY = policy.ASSESSMENT.key


class _PurposeNeeded(Exception):
    def __init__(self, person: Person) -> None:
        self.person = person


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
            raise _PurposeNeeded(person)


def _assessment_or_404(request: ResocRequest, public_id: uuid.UUID) -> Assessment:
    acting = acting_or_403(request)
    assessment = (
        Assessment.objects.select_related("person", "instrument", "organization", "assessor", "signed_by")
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
        raise Http404
    _check_readable(request, acting, assessment.person)
    return assessment


def _to_section(person: Person) -> HttpResponse:
    return redirect(reverse("people:detail", args=[person.public_id]) + f"#section-{CATEGORY}")


def _editable_or_403(acting: Acting, assessment: Assessment) -> None:
    if not services.can_assess(acting, assessment.person):
        raise PermissionDenied


@login_required
@require_POST
def start(request: ResocRequest, person_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    person = Person.objects.current().filter(public_id=person_id).first()
    if person is None:
        raise Http404
    # The roles that may start never need a purpose; can_assess below refuses the others.
    with contextlib.suppress(_PurposeNeeded):
        _check_readable(request, acting, person)
    if not services.can_assess(acting, person):
        raise PermissionDenied
    try:
        assessment = services.assessment_start(acting=acting, person=person)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _to_section(person)
    return redirect("assessments:detail", public_id=assessment.public_id)


def _domain_forms(
    assessment: Assessment, data: Any = None, only: str | None = None
) -> list[tuple[Domain, DomainScoresForm]]:
    scores = {s.item_id: s for s in AssessmentScore.objects.filter(assessment=assessment)}
    found = []
    for row in selectors.assessment_with_instrument(assessment=assessment):
        domain = row["domain"]
        if only is not None and domain.key != only:
            continue
        items = [entry["item"] for entry in row["items"]]
        bound = data if only == domain.key else None
        found.append((domain, DomainScoresForm(bound, items=items, scores=scores, prefix=domain.key)))
    return found


def _page(
    request: ResocRequest, acting: Acting, assessment: Assessment, status: int = 200, **extra: Any
) -> HttpResponse:
    context: dict[str, Any] = {"assessment": assessment, "person": assessment.person}
    if assessment.is_draft and services.can_assess(acting, assessment.person):
        forms = extra.pop("forms", None) or _domain_forms(assessment)
        context.update(
            editing=True,
            domains=[{"domain": d, "form": f} for d, f in forms],
            motivation_form=extra.pop("motivation_form", None)
            or MotivationForm(initial={"motivation_stage": assessment.motivation_stage}),
            can_sign=services.can_sign(acting),
        )
    else:
        context.update(
            editing=False,
            domains=selectors.assessment_with_instrument(assessment=assessment),
            needs=selectors.needs_display(assessment),
            comparison=selectors.assessment_comparison(assessment=assessment),
            risk_labels=dict(RiskLevel.choices),
        )
    context.update(extra)
    return render(request, "assessments/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    try:
        assessment = _assessment_or_404(request, public_id)
    except _PurposeNeeded as needed:
        return _to_section(needed.person)
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=assessment.person.public_id,
        category=CATEGORY,
        record_type=services.RECORD_TYPE,
        detail={"assessment": str(assessment.public_id)},
    )
    return _page(request, acting, assessment)


@login_required
@require_POST
def save_domain(request: ResocRequest, public_id: uuid.UUID, domain_key: str) -> HttpResponse:
    acting = acting_or_403(request)
    try:
        assessment = _assessment_or_404(request, public_id)
    except _PurposeNeeded:
        raise PermissionDenied from None
    _editable_or_403(acting, assessment)
    forms = _domain_forms(assessment, request.POST, only=domain_key)
    if not forms:
        raise Http404
    domain, form = forms[0]
    saved = False
    if form.is_valid():
        try:
            services.assessment_score_set(acting=acting, assessment=assessment, scores=form.score_inputs())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            saved = True
    if request.htmx:
        # 200 even with errors: htmx swaps only successful responses, and the errors must be shown.
        if saved:
            domain, form = _domain_forms(assessment, only=domain_key)[0]
        return render(
            request,
            "assessments/_domain.html",
            {"assessment": assessment, "domain": domain, "form": form, "saved": saved},
        )
    if saved:
        messages.success(request, _("The scores of “%(domain)s” have been saved.") % {"domain": domain.label})
        return redirect(reverse("assessments:detail", args=[assessment.public_id]) + f"#domain-{domain.key}")
    all_forms = [(d, form if d.key == domain_key else f) for d, f in _domain_forms(assessment)]
    return _page(request, acting, assessment, status=422, forms=all_forms)


@login_required
@require_POST
def save_motivation(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    try:
        assessment = _assessment_or_404(request, public_id)
    except _PurposeNeeded:
        raise PermissionDenied from None
    _editable_or_403(acting, assessment)
    form = MotivationForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_score_set(
                acting=acting, assessment=assessment, motivation_stage=form.cleaned_data["motivation_stage"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The motivation stage has been saved."))
            return redirect(reverse("assessments:detail", args=[assessment.public_id]) + "#motivation")
    return _page(request, acting, assessment, status=422, motivation_form=form)


@login_required
@require_POST
def sign(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    try:
        assessment = _assessment_or_404(request, public_id)
    except _PurposeNeeded:
        raise PermissionDenied from None
    _editable_or_403(acting, assessment)
    try:
        services.assessment_sign(acting=acting, assessment=assessment)
    except ValidationError as error:
        return _page(request, acting, assessment, status=422, sign_errors=error.messages)
    messages.success(request, _("The assessment has been signed."))
    return redirect("assessments:detail", public_id=assessment.public_id)
