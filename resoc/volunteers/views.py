"""Coordinators' pages: the list of volunteers, a volunteer's page, the lifecycle and qualifications.

Only the organization's coordinators (``services.can_manage``) see these; a volunteer has his own
pages (``activity_views.me``). Every page that shows volunteers is audited.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.organizations.models import Organization
from resoc.volunteers import rules, selectors, services
from resoc.volunteers.forms import FilterForm, QualificationForm, ScreeningForm, TransitionForm, VolunteerForm
from resoc.volunteers.models import Volunteer
from resoc.web.forms import add_validation_errors

PER_PAGE = 50


def _manager(request: ResocRequest) -> tuple[Acting, list[int]]:
    acting = acting_or_403(request)
    organization_ids = services.managed_organization_ids(acting)
    if not organization_ids:
        raise PermissionDenied
    return acting, organization_ids


def _volunteer(acting: Acting, public_id: uuid.UUID) -> Volunteer:
    volunteer = services.visible_volunteer(acting, public_id)
    if volunteer is None or not services.can_manage(acting, volunteer.organization):
        raise Http404
    return volunteer


@login_required
@require_GET
def volunteer_list(request: ResocRequest) -> HttpResponse:
    acting, organization_ids = _manager(request)
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.VolunteerFilters(
        status=data.get("status", ""),
        kind=data.get("kind", ""),
        expiring=bool(data.get("expiring")),
        query=data.get("q", ""),
    )
    today = timezone.localdate()
    found = selectors.volunteers(organization_ids=organization_ids, filters=filters, on=today)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    audit_record(
        actor=acting.actor,
        action=AuditAction.LIST,
        record_type=services.RECORD,
        detail={"volunteers": [str(v.public_id) for v in shown]},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "volunteers/list.html",
        {
            "form": form,
            "page": page,
            "volunteers": shown,
            "filter_query": query.urlencode(),
            "filtered": any(request.GET.get(name) for name in form.fields),
            "expiring_count": selectors.expiring_qualifications(
                organization_ids=organization_ids, on=today
            ).count(),
        },
    )


def _organization_choices(organization_ids: list[int]) -> list[Organization]:
    return list(Organization.objects.filter(pk__in=organization_ids).order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_create(request: ResocRequest) -> HttpResponse:
    acting, organization_ids = _manager(request)
    organizations = _organization_choices(organization_ids)
    form = VolunteerForm(request.POST or None)
    chosen = request.POST.get("organization") or (str(organizations[0].public_id) if organizations else "")
    status = 200
    if request.method == "POST":
        status = 422
        organization = next((o for o in organizations if str(o.public_id) == chosen), None)
        if organization is None:
            form.add_error(None, _("Choose the organization."))
        elif form.is_valid():
            try:
                volunteer = services.volunteer_apply(
                    acting=acting, organization=organization, **form.cleaned_data
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("The application has been recorded."))
                return redirect("volunteers:detail", public_id=volunteer.public_id)
    return render(
        request,
        "volunteers/form.html",
        {"form": form, "organizations": organizations, "chosen": chosen},
        status=status,
    )


def _detail_page(
    request: ResocRequest,
    acting: Acting,
    volunteer: Volunteer,
    *,
    transition_form: TransitionForm | None = None,
    screening_form: ScreeningForm | None = None,
    qualification_form: QualificationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    file = selectors.volunteer_file(volunteer)
    today = timezone.localdate()
    services.audit_volunteer(acting, AuditAction.VIEW, volunteer)
    return render(
        request,
        "volunteers/detail.html",
        {
            "volunteer": volunteer,
            "file": file,
            "today": today,
            "readiness": selectors.readiness(file, today) if volunteer.status != "ended" else [],
            "expiring_ids": {
                q.pk
                for q in file.qualifications
                if q.in_force(today) and rules.expiring_soon(q.valid_until, today)
            },
            "transition_form": transition_form or TransitionForm(volunteer=volunteer),
            "screening_form": screening_form or ScreeningForm(),
            "qualification_form": qualification_form or QualificationForm(),
            "in_screening": volunteer.status == "screening",
            "closed": volunteer.status == "ended",
        },
        status=status,
    )


@login_required
@require_GET
def volunteer_detail(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    return _detail_page(request, acting, _volunteer(acting, public_id))


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    volunteer = _volunteer(acting, public_id)
    form = VolunteerForm(request.POST or None, instance=Volunteer.objects.get(pk=volunteer.pk))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.volunteer_update(acting=acting, volunteer=volunteer, **form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("The volunteer's details have been saved."))
                return redirect("volunteers:detail", public_id=volunteer.public_id)
    return render(request, "volunteers/form.html", {"form": form, "volunteer": volunteer}, status=status)


@login_required
@require_POST
def volunteer_move(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    volunteer = _volunteer(acting, public_id)
    form = TransitionForm(request.POST, volunteer=volunteer)
    if form.is_valid():
        try:
            services.volunteer_transition(acting=acting, volunteer=volunteer, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request, _("The status is now “%(status)s”.") % {"status": volunteer.get_status_display()}
            )
            return redirect("volunteers:detail", public_id=volunteer.public_id)
    return _detail_page(request, acting, volunteer, transition_form=form, status=422)


@login_required
@require_POST
def screening_add(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    volunteer = _volunteer(acting, public_id)
    form = ScreeningForm(request.POST)
    if form.is_valid():
        try:
            services.screening_record(acting=acting, volunteer=volunteer, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The screening decision has been recorded."))
            return redirect("volunteers:detail", public_id=volunteer.public_id)
    return _detail_page(request, acting, volunteer, screening_form=form, status=422)


@login_required
@require_POST
def qualification_add(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    volunteer = _volunteer(acting, public_id)
    form = QualificationForm(request.POST)
    if form.is_valid():
        try:
            services.qualification_grant(acting=acting, volunteer=volunteer, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("The qualification has been recorded."))
            return redirect("volunteers:detail", public_id=volunteer.public_id)
    return _detail_page(request, acting, volunteer, qualification_form=form, status=422)


@login_required
@require_GET
def expiring(request: ResocRequest) -> HttpResponse:
    """The coordinators' warnings: qualifications ending within 30 days and not yet renewed."""
    acting, organization_ids = _manager(request)
    today = timezone.localdate()
    found = list(selectors.expiring_qualifications(organization_ids=organization_ids, on=today)[:500])
    audit_record(
        actor=acting.actor,
        action=AuditAction.LIST,
        record_type=services.RECORD,
        detail={"expiring": [str(q.volunteer.public_id) for q in found]},
    )
    return render(
        request,
        "volunteers/expiring.html",
        {"qualifications": found, "today": today, "days": rules.WARNING_DAYS},
    )
