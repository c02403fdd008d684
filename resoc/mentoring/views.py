"""The coordinator's pages: people waiting for a mentor with their best suggestions, one person's
ranked mentors with the reasons, a mentor's best mentees, matches, their history and monitoring.

Views are thin: the rules are in ``services`` (writes) and ``selectors`` / ``matching`` (reads).
Every name shown is an audited read; persons the coordinator may not read answer 404.
"""

from __future__ import annotations

import csv
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.access.roles import Role
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record, audit_record_listing
from resoc.mentoring import matching, selectors, services
from resoc.mentoring.forms import MoveForm, ProfileForm, ResolveForm
from resoc.mentoring.models import Match, MatchStatus, Meeting, MenteeProfile
from resoc.organizations.models import Region
from resoc.people.models import Person
from resoc.people.selectors import person_search
from resoc.volunteers.models import Volunteer

PAGE_SIZE = 25
FOUND_MAX = 10
SUGGESTIONS = 10


def _coordinator(request: ResocRequest) -> Acting:
    acting = acting_or_403(request)
    if not selectors.can_coordinate(acting):
        raise PermissionDenied
    return acting


def _readable_person(acting: Acting, public_id: uuid.UUID) -> Person:
    person = Person.objects.current().filter(public_id=public_id).first()
    if person is None or not policy.can_read(acting, person, policy.IDENTITY.key):
        audit_person(actor=acting.actor, action=AuditAction.DENIED, person_id=public_id, record_type="mentee")
        raise Http404
    return person


def _match(acting: Acting, public_id: uuid.UUID) -> Match:
    match = selectors.match_queryset().filter(public_id=public_id).first()
    if match is None or not services.can_coordinate_match(acting, match):
        audit_person(
            actor=acting.actor,
            action=AuditAction.DENIED,
            person_id=match.person.public_id if match else public_id,
            record_type=services.RECORD_TYPE,
        )
        raise Http404
    return match


@login_required
@require_GET
def home(request: ResocRequest) -> HttpResponse:
    acting = acting_or_403(request)
    if acting.role == Role.VOLUNTEER:
        return redirect("mentoring:my_mentees")
    if not selectors.can_coordinate(acting):
        raise PermissionDenied
    candidates = selectors.candidate_persons(acting).order_by("sort_key", "pk")
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    persons = list(page.object_list)
    facts = selectors.mentee_facts(p.pk for p in persons)
    mentors = selectors.mentor_facts(selectors.mentor_pool(acting))
    names = {v.pk: str(v) for v in selectors.mentor_pool(acting).only("given_names", "family_name")}
    best_of = matching.rank_all(list(facts.values()), mentors, n=1)
    rows = []
    for person in persons:
        best = best_of[person.pk]
        top = best[0] if best else None
        rows.append(
            {
                "person": person,
                "region": _region_label(facts[person.pk].region),
                "best": top,
                "best_name": names.get(top.mentor.volunteer_id, "") if top else "",
            }
        )
    audit_record_listing(
        actor=acting.actor,
        person_ids=[p.public_id for p in persons],
        category=policy.IDENTITY.key,
        detail={"purpose": "mentoring candidates"},
    )
    # Numbers only, no person: every match of the organization's mentors counts.
    counts = dict(
        Match.objects.filter(organization_id__in=acting.scope_organization_ids)
        .values_list("status")
        .order_by()
        .annotate(n=Count("pk"))
    )
    query = request.GET.get("q", "").strip()[:100]
    found: list[Person] = []
    if query:
        # Putting someone forward: persons the coordinator may read, found by name or personal code.
        found = list(person_search(acting=acting, query=query)[:FOUND_MAX])
        audit_record_listing(
            actor=acting.actor,
            person_ids=[p.public_id for p in found],
            category=policy.IDENTITY.key,
            detail={"purpose": "put forward for a mentor"},
        )
    return render(
        request,
        "mentoring/home.html",
        {
            "query": query,
            "found": found,
            "page": page,
            "rows": rows,
            "mentor_count": len(mentors),
            "free_places": sum(m.free_places for m in mentors),
            "counts": [(s, s.label, counts.get(s.value, 0)) for s in MatchStatus],
        },
    )


def _region_label(key: str) -> str:
    return str(Region(key).label) if key in Region.values else ""


def _suggestion_rows(
    mentee: matching.MenteeFacts, mentors: list[matching.MentorFacts]
) -> list[dict[str, object]]:
    ranked = matching.top_mentors(mentee, mentors, n=SUGGESTIONS)
    volunteers = Volunteer.objects.in_bulk([r.mentor.volunteer_id for r in ranked])
    return [
        {"volunteer": volunteers[r.mentor.volunteer_id], "score": matching.explain(mentee, r.mentor)}
        for r in ranked
    ]


@login_required
@require_GET
def suggestions(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    """One person's best mentors with the reasons, the profile matching reads, and proposing."""
    acting = _coordinator(request)
    person = _readable_person(acting, public_id)
    facts = selectors.mentee_facts([person.pk])[person.pk]
    is_candidate = selectors.is_candidate(acting, person)
    rows = (
        _suggestion_rows(facts, selectors.mentor_facts(selectors.mentor_pool(acting))) if is_candidate else []
    )
    profile = MenteeProfile.objects.filter(person=person).first()
    open_match = Match.objects.filter(person=person).exclude(status=MatchStatus.CLOSED).first()
    audit_person(
        actor=acting.actor, action=AuditAction.VIEW, person_id=person.public_id, record_type="mentee"
    )
    form = ProfileForm(
        initial={
            "region": profile.region if profile else "",
            "mentor_sex": profile.mentor_sex if profile else "",
            "interests": profile.interests if profile else "",
            "wants_lived_experience": bool(profile and profile.wants_lived_experience),
        }
    )
    return render(
        request,
        "mentoring/suggestions.html",
        {
            "person": person,
            "facts": facts,
            "region_label": _region_label(facts.region),
            "rows": rows,
            "is_candidate": is_candidate,
            "open_match": open_match,
            "profile": profile,
            "form": form,
            "measures": selectors.mentoring_measures().filter(goal__plan__person=person),
        },
    )


@login_required
@require_POST
def profile_save(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _coordinator(request)
    person = _readable_person(acting, public_id)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.mentee_profile_save(acting=acting, person=person, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, str(message))
        else:
            messages.success(request, _("The profile was saved."))
    else:
        for field_errors in form.errors.values():
            for field_error in field_errors:
                messages.error(request, str(field_error))
    return redirect("mentoring:suggestions", public_id=person.public_id)


@login_required
@require_POST
def propose(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _coordinator(request)
    person = _readable_person(acting, public_id)
    chosen = request.POST.get("mentor", "")
    mentor = selectors.mentor_pool(acting).filter(public_id=chosen).first() if _is_uuid(chosen) else None
    if mentor is None:
        messages.error(request, _("Choose a mentor from the suggestions."))
        return redirect("mentoring:suggestions", public_id=person.public_id)
    try:
        match = services.match_propose(
            acting=acting, person=person, mentor=mentor, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, str(message))
        return redirect("mentoring:suggestions", public_id=person.public_id)
    messages.success(request, _("The match was proposed."))
    return redirect("mentoring:match", public_id=match.public_id)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
@require_GET
def mentor_suggestions(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    """The persons waiting for a mentor whom this mentor suits best."""
    acting = _coordinator(request)
    volunteer = selectors.mentor_pool(acting).filter(public_id=public_id).first()
    if volunteer is None:
        raise Http404
    [mentor] = selectors.mentor_facts(Volunteer.objects.filter(pk=volunteer.pk))
    ids = list(selectors.candidate_persons(acting).values_list("pk", flat=True))
    ranked = matching.top_mentees(mentor, selectors.mentee_facts(ids).values(), n=SUGGESTIONS)
    persons = Person.objects.in_bulk([r.mentee.person_id for r in ranked])
    rows = [
        {"person": persons[r.mentee.person_id], "score": matching.explain(r.mentee, mentor)} for r in ranked
    ]
    audit_record_listing(
        actor=acting.actor,
        person_ids=[row["person"].public_id for row in rows],  # type: ignore[attr-defined]
        category=policy.IDENTITY.key,
        detail={"purpose": "mentoring suggestions for a mentor"},
    )
    return render(request, "mentoring/mentor.html", {"volunteer": volunteer, "mentor": mentor, "rows": rows})


@login_required
@require_GET
def matches(request: ResocRequest) -> HttpResponse:
    acting = _coordinator(request)
    status = request.GET.get("status", "")
    found = selectors.with_last_meeting(selectors.matches_for(acting))
    if status in MatchStatus.values:
        found = found.filter(status=status)
    ordered = found.order_by("-status_changed_at", "-pk")
    if request.GET.get("format") == "csv":
        return _matches_csv(acting, list(ordered))
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record_listing(
        actor=acting.actor,
        person_ids=[m.person.public_id for m in page.object_list],
        category=policy.IDENTITY.key,
        detail={"purpose": "mentoring matches"},
    )
    return render(
        request, "mentoring/matches.html", {"page": page, "status": status, "statuses": MatchStatus.choices}
    )


def _matches_csv(acting: Acting, rows: list[Match]) -> HttpResponse:
    """The matches as CSV for the NGO's own reporting (semicolons, UTF-8 with BOM for spreadsheets)."""
    audit_record(
        actor=acting.actor,
        action=AuditAction.EXPORT,
        record_type=services.RECORD_TYPE,
        detail={"rows": len(rows), "persons": [str(m.person.public_id) for m in rows]},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mentoring-matches.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Person"),
            _("Mentor"),
            _("Status"),
            _("Started on"),
            _("Last meeting"),
            _("Open concerns"),
            _("Closed on"),
            _("Reason for closing"),
        ]
    )
    for m in rows:
        writer.writerow(
            [
                _safe(m.person.full_name),
                _safe(str(m.mentor)),
                m.get_status_display(),
                m.started_on.strftime("%d.%m.%Y") if m.started_on else "",
                m.last_meeting.strftime("%d.%m.%Y") if m.last_meeting else "",  # type: ignore[attr-defined]
                m.open_concerns,  # type: ignore[attr-defined]
                m.closed_on.strftime("%d.%m.%Y") if m.closed_on else "",
                m.get_closure_reason_display() if m.closure_reason else "",
            ]
        )
    return response


def _safe(text: str) -> str:
    # A cell starting with = + - @ would be run as a formula by a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@login_required
@require_GET
def match_detail(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _coordinator(request)
    match = _match(acting, public_id)
    mentee = selectors.mentee_facts([match.person_id])[match.person_id]
    [mentor] = selectors.mentor_facts(Volunteer.objects.filter(pk=match.mentor_id))
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=match.person.public_id,
        record_type=services.RECORD_TYPE,
    )
    return render(
        request,
        "mentoring/match.html",
        {
            "match": match,
            "score": matching.explain(mentee, mentor),
            "transitions": match.transitions.select_related("by"),
            "meetings": match.meetings.select_related("recorded_by", "concern_resolved_by"),
            "next_statuses": [(s, MatchStatus(s).label) for s in services.TRANSITIONS[match.status]],
            "form": MoveForm(),
            "resolve_form": ResolveForm(),
        },
    )


@login_required
@require_POST
def match_move(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _coordinator(request)
    match = _match(acting, public_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for field_error in field_errors:
                messages.error(request, str(field_error))
        return redirect("mentoring:match", public_id=match.public_id)
    try:
        services.match_transition(acting=acting, match=match, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, str(message))
    else:
        messages.success(
            request, _("The match is now “%(status)s”.") % {"status": match.get_status_display()}
        )
    return redirect("mentoring:match", public_id=match.public_id)


@login_required
@require_http_methods(["POST"])
def concern_resolve(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _coordinator(request)
    meeting = (
        Meeting.objects.select_related("match__person", "match__mentor").filter(public_id=public_id).first()
    )
    if meeting is None:
        raise Http404
    match = _match(acting, meeting.match.public_id)
    form = ResolveForm(request.POST)
    try:
        services.concern_resolve(
            acting=acting,
            meeting=meeting,
            resolution=form.data.get("resolution", "") if form.is_bound else "",
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, str(message))
    else:
        messages.success(request, _("The concern is marked as dealt with."))
    return redirect("mentoring:match", public_id=match.public_id)


@login_required
@require_GET
def monitoring(request: ResocRequest) -> HttpResponse:
    acting = _coordinator(request)
    found = selectors.monitoring(acting)
    audit_record_listing(
        actor=acting.actor,
        person_ids={m.person.public_id for m in found.quiet}
        | {c.match.person.public_id for c in found.concerns},
        category=policy.IDENTITY.key,
        detail={"purpose": "mentoring monitoring"},
    )
    return render(
        request,
        "mentoring/monitoring.html",
        {"quiet": found.quiet, "concerns": found.concerns, "days": selectors.QUIET_AFTER.days},
    )
