"""A person's consents: the list (current and withdrawn), recording with an uploaded form, withdrawal."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.community import selectors
from resoc.community.consents import ConsentSpec, consent_record, consent_withdraw
from resoc.community.forms import ConsentForm, WithdrawForm
from resoc.community.rules import (
    can_record_consent,
    can_see_consents,
    can_withdraw_consent,
    withdrawable_consents,
)
from resoc.people.models import Consent, ConsentMethod, Person
from resoc.web.forms import add_validation_errors


def _person(acting: Acting, public_id: uuid.UUID) -> Person:
    """The person if ``acting`` may see their consents: 404 for unknown and unreadable alike (audited)."""
    person = Person.objects.current().filter(public_id=public_id).first()
    if person is None or not policy.can_read(acting, person, policy.IDENTITY.key):
        audit_person(
            actor=acting.actor, action=AuditAction.DENIED, person_id=public_id, record_type="consents"
        )
        raise Http404
    if not can_see_consents(acting, person):
        audit_person(
            actor=acting.actor, action=AuditAction.DENIED, person_id=public_id, record_type="consents"
        )
        raise PermissionDenied
    return person


def _context(acting: Acting, person: Person, form: ConsentForm | None) -> dict[str, Any]:
    consents = selectors.person_consents(acting=acting, person=person)
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        record_type="consents",
        detail={"consents": [str(c.public_id) for c in consents]},
    )
    return {
        "person": person,
        "current": [c for c in consents if not c.is_withdrawn],
        "withdrawn": [c for c in consents if c.is_withdrawn],
        "may_withdraw": withdrawable_consents(acting, person, consents),
        "form": form,
        "withdraw_form": WithdrawForm(),
        "labels": {c.key: c.label for c in policy.categories()},
    }


@login_required
def person_consents(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    person = _person(acting, public_id)
    form = None
    if can_record_consent(acting, person):
        form = ConsentForm(
            request.POST or None,
            request.FILES or None,
            initial={"given_on": timezone.localdate(), "method": ConsentMethod.RECORDED_BY_STAFF},
        )
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            consent_record(
                acting=acting,
                person=person,
                spec=ConsentSpec(
                    organization=data["organization"],
                    mentor=data["mentor"],
                    categories=data["categories"],
                    purpose=data["purpose"],
                    given_on=data["given_on"],
                    method=data["method"],
                    signed_form=data["signed_form"],
                ),
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The consent has been recorded."))
            return redirect("community:person_consents", public_id=person.public_id)
    status = 422 if request.method == "POST" else 200
    return render(request, "community/consents.html", _context(acting, person, form), status=status)


def _consent(acting: Acting, public_id: uuid.UUID) -> Consent:
    consent = Consent.objects.select_related("person", "organization").filter(public_id=public_id).first()
    if consent is None:
        raise Http404
    return consent


@login_required
@require_POST
def withdraw(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    consent = _consent(acting, public_id)
    if not can_withdraw_consent(acting, consent):
        audit_person(
            actor=acting.actor,
            action=AuditAction.DENIED,
            person_id=consent.person.public_id,
            record_type="consent",
            detail={"consent": str(consent.public_id), "attempt": "withdraw"},
        )
        raise Http404
    form = WithdrawForm(request.POST)
    error_message = ""
    if form.is_valid():
        try:
            consent_withdraw(acting=acting, consent=consent, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            error_message = " ".join(error.messages)
    else:
        error_message = " ".join(str(m) for messages_ in form.errors.values() for m in messages_)
    if error_message:
        messages.error(request, error_message)
    else:
        messages.success(request, _("The consent has been withdrawn. The data is no longer shared."))
    # The coordinator who withdrew may no longer read the person at all: back to the start page then.
    if can_see_consents(acting, consent.person):
        target = reverse("community:person_consents", kwargs={"public_id": consent.person.public_id})
    else:
        target = reverse("web:home")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


@login_required
def signed_form(request: ResocRequest, public_id: uuid.UUID) -> FileResponse:
    acting = acting_or_403(request)
    consent = _consent(acting, public_id)
    person = _person(acting, consent.person.public_id)
    visible = {c.pk for c in selectors.person_consents(acting=acting, person=person)}
    if consent.pk not in visible or not consent.signed_form:
        raise Http404
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        record_type="consent_form",
        detail={"consent": str(consent.public_id)},
    )
    response = FileResponse(consent.signed_form.open("rb"), content_type=consent.signed_form_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
