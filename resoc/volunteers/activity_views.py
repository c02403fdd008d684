"""Activities and hours: the coordinators' activity pages and hours to approve, and the volunteer's
own screens (my activities, check-in and check-out, my hours), made for a phone."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.access.roles import Role
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.volunteers import activities, selectors, services
from resoc.volunteers.export import hours_csv, hours_in_period
from resoc.volunteers.forms import ActivityForm, ClaimForm, DeclineForm, ParticipantForm, PeriodForm
from resoc.volunteers.models import Activity, HoursClaim, HoursStatus, Participation, Volunteer
from resoc.volunteers.views import _manager, _organization_choices
from resoc.web.forms import add_validation_errors


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def activity_list(request: ResocRequest) -> HttpResponse:
    acting, organization_ids = _manager(request)
    organizations = _organization_choices(organization_ids)
    form = ActivityForm(request.POST or None, initial={"setting": "prison"})
    status = 200
    if request.method == "POST":
        status = 422
        organization = next(
            (o for o in organizations if str(o.public_id) == request.POST.get("organization")),
            organizations[0],
        )
        if form.is_valid():
            try:
                activity = activities.activity_create(
                    acting=acting, organization=organization, **form.cleaned_data
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("The activity has been planned."))
                return redirect("volunteers:activity", public_id=activity.public_id)
    show_past = request.GET.get("past") == "1"
    since = None if show_past else timezone.now()
    found = list(selectors.activities(organization_ids=organization_ids, since=since)[:200])
    return render(
        request,
        "volunteers/activities.html",
        {"form": form, "activities": found, "organizations": organizations, "show_past": show_past},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_detail(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    activity = Activity.objects.select_related("organization", "prison").filter(public_id=public_id).first()
    if activity is None or not services.can_manage(acting, activity.organization):
        raise Http404
    form = ParticipantForm(request.POST or None, organization=activity.organization)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                activities.participation_add(
                    acting=acting, activity=activity, volunteer=form.cleaned_data["volunteer"]
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("The volunteer takes part."))
                return redirect("volunteers:activity", public_id=activity.public_id)
    return render(
        request,
        "volunteers/activity.html",
        {
            "activity": activity,
            "participations": selectors.activity_participations(activity),
            "form": form,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_POST
def activity_cancel(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    activity = Activity.objects.select_related("organization").filter(public_id=public_id).first()
    if activity is None or not services.can_manage(acting, activity.organization):
        raise Http404
    try:
        activities.activity_cancel(acting=acting, activity=activity, reason=request.POST.get("reason", ""))
        messages.success(request, _("The activity has been cancelled."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("volunteers:activity", public_id=activity.public_id)


@login_required
@require_GET
def hours_list(request: ResocRequest) -> HttpResponse:
    _acting, organization_ids = _manager(request)
    claims = list(selectors.hours_waiting(organization_ids=organization_ids)[:200])
    today = timezone.localdate()
    period = PeriodForm(initial={"since": today.replace(day=1), "until": today})
    return render(
        request, "volunteers/hours.html", {"claims": claims, "decline_form": DeclineForm(), "period": period}
    )


@login_required
@require_GET
def hours_export(request: ResocRequest) -> HttpResponse:
    """The period's hours as CSV (audited as an export)."""
    acting, organization_ids = _manager(request)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect("volunteers:hours")
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    claims = hours_in_period(organization_ids=organization_ids, since=since, until=until)
    audit_record(
        actor=acting.actor,
        action=AuditAction.EXPORT,
        record_type=services.RECORD,
        detail={"hours": len(claims), "since": str(since), "until": str(until)},
    )
    response = HttpResponse(hours_csv(claims), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="volunteer-hours-{since}-{until}.csv"'
    return response


def _claim_for_decision(request: ResocRequest, public_id: uuid.UUID) -> tuple[Acting, HoursClaim]:
    acting = acting_or_403(request)
    claim = (
        HoursClaim.objects.select_related("participation__activity__organization", "participation__volunteer")
        .filter(public_id=public_id)
        .first()
    )
    if claim is None or not services.can_manage(acting, claim.participation.activity.organization):
        raise Http404
    return acting, claim


@login_required
@require_POST
def hours_decide(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting, claim = _claim_for_decision(request, public_id)
    volunteer = claim.participation.volunteer
    try:
        if request.POST.get("decision") == "approve":
            activities.hours_approve(acting=acting, claim=claim)
            messages.success(request, _("Hours of %(name)s approved.") % {"name": volunteer})
        else:
            form = DeclineForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            activities.hours_decline(acting=acting, claim=claim, reason=reason)
            messages.success(request, _("Hours of %(name)s declined.") % {"name": volunteer})
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("volunteers:hours")


# --- the volunteer's own screens ----------------------------------------------------------------------------


def _me(request: ResocRequest) -> tuple[Acting, Volunteer]:
    acting = acting_or_403(request)
    if acting.role != Role.VOLUNTEER:
        raise PermissionDenied
    volunteer = selectors.volunteer_of_user(acting.user.pk, acting.organization_id)
    if volunteer is None:
        raise PermissionDenied
    return acting, volunteer


@login_required
@require_GET
def me(request: ResocRequest) -> HttpResponse:
    _acting, volunteer = _me(request)
    participations = selectors.my_participations(volunteer)
    now = timezone.now()
    upcoming = [p for p in participations if p.activity.ends_at >= now]
    upcoming.reverse()
    past = [p for p in participations if p.activity.ends_at < now]
    claims = [(p, c) for p in participations for c in p.claims.all()]
    return render(
        request,
        "volunteers/me.html",
        {
            "volunteer": volunteer,
            "upcoming": upcoming,
            "past": past,
            "claims": claims,
            "approved": sum(c.hours for _p, c in claims if c.status == HoursStatus.APPROVED),
            "waiting": sum(c.hours for _p, c in claims if c.status == HoursStatus.CLAIMED),
            "claim_form": ClaimForm(),
            "now": now,
        },
    )


def _my_participation(request: ResocRequest, public_id: uuid.UUID) -> tuple[Acting, Participation]:
    acting, volunteer = _me(request)
    participation = (
        Participation.objects.select_related("activity", "volunteer")
        .filter(public_id=public_id, volunteer=volunteer)
        .first()
    )
    if participation is None:
        raise Http404
    return acting, participation


@login_required
@require_POST
def me_check(request: ResocRequest, public_id: uuid.UUID, action: str) -> HttpResponse:
    acting, participation = _my_participation(request, public_id)
    try:
        if action == "in":
            activities.check_in(acting=acting, participation=participation)
            messages.success(request, _("Checked in: %(title)s.") % {"title": participation.activity.title})
        else:
            claim = activities.check_out(acting=acting, participation=participation)
            messages.success(
                request,
                _("Checked out. %(hours)s h sent for approval.") % {"hours": claim.hours},
            )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("volunteers:me")


@login_required
@require_POST
def me_claim(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting, participation = _my_participation(request, public_id)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("hours", [])))
        return redirect("volunteers:me")
    try:
        activities.hours_claim(acting=acting, participation=participation, hours=form.cleaned_data["hours"])
        messages.success(request, _("Hours sent for approval."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("volunteers:me")
