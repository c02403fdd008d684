"""The mentor's own screens, made for a phone: his mentees, one mentee's page, logging a meeting.

A mentor reads a mentee only through the policy: a running match (the "mentoring" relationship for
his user) and the person's consent to share with him. Without consent the match is listed without a
name or link; another mentor's mentee, a closed match or an unknown id answer 404 and are audited.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.access.roles import Role
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record_listing
from resoc.mentoring import selectors, services
from resoc.mentoring.forms import MeetingForm
from resoc.mentoring.models import RELATED_STATUSES, Match, MatchStatus


def _mentor(request: ResocRequest) -> Acting:
    acting = acting_or_403(request)
    if acting.role != Role.VOLUNTEER:
        raise PermissionDenied
    return acting


def _own_match(acting: Acting, public_id: uuid.UUID) -> tuple[Match, dict[str, policy.Decision]]:
    """The mentor's own running match whose person he may read; 404 (audited) for anything else."""
    match = selectors.match_queryset().filter(public_id=public_id).first()
    decisions = policy.readable_categories(acting, match.person) if match else {}
    if (
        match is None
        or not services.is_matched_mentor(acting, match)
        or match.status not in RELATED_STATUSES
        or not decisions[policy.IDENTITY.key]
    ):
        audit_person(
            actor=acting.actor,
            action=AuditAction.DENIED,
            person_id=match.person.public_id if match else public_id,
            record_type="mentee",
        )
        raise Http404
    return match, decisions


@login_required
@require_GET
def my_mentees(request: ResocRequest) -> HttpResponse:
    acting = _mentor(request)
    running = list(
        selectors.with_last_meeting(
            selectors.matches_for(acting).filter(status__in=RELATED_STATUSES)
        ).order_by("person__sort_key", "pk")
    )
    readable = set(
        policy.visible_persons(acting)
        .filter(pk__in=[m.person_id for m in running])
        .values_list("pk", flat=True)
    )
    rows = [{"match": m, "readable": m.person_id in readable} for m in running]
    audit_record_listing(
        actor=acting.actor,
        person_ids=[m.person.public_id for m in running if m.person_id in readable],
        category=policy.IDENTITY.key,
        detail={"purpose": "my mentees"},
    )
    return render(request, "mentoring/my_mentees.html", {"rows": rows})


@login_required
@require_GET
def my_mentee(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _mentor(request)
    match, decisions = _own_match(acting, public_id)
    shown = [key for key, decision in decisions.items() if decision]
    for key in shown:
        audit_person(
            actor=acting.actor, action=AuditAction.VIEW, person_id=match.person.public_id, category=key
        )
    return render(
        request,
        "mentoring/my_mentee.html",
        {
            "match": match,
            "person": match.person,
            "can": {key: bool(decision) for key, decision in decisions.items()},
            "shared": [policy.category(key).label for key in shown],
            "meetings": match.meetings.all()[:20],
            "may_ask_to_close": match.status == MatchStatus.ACTIVE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _mentor(request)
    match, _decisions = _own_match(acting, public_id)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_log(acting=acting, match=match, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.message_dict.items():
                    for message in field_errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                for message in error.messages:
                    form.add_error(None, message)
        else:
            messages.success(request, _("The meeting was logged."))
            return redirect("mentoring:my_mentee", public_id=match.public_id)
    return render(
        request, "mentoring/meeting_form.html", {"match": match, "person": match.person, "form": form}
    )


@login_required
@require_POST
def ask_to_close(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _mentor(request)
    match, _decisions = _own_match(acting, public_id)
    try:
        services.match_transition(
            acting=acting, match=match, to_status=MatchStatus.CLOSING, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The coordinator will see that the mentoring is coming to an end."))
    return redirect("mentoring:my_mentee", public_id=match.public_id)
