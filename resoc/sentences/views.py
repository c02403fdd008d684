"""Thin views: the policy and ``sentences.services`` decide; these translate HTTP to their calls.

An unreadable person answers 404 (whether or not they exist); a readable person whose change the
user may not make answers 403.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.people.models import Person
from resoc.sentences import admission, forms, services
from resoc.sentences.models import ProbationPeriod
from resoc.web.forms import add_validation_errors

Perform = Callable[[Acting, Person, dict[str, Any]], object]


@dataclass(frozen=True)
class _Action:
    title: str | Promise
    form_class: type[forms._ActingForm]
    allowed: Callable[[Acting, Person], bool]
    perform: Perform
    done: str | Promise


def _person_or_404(acting: Acting, public_id: uuid.UUID) -> Person:
    """The person if ``acting`` may read their sentence; otherwise 404 whether or not they exist."""
    person = Person.objects.current().filter(public_id=public_id).first()
    if person is None or not policy.can_read(acting, person, policy.SENTENCE.key):
        audit_person(
            actor=acting.actor, action=AuditAction.DENIED, person_id=public_id, category=policy.SENTENCE.key
        )
        raise Http404
    return person


def _handle(request: ResocRequest, person: Person, action: _Action) -> HttpResponse:
    acting = acting_or_403(request)
    if not action.allowed(acting, person):
        raise PermissionDenied
    form = action.form_class(request.POST or None, acting=acting)
    if request.method == "POST" and form.is_valid():
        try:
            action.perform(acting, person, form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, str(action.done))
            url = reverse("people:detail", args=[person.public_id]) + "#section-sentence"
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    context = {"form": form, "person": person, "title": action.title}
    # htmx (e.g. hx-boost) does not swap 4xx answers: it gets the form with its errors as a 200.
    status = 422 if form.errors and not request.htmx else 200
    return render(request, "sentences/action.html", context, status=status)


def _holding_allowed(acting: Acting, person: Person) -> bool:
    return services.may_change_custody(acting, person, holding=services.open_custody_period(person))


def _record_absence(acting: Acting, person: Person, data: dict[str, Any]) -> object:
    holding = services.open_custody_period(person)
    if holding is None:
        raise ValidationError(_("The person is not in custody."), code="not_in_custody")
    return services.temporary_absence_record(acting=acting, custody_period=holding, **data)


SENTENCE = _Action(
    title=gettext_lazy("Record a sentence"),
    form_class=forms.SentenceForm,
    allowed=lambda acting, person: services.may_record_sentence(acting, person),
    perform=lambda acting, person, data: services.sentence_record(acting=acting, person=person, **data),
    done=gettext_lazy("The sentence has been recorded."),
)
ADMIT = _Action(
    title=gettext_lazy("Admit to prison"),
    form_class=forms.AdmitForm,
    allowed=lambda acting, person: services.may_change_custody(acting, person, holding=None),
    perform=lambda acting, person, data: services.custody_admit(acting=acting, person=person, **data),
    done=gettext_lazy("The admission has been recorded."),
)
TRANSFER = _Action(
    title=gettext_lazy("Transfer to another prison"),
    form_class=forms.TransferForm,
    allowed=_holding_allowed,
    perform=lambda acting, person, data: services.custody_transfer(acting=acting, person=person, **data),
    done=gettext_lazy("The transfer has been recorded."),
)
ABSENCE = _Action(
    title=gettext_lazy("Record a temporary absence"),
    form_class=forms.AbsenceForm,
    allowed=_holding_allowed,
    perform=_record_absence,
    done=gettext_lazy("The absence has been recorded."),
)
RELEASE = _Action(
    title=gettext_lazy("Record the release"),
    form_class=forms.ReleaseForm,
    allowed=_holding_allowed,
    perform=lambda acting, person, data: services.person_release(acting=acting, person=person, **data),
    done=gettext_lazy("The release has been recorded."),
)
PROBATION_START = _Action(
    title=gettext_lazy("Start probation supervision"),
    form_class=forms.ProbationStartForm,
    allowed=lambda acting, person: services.may_start_probation(acting, person),
    perform=lambda acting, person, data: services.probation_start(acting=acting, person=person, **data),
    done=gettext_lazy("The probation period has been recorded."),
)


def _view(action: _Action) -> Callable[..., HttpResponse]:
    @login_required
    def view(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
        return _handle(request, _person_or_404(acting_or_403(request), public_id), action)

    return view


record_sentence = _view(SENTENCE)
admit = _view(ADMIT)
transfer = _view(TRANSFER)
absence = _view(ABSENCE)
release = _view(RELEASE)
probation_start = _view(PROBATION_START)


@login_required
def probation_end(request: ResocRequest, public_id: uuid.UUID, period_id: uuid.UUID) -> HttpResponse:
    person = _person_or_404(acting_or_403(request), public_id)
    period = ProbationPeriod.objects.filter(person=person, public_id=period_id).first()
    if period is None:
        raise Http404
    action = _Action(
        title=gettext_lazy("End probation supervision"),
        form_class=forms.ProbationEndForm,
        allowed=lambda acting, person: services.may_end_probation(acting, period),
        perform=lambda acting, person, data: services.probation_end(acting=acting, period=period, **data),
        done=gettext_lazy("The end of the probation period has been recorded."),
    )
    return _handle(request, person, action)


@login_required
def admit_existing(request: ResocRequest) -> HttpResponse:
    """Admit a registered person identified exactly by an identifier (see ``sentences.admission``).

    Step one looks the identifier up and shows only the name and date of birth; step two admits.
    """
    acting = acting_or_403(request)
    if not admission.may_admit_identified(acting):
        raise PermissionDenied
    identify_form = forms.IdentifyForm(request.POST if request.method == "POST" else None)
    admit_form: forms.AdmitIdentifiedForm | None = None
    found: admission.Identified | None = None
    status = 200
    if request.method == "POST" and request.POST.get("step") == "admit":
        admit_form = forms.AdmitIdentifiedForm(request.POST, acting=acting)
        if admit_form.is_valid():
            data = admit_form.cleaned_data
            try:
                period = admission.custody_admit_identified(acting=acting, **data)
            except ValidationError as error:
                _admission_errors(admit_form, error)
            else:
                messages.success(request, _("The admission has been recorded."))
                return redirect(
                    reverse("people:detail", args=[period.person.public_id]) + "#section-sentence"
                )
        status = 422
        identify_form = forms.IdentifyForm(
            initial={key: request.POST.get(key, "") for key in ("scheme", "value", "issuing_country")}
        )
    elif request.method == "POST":
        status = 422
        if identify_form.is_valid():
            try:
                found = admission.person_identify(acting=acting, **identify_form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(identify_form, error)
            else:
                status = 200
                admit_form = forms.AdmitIdentifiedForm(
                    acting=acting,
                    initial={
                        **identify_form.cleaned_data,
                        "prison": acting.membership.organization,  # type: ignore[union-attr]
                    },
                )
    return render(
        request,
        "sentences/admit_existing.html",
        {"identify_form": identify_form, "admit_form": admit_form, "found": found},
        status=status,
    )


def _admission_errors(form: forms.AdmitIdentifiedForm, error: ValidationError) -> None:
    """Errors about the identifier (hidden in this step) are shown for the form as a whole."""
    if not hasattr(error, "error_dict"):
        add_validation_errors(form, error)
        return
    for field, problems in error.error_dict.items():
        visible = field in form.fields and not form.fields[field].widget.is_hidden
        for problem in problems:
            form.add_error(field if visible else None, problem)
