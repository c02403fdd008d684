"""/api/v1/matches (list, detail, propose, transitions as actions, meetings) and
/api/v1/mentees/{id}/suggestions and /profile, under the same rules as the pages.

A coordinator (NGO coordinator or probation officer) works the matches of his organization's
mentors for persons he may read; a mentor reads only his own running matches whose person
consented to share with him. Anything else answers 404 like an unknown id, audited.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.api.access import not_found, readable_person
from resoc.api.auth import acting_of
from resoc.api.schemas import Problem
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record_listing
from resoc.mentoring import matching, selectors, services
from resoc.mentoring.models import RELATED_STATUSES, Match, MatchStatus, Meeting
from resoc.volunteers.models import Volunteer

router = Router(tags=["peer mentoring"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
MAX_PAGE = 200


class ReasonOut(Schema):
    key: str = Field(
        description="`region`, `language`, `sex`, `age`, `interests`, `lived_experience` or `capacity`."
    )
    points: int
    text: str = Field(description="The reason in the request's language.")
    blocking: bool = Field(description="A hard filter: the pair is not suggested.")


class MatchOut(Schema):
    public_id: uuid.UUID
    person: uuid.UUID
    name: str
    mentor: uuid.UUID
    mentor_name: str
    organization: str = Field(description="Code of the mentor's organization.")
    status: str = Field(description="`proposed`, `initiated`, `active`, `closing` or `closed`.")
    score: int = Field(description="The score when the match was proposed.")
    proposed_at: dt.datetime
    started_on: dt.date | None
    closed_on: dt.date | None
    closure_reason: str
    rematch: bool | None


class TransitionOut(Schema):
    from_status: str
    to_status: str
    note: str
    at: dt.datetime


class MatchDetailOut(MatchOut):
    reasons: list[ReasonOut] = Field(description="Why they fit, from today's facts.")
    history: list[TransitionOut]


class MatchQuery(Schema):
    status: str | None = Field(default=None, max_length=20)
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


class ProposeIn(Schema):
    person: uuid.UUID
    mentor: uuid.UUID = Field(description="The volunteer's public id.")
    note: str = Field(default="", max_length=500)


class NoteIn(Schema):
    note: str = Field(default="", max_length=500)


class CloseIn(Schema):
    closure_reason: str = Field(description="One of the closure reasons, e.g. `goals_reached`, `declined`.")
    rematch: bool = Field(description="Look for another mentor for the person.")
    note: str = Field(default="", max_length=500)


class MeetingIn(Schema):
    held_on: dt.date
    place: str = Field(max_length=200)
    minutes: int
    topics: str = Field(max_length=2000)
    concerns: str = Field(default="", max_length=2000)
    flag_concern: bool = False


class MeetingOut(Schema):
    public_id: uuid.UUID
    held_on: dt.date
    place: str
    minutes: int
    topics: str
    concerns: str
    concern_flagged: bool
    concern_open: bool


class SuggestionOut(Schema):
    mentor: uuid.UUID
    name: str
    points: int
    free_places: int
    reasons: list[ReasonOut]


class ProfileIn(Schema):
    region: str = Field(default="", max_length=20)
    mentor_sex: str = Field(default="", max_length=10, description="`female`, `male` or empty.")
    interests: str = Field(default="", max_length=300)
    wants_lived_experience: bool = False
    refer: bool = Field(default=False, description="Put the person forward for a mentor.")


def _reasons(score: matching.Score) -> list[ReasonOut]:
    return [ReasonOut(key=r.key, points=r.points, text=r.text, blocking=r.blocking) for r in score.reasons]


def _out(match: Match) -> MatchOut:
    return MatchOut(
        public_id=match.public_id,
        person=match.person.public_id,
        name=match.person.full_name,
        mentor=match.mentor.public_id,
        mentor_name=str(match.mentor),
        organization=match.organization.code,
        status=match.status,
        score=match.score,
        proposed_at=match.proposed_at,
        started_on=match.started_on,
        closed_on=match.closed_on,
        closure_reason=match.closure_reason,
        rematch=match.rematch,
    )


def _visible_matches(acting: Acting) -> QuerySet[Match]:
    found = selectors.matches_for(acting)
    if acting.role == Role.VOLUNTEER:
        found = found.filter(status__in=RELATED_STATUSES, person__in=policy.visible_persons(acting))
    return found


def _match(acting: Acting, public_id: uuid.UUID) -> Match:
    match = _visible_matches(acting).filter(public_id=public_id).first()
    if match is None:
        audit_person(
            actor=acting.actor,
            action=AuditAction.DENIED,
            person_id=public_id,
            record_type=services.RECORD_TYPE,
        )
        raise not_found()
    return match


def _coordinated(acting: Acting, public_id: uuid.UUID) -> Match:
    match = _match(acting, public_id)
    if not services.can_coordinate_match(acting, match) and not services.is_matched_mentor(acting, match):
        raise PermissionDenied
    return match


@router.get(
    "/matches",
    response={200: list[MatchOut], **_ERRORS},
    summary="Mentoring matches: a coordinator's organization's, or a mentor's own",
    operation_id="list_matches",
)
def list_matches(request: HttpRequest, query: Query[MatchQuery]) -> list[MatchOut]:
    acting = acting_of(request)
    if not selectors.can_coordinate(acting) and acting.role != Role.VOLUNTEER:
        raise PermissionDenied
    found = _visible_matches(acting)
    if query.status:
        found = found.filter(status=query.status)
    rows = list(found.order_by("-status_changed_at", "-pk")[query.offset : query.offset + query.limit])
    audit_record_listing(
        actor=acting.actor,
        person_ids=[m.person.public_id for m in rows],
        category=policy.IDENTITY.key,
        detail={"purpose": "mentoring matches"},
    )
    return [_out(m) for m in rows]


@router.get(
    "/matches/{public_id}",
    response={200: MatchDetailOut, **_ERRORS},
    summary="One match with the reasons and its history",
    operation_id="get_match",
)
def get_match(request: HttpRequest, public_id: uuid.UUID) -> MatchDetailOut:
    acting = acting_of(request)
    match = _match(acting, public_id)
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=match.person.public_id,
        record_type=services.RECORD_TYPE,
    )
    mentee = selectors.mentee_facts([match.person_id])[match.person_id]
    [mentor] = selectors.mentor_facts(Volunteer.objects.filter(pk=match.mentor_id))
    return MatchDetailOut(
        **_out(match).dict(),
        reasons=_reasons(matching.explain(mentee, mentor)),
        history=[
            TransitionOut(from_status=t.from_status, to_status=t.to_status, note=t.note, at=t.at)
            for t in match.transitions.all()
        ],
    )


@router.post(
    "/matches",
    response={201: MatchOut, **_ERRORS},
    summary="Propose a mentor for a person (the mentor's free places are counted under a lock)",
    operation_id="propose_match",
)
def propose_match(request: HttpRequest, payload: ProposeIn) -> Status[MatchOut]:
    acting = acting_of(request)
    if not selectors.can_coordinate(acting):
        raise PermissionDenied
    person = readable_person(acting, payload.person, policy.IDENTITY.key)
    mentor = selectors.mentor_pool(acting).filter(public_id=payload.mentor).first()
    if mentor is None:
        raise not_found()
    match = services.match_propose(acting=acting, person=person, mentor=mentor, note=payload.note)
    return Status(201, _out(selectors.match_queryset().get(pk=match.pk)))


def _move(request: HttpRequest, public_id: uuid.UUID, to_status: str, **fields: object) -> MatchOut:
    acting = acting_of(request)
    match = _coordinated(acting, public_id)
    services.match_transition(acting=acting, match=match, to_status=to_status, **fields)  # type: ignore[arg-type]
    return _out(selectors.match_queryset().get(pk=match.pk))


@router.post(
    "/matches/{public_id}/initiate",
    response={200: MatchOut, **_ERRORS},
    operation_id="initiate_match",
    summary="The mentor and the person are introduced: the mentor's access opens",
)
def initiate_match(request: HttpRequest, public_id: uuid.UUID, payload: NoteIn) -> MatchOut:
    return _move(request, public_id, MatchStatus.INITIATED, note=payload.note)


@router.post(
    "/matches/{public_id}/activate",
    response={200: MatchOut, **_ERRORS},
    operation_id="activate_match",
    summary="The mentoring is under way",
)
def activate_match(request: HttpRequest, public_id: uuid.UUID, payload: NoteIn) -> MatchOut:
    return _move(request, public_id, MatchStatus.ACTIVE, note=payload.note)


@router.post(
    "/matches/{public_id}/begin-closing",
    response={200: MatchOut, **_ERRORS},
    operation_id="begin_closing_match",
    summary="The mentoring is coming to an end (the mentor may say so too)",
)
def begin_closing_match(request: HttpRequest, public_id: uuid.UUID, payload: NoteIn) -> MatchOut:
    return _move(request, public_id, MatchStatus.CLOSING, note=payload.note)


@router.post(
    "/matches/{public_id}/close",
    response={200: MatchOut, **_ERRORS},
    operation_id="close_match",
    summary="Close with a reason and whether to look for another mentor; the mentor's access ends",
)
def close_match(request: HttpRequest, public_id: uuid.UUID, payload: CloseIn) -> MatchOut:
    return _move(
        request,
        public_id,
        MatchStatus.CLOSED,
        note=payload.note,
        closure_reason=payload.closure_reason,
        rematch=payload.rematch,
    )


def _meeting_out(meeting: Meeting) -> MeetingOut:
    return MeetingOut(
        public_id=meeting.public_id,
        held_on=meeting.held_on,
        place=meeting.place,
        minutes=meeting.minutes,
        topics=meeting.topics,
        concerns=meeting.concerns,
        concern_flagged=meeting.concern_flagged,
        concern_open=meeting.concern_open,
    )


@router.get(
    "/matches/{public_id}/meetings",
    response={200: list[MeetingOut], **_ERRORS},
    operation_id="list_match_meetings",
    summary="The meetings of a match, latest first",
)
def list_meetings(request: HttpRequest, public_id: uuid.UUID) -> list[MeetingOut]:
    acting = acting_of(request)
    match = _coordinated(acting, public_id)
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=match.person.public_id,
        record_type="mentoring_meeting",
    )
    return [_meeting_out(m) for m in match.meetings.all()]


@router.post(
    "/matches/{public_id}/meetings",
    response={201: MeetingOut, **_ERRORS},
    operation_id="log_match_meeting",
    summary="The mentor logs a meeting (a concern may be flagged)",
)
def log_meeting(request: HttpRequest, public_id: uuid.UUID, payload: MeetingIn) -> Status[MeetingOut]:
    acting = acting_of(request)
    match = _match(acting, public_id)
    meeting = services.meeting_log(acting=acting, match=match, **payload.dict())
    return Status(201, _meeting_out(meeting))


@router.get(
    "/mentees/{public_id}/suggestions",
    response={200: list[SuggestionOut], **_ERRORS},
    operation_id="mentee_suggestions",
    summary="The best mentors for a person waiting for one, with reasons",
)
def mentee_suggestions(request: HttpRequest, public_id: uuid.UUID, limit: int = 10) -> list[SuggestionOut]:
    acting = acting_of(request)
    if not selectors.can_coordinate(acting):
        raise PermissionDenied
    person = readable_person(acting, public_id, policy.IDENTITY.key)
    if not selectors.is_candidate(acting, person):
        return []
    facts = selectors.mentee_facts([person.pk])[person.pk]
    ranked = matching.top_mentors(
        facts, selectors.mentor_facts(selectors.mentor_pool(acting)), n=max(1, min(limit, 50))
    )
    volunteers = Volunteer.objects.in_bulk([r.mentor.volunteer_id for r in ranked])
    audit_person(
        actor=acting.actor, action=AuditAction.VIEW, person_id=person.public_id, record_type="mentee"
    )
    return [
        SuggestionOut(
            mentor=volunteers[r.mentor.volunteer_id].public_id,
            name=str(volunteers[r.mentor.volunteer_id]),
            points=r.points,
            free_places=r.mentor.free_places,
            reasons=_reasons(matching.explain(facts, r.mentor)),
        )
        for r in ranked
    ]


@router.put(
    "/mentees/{public_id}/profile",
    response={200: ProfileIn, **_ERRORS},
    operation_id="put_mentee_profile",
    summary="What the person told the coordinator; `refer` puts him forward",
)
def put_profile(request: HttpRequest, public_id: uuid.UUID, payload: ProfileIn) -> ProfileIn:
    acting = acting_of(request)
    person = readable_person(acting, public_id, policy.IDENTITY.key)
    profile = services.mentee_profile_save(acting=acting, person=person, **payload.dict())
    return ProfileIn(
        region=profile.region,
        mentor_sex=profile.mentor_sex,
        interests=profile.interests,
        wants_lived_experience=profile.wants_lived_experience,
        refer=profile.referred_on is not None,
    )
