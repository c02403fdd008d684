"""Cooperation agreements: the list with those ending soon and the expired ones marked, and changes."""

from __future__ import annotations

import csv
import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.export import safe_cell
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.community import selectors
from resoc.community.agreements import (
    RECORD_TYPE,
    AgreementSpec,
    agreement_end,
    agreement_extend,
    agreement_record,
)
from resoc.community.forms import AgreementForm, EndForm, ExtendForm
from resoc.community.models import CooperationAgreement
from resoc.community.rules import can_manage_agreements, can_manage_any_agreements
from resoc.web.forms import add_validation_errors

STATES = {s.value for s in selectors.AgreementState}


@login_required
def agreements(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    state = request.GET.get("state", "")
    state = state if state in STATES else ""
    today = timezone.localdate()
    rows = selectors.agreement_list(acting=acting, state=state, today=today)
    if request.GET.get("format") == "csv":
        audit_record(
            actor=acting.actor,
            action=AuditAction.EXPORT,
            record_type=RECORD_TYPE,
            detail={"state": state, "rows": len(rows)},
        )
        return _csv(rows, today)
    return render(
        request,
        "community/agreements.html",
        {
            "rows": [
                {"agreement": a, "state": s, "may_change": can_manage_agreements(acting, a.institution)}
                for a, s in rows
            ],
            "state": state,
            "states": selectors.AgreementState,
            "may_record": can_manage_any_agreements(acting),
        },
    )


STATE_LABELS = {
    selectors.AgreementState.NOT_YET: gettext_lazy("Not yet in force"),
    selectors.AgreementState.IN_FORCE: gettext_lazy("In force"),
    selectors.AgreementState.EXPIRING: gettext_lazy("Expires within 30 days"),
    selectors.AgreementState.EXPIRED: gettext_lazy("Expired"),
}


def _csv(rows: list[tuple[CooperationAgreement, selectors.AgreementState]], today: dt.date) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cooperation-agreements-{today}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with Latvian letters only with a byte order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Number"),
            _("NGO"),
            _("Institution"),
            _("Valid from"),
            _("Valid until"),
            _("Prisons covered"),
            _("Status"),
            _("Reason for ending early"),
        ]
    )
    for agreement, state in rows:
        writer.writerow(
            [
                safe_cell(agreement.number),
                safe_cell(agreement.organization.name),
                safe_cell(agreement.institution.name),
                agreement.valid_from.strftime("%d.%m.%Y"),
                agreement.valid_until.strftime("%d.%m.%Y") if agreement.valid_until else "",
                safe_cell(", ".join(p.name for p in agreement.prisons.all())),
                STATE_LABELS[state],
                safe_cell(agreement.end_reason),
            ]
        )
    return response


@login_required
def agreement_new(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    if not can_manage_any_agreements(acting):
        raise PermissionDenied
    form = AgreementForm(
        request.POST or None, acting=acting, initial={"organization": request.GET.get("ngo")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement_record(
                acting=acting,
                spec=AgreementSpec(
                    organization=data["organization"],
                    institution=data["institution"],
                    number=data["number"],
                    scope=data["scope"],
                    valid_from=data["valid_from"],
                    valid_until=data["valid_until"],
                    prisons=list(data["prisons"]),
                ),
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The agreement has been recorded."))
            return redirect("community:agreements")
    status = 422 if request.method == "POST" else 200
    return render(request, "community/agreement_new.html", {"form": form}, status=status)


def _agreement(request: ResocRequest, public_id: uuid.UUID) -> CooperationAgreement:
    acting = acting_or_403(request)
    agreement = selectors.visible_agreements(acting).filter(public_id=public_id).first()
    if agreement is None:
        raise Http404
    if not can_manage_agreements(acting, agreement.institution):
        raise PermissionDenied
    return agreement


@login_required
def agreement_change(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    agreement = _agreement(request, public_id)
    extend_form = ExtendForm(
        request.POST if request.POST.get("action") == "extend" else None, prefix="extend"
    )
    end_form = EndForm(
        request.POST if request.POST.get("action") == "end" else None,
        prefix="end",
        initial={"ends_on": timezone.localdate()},
    )
    if request.method == "POST":
        try:
            if extend_form.is_bound and extend_form.is_valid():
                agreement_extend(
                    acting=acting, agreement=agreement, valid_until=extend_form.cleaned_data["valid_until"]
                )
                messages.success(request, _("The agreement has been extended."))
                return redirect("community:agreements")
            if end_form.is_bound and end_form.is_valid():
                agreement_end(
                    acting=acting,
                    agreement=agreement,
                    ends_on=end_form.cleaned_data["ends_on"],
                    reason=end_form.cleaned_data["reason"],
                )
                messages.success(request, _("The agreement has been ended."))
                return redirect("community:agreements")
        except ValidationError as error:
            if extend_form.is_bound:
                add_validation_errors(extend_form, error)
            else:
                add_validation_errors(end_form, error)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "community/agreement_change.html",
        {
            "agreement": agreement,
            "state": selectors.agreement_state(agreement, timezone.localdate()),
            "extend_form": extend_form,
            "end_form": end_form,
        },
        status=status,
    )
