"""Thin views of the catalogue, the rooms and a person's eligibility.

The catalogue and the rooms hold no person data: every user acting through a membership may read
them; only the owners (``services.can_edit_*``) change them. A person's eligibility reads the
sentence and the assessment: a user who may not read both gets 404 (audited), as for an unknown person.
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
from django.views.decorators.http import require_GET, require_http_methods

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.assessments.models import RiskLevel
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.people.models import LatvianLevel, Person, Sex
from resoc.people.views import PURPOSES_SESSION_KEY
from resoc.programmes import selectors, services
from resoc.programmes.eligibility import Status
from resoc.programmes.forms import CatalogueFilterForm, ProgrammeForm, RoomForm
from resoc.programmes.models import Programme
from resoc.web.forms import add_validation_errors

SEX_LABELS = dict(Sex.choices)
RISK_LABELS = dict(RiskLevel.choices)
LATVIAN_LABELS = dict(LatvianLevel.choices)
ELIGIBILITY_CATEGORIES = (policy.SENTENCE.key, policy.ASSESSMENT.key)
ELIGIBILITY_RECORD = "programme_eligibility"


@login_required
@require_GET
def catalogue(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    form = CatalogueFilterForm(request.GET or None)
    programmes = selectors.catalogue(form.filters())
    filtered = any(request.GET.get(name) for name in form.fields)
    return render(
        request,
        "programmes/catalogue.html",
        {
            "form": form,
            "programmes": programmes,
            "filtered": filtered,
            "needs": selectors.need_labels(),
            "may_create": services.can_edit_catalogue(acting),
        },
    )


def _programme_or_404(public_id: uuid.UUID) -> Programme:
    programme = selectors.programme_by_public_id(public_id)
    if programme is None:
        raise Http404
    return programme


@login_required
@require_GET
def detail(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    programme = _programme_or_404(public_id)
    labels = selectors.need_labels()
    regimes = selectors.regime_level_labels()
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "needs": [labels.get(key, key) for key in programme.needs],
            "regime_levels": [regimes.get(code, code) for code in programme.regime_levels],
            "sexes": [str(SEX_LABELS.get(value, value)) for value in programme.sexes],
            "risk_levels": [str(RISK_LABELS.get(value, value)) for value in programme.risk_levels],
            "offers": selectors.programme_offers(programme=programme),
            "may_edit": services.can_edit_programme(acting, programme),
        },
    )


def _edit_page(
    request: ResocRequest, form: ProgrammeForm, programme: Programme | None, status: int = 200
) -> HttpResponse:
    return render(request, "programmes/edit.html", {"form": form, "programme": programme}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    if not services.can_edit_catalogue(acting):
        raise PermissionDenied
    initial = {"organizations": [acting.organization_id], "is_active": True}
    form = ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(acting=acting, **form.service_arguments())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The programme has been added to the catalogue."))
            return redirect("programmes:detail", public_id=programme.public_id)
    return _edit_page(request, form, None, status=422 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    programme = _programme_or_404(public_id)
    if not services.can_edit_programme(acting, programme):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, initial=ProgrammeForm.initial_from(programme))
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(acting=acting, programme=programme, **form.service_arguments())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The programme has been saved."))
            return redirect("programmes:detail", public_id=programme.public_id)
    return _edit_page(request, form, programme, status=422 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def rooms(request: ResocRequest) -> HttpResponse:
    """Locations and their rooms; an organization administrator adds rooms to their own locations."""
    acting = acting_or_403(request)
    locations = selectors.locations_with_rooms()
    managed = [loc for loc in locations if services.can_manage_rooms(acting, loc.organization)]
    form = RoomForm(request.POST or None, locations=managed) if managed else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.room_create(
                    acting=acting,
                    location=data["location"],
                    name=data["name"],
                    kind=data["kind"],
                    capacity=data["capacity"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("The room has been added."))
                return redirect("programmes:rooms")
        status = 422
    return render(request, "programmes/rooms.html", {"locations": locations, "form": form}, status=status)


def _readable_for_eligibility(request: ResocRequest, acting: Acting, person_id: uuid.UUID) -> Person | None:
    """The person if both categories are readable; None if a purpose must first be stated."""
    person = Person.objects.current().filter(public_id=person_id).first()
    if person is None:
        audit_person(
            actor=acting.actor, action=AuditAction.DENIED, person_id=person_id, category=policy.SENTENCE.key
        )
        raise Http404
    decisions = policy.readable_categories(acting, person)
    for category in ELIGIBILITY_CATEGORIES:
        if not decisions[category]:
            audit_person(
                actor=acting.actor, action=AuditAction.DENIED, person_id=person.public_id, category=category
            )
            raise Http404
    stated = request.session.get(PURPOSES_SESSION_KEY, {}).get(str(person.public_id), {})
    if any(decisions[c].needs_purpose and not stated.get(c) for c in ELIGIBILITY_CATEGORIES):
        return None
    return person


@login_required
@require_GET
def person_eligibility(request: ResocRequest, person_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    person = _readable_for_eligibility(request, acting, person_id)
    if person is None:
        return redirect(reverse("people:detail", args=[person_id]) + f"#section-{policy.SENTENCE.key}")
    for category in ELIGIBILITY_CATEGORIES:
        audit_person(
            actor=acting.actor,
            action=AuditAction.VIEW,
            person_id=person.public_id,
            category=category,
            record_type=ELIGIBILITY_RECORD,
        )
    today = timezone.localdate()
    result = selectors.person_eligibility(person=person, on=today)
    context: dict[str, Any] = {
        "person": person,
        "facts": result.facts,
        "risk_level": RISK_LABELS.get(result.facts.risk_level or "", ""),
        "latvian_level": LATVIAN_LABELS.get(result.facts.latvian_level, ""),
        "today": today,
        "eligible": result.with_status(Status.ELIGIBLE),
        "unknown": result.with_status(Status.UNKNOWN),
        "not_eligible": result.with_status(Status.NOT_ELIGIBLE),
    }
    return render(request, "programmes/eligibility.html", context)


def eligibility_section(acting: Acting, person: Person) -> dict[str, Any]:
    """Adds a link to the eligibility page to the case file's assessment section."""
    decision = policy.can_read(acting, person, policy.SENTENCE.key)
    return {"programme_eligibility": bool(decision)}
