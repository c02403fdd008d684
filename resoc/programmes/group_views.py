"""Thin views of programme groups: the list, a group with its schedule, planning and cancelling.

Groups hold no person data (participants come with enrolments): every user acting through a
membership may read them; only the delivering organization's planners change them
(``services.can_plan_groups``). The form's "check" step shows the sessions the rule gives and any
conflicts before anything is saved: by htmx in place, or as a full page without JavaScript.
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

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.services import audit_record_listing
from resoc.programmes import (
    attendance_views,
    enrolment_services,
    schedule_week,
    selectors,
    services,
    session_services,
)
from resoc.programmes.attendance_reports import may_read_report
from resoc.programmes.group_forms import (
    CancelForm,
    EnrolForm,
    GroupEditForm,
    GroupFilterForm,
    GroupForm,
    SessionMoveForm,
)
from resoc.programmes.models import ACTIVE_GROUP_STATUSES, Enrolment, Group, Session
from resoc.web.forms import add_validation_errors

PREVIEW_SESSIONS = 12
GROUPS_PER_PAGE = 50


@login_required
@require_GET
def group_list(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    form = GroupFilterForm(request.GET or None)
    page = Paginator(selectors.groups(form.filters()), GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    filtered = any(request.GET.get(name) for name in form.fields)
    may_create = bool(selectors.plannable_offers(organization_ids=_planner_scope(acting)))
    return render(
        request,
        "programmes/groups.html",
        {
            "form": form,
            "page": page,
            "groups": list(page.object_list),
            "filter_query": filters.urlencode(),
            "filtered": filtered,
            "may_create": may_create,
            "may_report": may_read_report(acting),
        },
    )


def _planner_scope(acting: Acting) -> frozenset[int]:
    if acting.role not in services.GROUP_PLANNER_ROLES:
        return frozenset()
    return acting.scope_organization_ids


def _group_or_404(public_id: uuid.UUID) -> Group:
    group = selectors.group_by_public_id(public_id)
    if group is None:
        raise Http404
    return group


@login_required
@require_GET
def group_detail(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    group = _group_or_404(public_id)
    sessions = selectors.group_sessions(group=group)
    now = timezone.now()
    may_plan = services.can_plan_groups(acting, group.offer.organization_id)
    participants = selectors.group_participants(acting=acting, group=group)
    audit_record_listing(
        actor=acting.actor,
        person_ids=[p.enrolment.person.public_id for p in participants],
        category=policy.IDENTITY.key,
        detail={"group": str(group.public_id)},
    )
    return render(
        request,
        "programmes/group_detail.html",
        {
            "group": group,
            "upcoming": [s for s in sessions if s.ends_at >= now],
            "past": [s for s in sessions if s.ends_at < now],
            "may_plan": may_plan,
            "active": group.status in ACTIVE_GROUP_STATUSES,
            "cancel_form": CancelForm(),
            "participants": participants,
            "enrol_form": EnrolForm(),
            **attendance_views.group_attendance_context(acting, group, sessions),
        },
    )


@login_required
@require_GET
def group_week(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    """The group's sessions of one week as a grid of seven days (``?week=2027-W01``)."""
    acting = acting_or_403(request)
    group = _group_or_404(public_id)
    requested = request.GET.get("week", "")
    monday = schedule_week.parse_week(requested) if requested else None
    if requested and monday is None:
        raise Http404
    week = schedule_week.group_week(
        group=group, monday=monday or schedule_week.default_monday(group, timezone.localdate())
    )
    return render(
        request,
        "programmes/group_week.html",
        {
            "group": group,
            "week": week,
            "today": timezone.localdate(),
            "may_plan": services.can_plan_groups(acting, group.offer.organization_id)
            and group.status in ACTIVE_GROUP_STATUSES,
        },
    )


def _form_page(
    request: ResocRequest,
    acting: Acting,
    form: GroupForm,
    group: Group | None,
) -> HttpResponse:
    """Check or save the posted group; re-render with the sessions and conflicts when not saved."""
    proposal: services.GroupProposal | None = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                proposal = services.group_check(acting=acting, spec=form.spec(), group=group)
                if "check" not in request.POST:
                    accept = request.POST.get("accept_conflicts") == "1"
                    if group is None:
                        saved = services.group_create(
                            acting=acting, spec=form.spec(), accept_conflicts=accept
                        )
                        messages.success(request, _("The group has been planned."))
                    else:
                        saved = services.group_update(
                            acting=acting,
                            group=group,
                            spec=form.spec(),
                            status=form.cleaned_data.get("status"),
                            accept_conflicts=accept,
                        )
                        messages.success(request, _("The group has been saved."))
                    return redirect("programmes:group_detail", public_id=saved.public_id)
                status = 200
            except ValidationError as error:
                add_validation_errors(form, error)
    context = {
        "form": form,
        "group": group,
        "proposal": proposal,
        "preview": proposal.occurrences[:PREVIEW_SESSIONS] if proposal else [],
    }
    if request.htmx and "check" in request.POST:
        return render(request, "programmes/_schedule_check.html", context)
    return render(request, "programmes/group_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    scope = _planner_scope(acting)
    offers = selectors.plannable_offers(organization_ids=scope)
    if not offers:
        raise PermissionDenied
    form = GroupForm(
        request.POST or None,
        offers=offers,
        organization_ids=scope,
        initial={"session_start": "10:00"},
    )
    return _form_page(request, acting, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    group = _group_or_404(public_id)
    if not services.can_plan_groups(acting, group.offer.organization_id):
        raise PermissionDenied
    if group.status not in ACTIVE_GROUP_STATUSES:
        messages.error(request, _("A finished or cancelled group cannot be changed."))
        return redirect("programmes:group_detail", public_id=group.public_id)
    scope = _planner_scope(acting)
    form = GroupEditForm(
        request.POST or None,
        offers=selectors.plannable_offers(organization_ids=scope),
        organization_ids=scope,
        initial=GroupForm.initial_from(group),
    )
    return _form_page(request, acting, form, group)


@login_required
@require_POST
def group_cancel(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    group = _group_or_404(public_id)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the group is cancelled."))
        services.group_cancel(acting=acting, group=group, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The group has been cancelled."))
    return redirect("programmes:group_detail", public_id=group.public_id)


@login_required
@require_POST
def session_cancel(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    session = Session.objects.select_related("group__offer").filter(public_id=public_id).first()
    if session is None:
        raise Http404
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the session is cancelled."))
        session_services.session_cancel(acting=acting, session=session, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session has been cancelled."))
    return redirect("programmes:group_detail", public_id=session.group.public_id)


@login_required
@require_POST
def enrol(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    """Give a place to the person with the personal code typed; every refusal reason is shown."""
    acting = acting_or_403(request)
    group = _group_or_404(public_id)
    if not services.can_plan_groups(acting, group.offer.organization_id):
        raise PermissionDenied
    form = EnrolForm(request.POST)
    person = None
    if form.is_valid():
        # Only persons the planner may read can be found: an unknown and an unreadable code look alike.
        person = (
            policy.visible_persons(acting).filter(personal_code=form.cleaned_data["personal_code"]).first()
        )
    if person is None:
        messages.error(request, _("No person you may read has this personal code."))
        return redirect("programmes:group_detail", public_id=group.public_id)
    try:
        enrolment = enrolment_services.enrolment_create(
            acting=acting,
            group=group,
            person=person,
            accept_conflicts=bool(form.cleaned_data.get("accept_conflicts")),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = _("%(name)s has a place in the group.") % {"name": person}
        if enrolment.flags:
            text += " " + _("Check by hand: %(flags)s") % {
                "flags": " ".join(f["message"] for f in enrolment.flags)
            }
        messages.success(request, text)
    return redirect("programmes:group_detail", public_id=group.public_id)


@login_required
@require_POST
def withdraw(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = acting_or_403(request)
    enrolment = Enrolment.objects.select_related("group__offer", "person").filter(public_id=public_id).first()
    if enrolment is None or not policy.can_read(acting, enrolment.person, policy.IDENTITY.key):
        raise Http404
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the place ends."))
        enrolment_services.enrolment_withdraw(
            acting=acting, enrolment=enrolment, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The place has ended."))
    return redirect("programmes:group_detail", public_id=enrolment.group.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def session_move(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    """Move one session to another time or room; conflicts are shown and must be accepted to save."""
    acting = acting_or_403(request)
    session = (
        Session.objects.select_related("group__offer__programme", "group__room", "room")
        .filter(public_id=public_id)
        .first()
    )
    if session is None:
        raise Http404
    if not services.can_plan_groups(acting, session.group.offer.organization_id):
        raise PermissionDenied
    initial = {"starts_at": timezone.localtime(session.starts_at), "room": session.room_id}
    form = SessionMoveForm(request.POST or None, initial=initial, location_id=session.group.room.location_id)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                session_services.session_move(
                    acting=acting,
                    session=session,
                    starts_at=data["starts_at"],
                    room=data["room"],
                    reason=data["reason"],
                    accept_conflicts=data["accept_conflicts"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("The session has been moved."))
                return redirect("programmes:group_detail", public_id=session.group.public_id)
    return render(request, "programmes/session_move.html", {"form": form, "session": session}, status=status)
