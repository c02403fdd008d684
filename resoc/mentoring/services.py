"""Every change of a mentoring match goes through these functions: web pages and API alike.

Each checks who acts, validates before writing, and writes the change, its history row, the
timeline event and the audit entry in one transaction. The mentor's row is locked while his free
places are counted, so two coordinators proposing his last place at once cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person
from resoc.mentoring import matching, selectors
from resoc.mentoring.events import match_event
from resoc.mentoring.models import (
    OPEN_STATUSES,
    RELATED_STATUSES,
    ClosureReason,
    Match,
    MatchStatus,
    MatchTransition,
    Meeting,
    MenteeProfile,
    SexPreference,
)
from resoc.organizations.models import Region
from resoc.people.models import Person, Relationship, plain_text_validator
from resoc.volunteers.models import Volunteer
from resoc.volunteers.selectors import available_mentors

RECORD_TYPE = "mentoring_match"
RELATIONSHIP_SOURCE = "mentoring"
# Where a match may go from each status (MENTOR: matching and initiating, monitoring, closure).
TRANSITIONS: dict[str, frozenset[str]] = {
    MatchStatus.PROPOSED: frozenset({MatchStatus.INITIATED, MatchStatus.CLOSED}),
    MatchStatus.INITIATED: frozenset({MatchStatus.ACTIVE, MatchStatus.CLOSING}),
    MatchStatus.ACTIVE: frozenset({MatchStatus.CLOSING}),
    MatchStatus.CLOSING: frozenset({MatchStatus.CLOSED}),
    MatchStatus.CLOSED: frozenset(),
}
# The mentor himself may only say that the match is coming to an end.
MENTOR_TRANSITIONS = frozenset({(MatchStatus.ACTIVE, MatchStatus.CLOSING)})
MAX_MEETING_MINUTES = 12 * 60
NOTE_MAX = 500


def _today() -> dt.date:
    return timezone.localdate()


def _audit(acting: Acting, action: AuditAction, match: Match, **detail: Any) -> None:
    audit_person(
        actor=acting.actor,
        action=action,
        person_id=match.person.public_id,
        category=policy.IDENTITY.key,
        record_type=RECORD_TYPE,
        detail={"match": str(match.public_id), **detail},
    )


def _plain(field: str, value: str, *, required: bool, max_length: int, errors: dict[str, list[str]]) -> str:
    value = value.strip()
    if required and not value:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(value) > max_length:
        errors.setdefault(field, []).append(
            _("Ensure this value has at most %(limit)s characters.") % {"limit": max_length}
        )
    try:
        plain_text_validator(value)
    except ValidationError as error:
        errors.setdefault(field, []).extend(str(m) for m in error.messages)
    return value


def can_coordinate_match(acting: Acting, match: Match) -> bool:
    """A coordinator of the match's organization (or one above it) who may read the person."""
    return (
        selectors.can_coordinate(acting)
        and match.organization_id in acting.scope_organization_ids
        and bool(policy.can_read(acting, match.person, policy.IDENTITY.key))
    )


def is_matched_mentor(acting: Acting, match: Match) -> bool:
    return acting.role == Role.VOLUNTEER and match.mentor.user_id == acting.user.pk


# --- the mentee's profile ------------------------------------------------------------------------


def mentee_profile_save(
    *,
    acting: Acting,
    person: Person,
    region: str = "",
    mentor_sex: str = "",
    interests: str = "",
    wants_lived_experience: bool = False,
    refer: bool = False,
) -> MenteeProfile:
    """Record what the person told the coordinator; ``refer`` puts him forward for a mentor."""
    if not selectors.can_coordinate(acting) or not policy.can_read(acting, person, policy.IDENTITY.key):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if region and region not in Region.values:
        errors["region"] = [_("Select one of the regions.")]
    if mentor_sex not in SexPreference.values:
        errors["mentor_sex"] = [_("Select a preference from the list.")]
    interests = _plain("interests", interests, required=False, max_length=300, errors=errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, created = MenteeProfile.objects.select_for_update().get_or_create(person=person)
        profile.region = region
        profile.mentor_sex = mentor_sex
        profile.interests = ", ".join(sorted(matching.words(interests)))
        profile.wants_lived_experience = wants_lived_experience
        if refer:
            profile.referred_by = acting.user
            profile.referred_organization_id = acting.organization_id
            profile.referred_on = _today()
        profile.save()
        audit_person(
            actor=acting.actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            person_id=person.public_id,
            record_type="mentee_profile",
            detail={"referred": refer},
        )
    return profile


# --- proposing and moving a match ------------------------------------------------------------------


def match_propose(*, acting: Acting, person: Person, mentor: Volunteer, note: str = "") -> Match:
    """Propose ``mentor`` for ``person``: refused when the mentor's places are taken (counted under a
    lock), the person already has an open match, or the person has not asked for a mentor."""
    if (
        not selectors.can_coordinate(acting)
        or mentor.organization_id not in acting.scope_organization_ids
        or not policy.can_read(acting, person, policy.IDENTITY.key)
    ):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    note = _plain("note", note, required=False, max_length=NOTE_MAX, errors=errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The lock serialises proposals for the same mentor: the count below is then the truth.
        locked = Volunteer.objects.select_for_update().get(pk=mentor.pk)
        if not available_mentors(on=_today()).filter(pk=locked.pk).exists():
            raise ValidationError(_("This mentor is not available for new mentees."), code="unavailable")
        taken = Match.objects.filter(mentor=locked, status__in=OPEN_STATUSES).count()
        if taken >= locked.capacity:
            raise ValidationError(
                _("%(mentor)s has no free place: all %(capacity)s are taken.")
                % {"mentor": str(locked), "capacity": locked.capacity},
                code="capacity",
            )
        if Match.objects.filter(person=person, status__in=OPEN_STATUSES).exists():
            raise ValidationError(_("This person already has an open mentoring match."), code="open_match")
        if not selectors.is_candidate(acting, person):
            raise ValidationError(
                _(
                    "This person has not asked for a peer mentor: no plan measure asks for one and no coordinator has put him forward."
                ),
                code="not_candidate",
            )
        mentee = selectors.mentee_facts([person.pk])[person.pk]
        [mentor_facts] = selectors.mentor_facts(Volunteer.objects.filter(pk=locked.pk))
        score = matching.explain(mentee, mentor_facts)
        try:
            with transaction.atomic():
                match = Match.objects.create(
                    person=person,
                    mentor=locked,
                    organization_id=locked.organization_id,
                    score=score.points,
                    score_reasons=[{"key": r.key, "points": r.points} for r in score.reasons],
                    proposed_by=acting.user,
                )
        except IntegrityError as error:
            # Another coordinator proposed a mentor for the same person a moment earlier.
            raise ValidationError(
                _("This person already has an open mentoring match."), code="open_match"
            ) from error
        MatchTransition.objects.create(match=match, to_status=MatchStatus.PROPOSED, note=note, by=acting.user)
        match_event(match=match, acting=acting, type="mentoring_proposed")
        _audit(acting, AuditAction.CREATE, match, mentor=str(locked.public_id), score=score.points)
    return match


def _refuse_move(match: Match, to_status: str) -> ValidationError:
    return ValidationError(
        _("A match that is “%(current)s” cannot become “%(target)s”.")
        % {"current": MatchStatus(match.status).label, "target": MatchStatus(to_status).label},
        code="out_of_order",
    )


def _open_relationship(match: Match, on: dt.date) -> None:
    if match.mentor.user_id is None:
        raise ValidationError(_("The mentor has no user account yet."), code="no_account")
    match.relationship = Relationship.objects.create(
        person=match.person,
        organization_id=match.mentor.organization_id,
        kind="mentoring",
        mentor_id=match.mentor.user_id,
        starts_on=on,
        source=RELATIONSHIP_SOURCE,
    )


def _end_relationship(match: Match, on: dt.date) -> None:
    relationship = match.relationship
    if relationship is None:
        return
    if relationship.starts_on >= on:
        # Opened today: it never served a past day, and an end before its start would be nonsense.
        match.relationship = None
        match.save(update_fields=["relationship"])
        relationship.delete()
        return
    # Access stops at once: the last day the mentor reads the person is the day before the closure.
    relationship.ends_on = on - dt.timedelta(days=1)
    relationship.save(update_fields=["ends_on"])


def match_transition(
    *,
    acting: Acting,
    match: Match,
    to_status: str,
    note: str = "",
    closure_reason: str = "",
    rematch: bool | None = None,
) -> Match:
    """Move ``match`` to ``to_status`` (see ``TRANSITIONS``); closing needs a reason and whether to
    look for another mentor."""
    if to_status not in MatchStatus.values:
        raise ValidationError({"to_status": [_("Select one of the statuses.")]})
    errors: dict[str, list[str]] = {}
    note = _plain("note", note, required=False, max_length=NOTE_MAX, errors=errors)
    if to_status == MatchStatus.CLOSED:
        if closure_reason not in ClosureReason.values:
            errors["closure_reason"] = [_("Say why the match is closed.")]
        if rematch is None:
            errors["rematch"] = [_("Say whether to look for another mentor.")]
    with transaction.atomic():
        locked = Match.objects.select_for_update().get(pk=match.pk)
        match.refresh_from_db()
        current = locked.status
        coordinator = can_coordinate_match(acting, match)
        if not coordinator and not (
            is_matched_mentor(acting, match) and (current, to_status) in MENTOR_TRANSITIONS
        ):
            raise PermissionDenied
        if to_status not in TRANSITIONS[current]:
            raise _refuse_move(match, to_status)
        if errors:
            raise ValidationError(errors)
        today = _today()
        if to_status == MatchStatus.INITIATED:
            if not available_mentors(on=today).filter(pk=match.mentor_id).exists():
                raise ValidationError(_("This mentor is not available for new mentees."), code="unavailable")
            _open_relationship(match, today)
            match.started_on = today
        if to_status == MatchStatus.CLOSED:
            _end_relationship(match, today)
            match.closed_on = today
            match.closure_reason = closure_reason
            match.closure_note = note
            match.rematch = rematch
        match.status = to_status
        match.status_changed_at = timezone.now()
        match.save()
        MatchTransition.objects.create(
            match=match, from_status=current, to_status=to_status, note=note, by=acting.user
        )
        match_event(match=match, acting=acting, type="mentoring_status_changed", previous=current)
        _audit(acting, AuditAction.UPDATE, match, previous=current, status=to_status)
    return match


# --- meetings ----------------------------------------------------------------------------------------


def meeting_log(
    *,
    acting: Acting,
    match: Match,
    held_on: dt.date | None,
    place: str,
    minutes: int | None,
    topics: str,
    concerns: str = "",
    flag_concern: bool = False,
) -> Meeting:
    """The mentor logs a meeting with his mentee; a flagged concern goes to the coordinator."""
    if not is_matched_mentor(acting, match) or not policy.can_read(acting, match.person, policy.IDENTITY.key):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    today = _today()
    if held_on is None:
        errors["held_on"] = [_("Enter the date of the meeting.")]
    elif held_on > today:
        errors["held_on"] = [_("A meeting cannot be logged before it takes place.")]
    elif match.started_on and held_on < match.started_on:
        errors["held_on"] = [
            _("The match began on %(date)s: the meeting cannot be earlier.")
            % {"date": match.started_on.strftime("%d.%m.%Y")}
        ]
    if minutes is None or not 1 <= minutes <= MAX_MEETING_MINUTES:
        errors["minutes"] = [
            _("Enter the duration in minutes, from 1 to %(max)s.") % {"max": MAX_MEETING_MINUTES}
        ]
    place = _plain("place", place, required=True, max_length=200, errors=errors)
    topics = _plain("topics", topics, required=True, max_length=2000, errors=errors)
    concerns = _plain("concerns", concerns, required=False, max_length=2000, errors=errors)
    if flag_concern and not concerns:
        errors.setdefault("concerns", []).append(_("Describe the concern you want the coordinator to know."))
    with transaction.atomic():
        locked = Match.objects.select_for_update().get(pk=match.pk)
        if locked.status not in RELATED_STATUSES:
            raise ValidationError(
                _("Meetings can be logged only while the match is initiated, active or closing."),
                code="not_running",
            )
        if errors:
            raise ValidationError(errors)
        assert held_on is not None
        assert minutes is not None
        meeting = Meeting.objects.create(
            match=locked,
            held_on=held_on,
            place=place,
            minutes=minutes,
            topics=topics,
            concerns=concerns,
            concern_flagged=flag_concern,
            recorded_by=acting.user,
        )
        _audit(acting, AuditAction.CREATE, match, meeting=str(meeting.public_id), concern=flag_concern)
    return meeting


def concern_resolve(*, acting: Acting, meeting: Meeting, resolution: str) -> Meeting:
    """The coordinator records how a flagged concern was dealt with."""
    if not can_coordinate_match(acting, meeting.match):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    resolution = _plain("resolution", resolution, required=True, max_length=NOTE_MAX, errors=errors)
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked.concern_open:
            raise ValidationError(_("This concern has already been dealt with."), code="resolved")
        if errors:
            raise ValidationError(errors)
        locked.concern_resolved_at = timezone.now()
        locked.concern_resolved_by = acting.user
        locked.concern_resolution = resolution
        locked.save(update_fields=["concern_resolved_at", "concern_resolved_by", "concern_resolution"])
        _audit(acting, AuditAction.UPDATE, meeting.match, meeting=str(meeting.public_id), concern="resolved")
    return locked
