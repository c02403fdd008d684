"""/api/v1/volunteer-activities, participations (check-in, check-out) and hours (approve, decline).

Coordinators plan activities and decide hours for their organization; a volunteer checks himself in
and out and claims hours; everyone else is refused (403, or 404 for a record they cannot see).
Hours are never deleted: a declined claim stays with its reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.api.access import not_found
from resoc.api.auth import acting_of
from resoc.api.schemas import Problem
from resoc.organizations.models import Organization, OrganizationType
from resoc.volunteers import activities, selectors, services
from resoc.volunteers.api import volunteer_or_404
from resoc.volunteers.models import Activity, HoursClaim, Participation

router = Router(tags=["volunteer activities and hours"])
_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}


class ActivityIn(Schema):
    organization: str = Field(default="", max_length=40, description="Default: the token's organization.")
    title: str = Field(max_length=200)
    setting: str = Field(max_length=20, description="`prison` or `community`.")
    prison: str = Field(default="", max_length=40, description="The prison's code (prison activities).")
    place: str = Field(default="", max_length=200, description="Where, for a community activity.")
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str = Field(default="", max_length=2000)


class ActivityOut(Schema):
    public_id: uuid.UUID
    organization: str
    title: str
    setting: str
    prison: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str
    cancelled: bool
    cancel_reason: str


class ActivityQuery(Schema):
    upcoming: bool = Field(default=False, description="Only activities not yet ended.")


class ParticipantIn(Schema):
    volunteer: uuid.UUID


class ClaimOut(Schema):
    public_id: uuid.UUID
    participation: uuid.UUID
    volunteer: uuid.UUID
    activity: uuid.UUID
    hours: Decimal
    status: str = Field(description="`claimed`, `approved` or `declined`.")
    claimed_at: dt.datetime
    decided_at: dt.datetime | None
    decline_reason: str


class ParticipationOut(Schema):
    public_id: uuid.UUID
    activity: ActivityOut
    volunteer: uuid.UUID
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    claims: list[ClaimOut]


class ClaimIn(Schema):
    hours: Decimal = Field(ge=Decimal("0.25"), le=Decimal(24), decimal_places=2)


class DeclineIn(Schema):
    reason: str = Field(max_length=2000)


def activity_out(activity: Activity) -> ActivityOut:
    return ActivityOut(
        public_id=activity.public_id,
        organization=activity.organization.code,
        title=activity.title,
        setting=activity.setting,
        prison=activity.prison.code if activity.prison else "",
        place=activity.place,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        description=activity.description,
        cancelled=activity.cancelled_at is not None,
        cancel_reason=activity.cancel_reason,
    )


def claim_out(claim: HoursClaim, participation: Participation) -> ClaimOut:
    return ClaimOut(
        public_id=claim.public_id,
        participation=participation.public_id,
        volunteer=participation.volunteer.public_id,
        activity=participation.activity.public_id,
        hours=claim.hours,
        status=claim.status,
        claimed_at=claim.claimed_at,
        decided_at=claim.decided_at,
        decline_reason=claim.decline_reason,
    )


def participation_out(participation: Participation) -> ParticipationOut:
    return ParticipationOut(
        public_id=participation.public_id,
        activity=activity_out(participation.activity),
        volunteer=participation.volunteer.public_id,
        checked_in_at=participation.checked_in_at,
        checked_out_at=participation.checked_out_at,
        claims=[claim_out(c, participation) for c in participation.claims.all()],
    )


def _managed(acting: Acting) -> list[int]:
    ids = services.managed_organization_ids(acting)
    if not ids:
        raise PermissionDenied
    return ids


@router.get(
    "/volunteer-activities",
    response={200: list[ActivityOut], **_ERRORS},
    summary="Volunteer activities of the organization",
    operation_id="list_volunteer_activities",
)
def list_activities(request: HttpRequest, filters: Query[ActivityQuery]) -> list[ActivityOut]:
    acting = acting_of(request)
    since = timezone.now() if filters.upcoming else None
    found = selectors.activities(organization_ids=_managed(acting), since=since)[:500]
    return [activity_out(a) for a in found]


@router.post(
    "/volunteer-activities",
    response={201: ActivityOut, **_ERRORS},
    summary="Plan a volunteer activity",
    operation_id="create_volunteer_activity",
)
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status[ActivityOut]:
    acting = acting_of(request)
    if payload.organization:
        organization = Organization.objects.filter(code=payload.organization).first()
        if organization is None:
            raise not_found()
    elif acting.membership is not None:
        organization = acting.membership.organization
    else:
        raise PermissionDenied
    prison = None
    if payload.setting == "prison":
        prison = Organization.objects.filter(code=payload.prison, type=OrganizationType.PRISON).first()
        if prison is None:
            raise ValidationError({"prison": [_("Choose the prison where the activity takes place.")]})
    activity = activities.activity_create(
        acting=acting,
        organization=organization,
        title=payload.title,
        setting=payload.setting,
        prison=prison,
        place=payload.place,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        description=payload.description,
    )
    return Status(201, activity_out(activity))


def _activity(acting: Acting, public_id: uuid.UUID) -> Activity:
    activity = Activity.objects.select_related("organization", "prison").filter(public_id=public_id).first()
    if activity is None or not services.can_manage(acting, activity.organization):
        raise not_found()
    return activity


@router.post(
    "/volunteer-activities/{public_id}/participants",
    response={201: ParticipationOut, **_ERRORS},
    summary="Add a volunteer to an activity",
    operation_id="add_activity_participant",
)
def add_participant(
    request: HttpRequest, public_id: uuid.UUID, payload: ParticipantIn
) -> Status[ParticipationOut]:
    """Refused (422) with every reason: status, background check, training, access to THAT prison, and
    for an NGO a cooperation agreement in force covering the prison, each on the activity's day."""
    acting = acting_of(request)
    activity = _activity(acting, public_id)
    volunteer = volunteer_or_404(acting, payload.volunteer)
    participation = activities.participation_add(acting=acting, activity=activity, volunteer=volunteer)
    return Status(201, participation_out(_participation_of(participation.public_id)))


class CancelIn(Schema):
    reason: str = Field(max_length=300)


@router.post(
    "/volunteer-activities/{public_id}/cancel",
    response={200: ActivityOut, **_ERRORS},
    summary="Cancel an activity",
    operation_id="cancel_volunteer_activity",
)
def cancel_activity(request: HttpRequest, public_id: uuid.UUID, payload: CancelIn) -> ActivityOut:
    """Nobody checks in to a cancelled activity; a reason is required; an ended one cannot be cancelled."""
    acting = acting_of(request)
    activity = activities.activity_cancel(
        acting=acting, activity=_activity(acting, public_id), reason=payload.reason
    )
    return activity_out(activity)


def _participation_of(public_id: uuid.UUID) -> Participation:
    found = (
        Participation.objects.select_related(
            "activity__organization", "activity__prison", "volunteer__organization"
        )
        .prefetch_related("claims")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise not_found()
    return found


def _visible_participation(acting: Acting, public_id: uuid.UUID) -> Participation:
    participation = _participation_of(public_id)
    if not (
        services.is_self(acting, participation.volunteer)
        or services.can_manage(acting, participation.activity.organization)
    ):
        raise not_found()
    return participation


@router.get(
    "/volunteers/{public_id}/participations",
    response={200: list[ParticipationOut], **_ERRORS},
    summary="A volunteer's activities with check-in times and hours",
    operation_id="list_volunteer_participations",
)
def list_participations(request: HttpRequest, public_id: uuid.UUID) -> list[ParticipationOut]:
    acting = acting_of(request)
    volunteer = volunteer_or_404(acting, public_id)
    found = (
        Participation.objects.filter(volunteer=volunteer)
        .select_related("activity__organization", "activity__prison", "volunteer")
        .prefetch_related("claims")
        .order_by("-activity__starts_at", "-pk")
    )
    return [participation_out(p) for p in found]


@router.post(
    "/volunteer-participations/{public_id}/check-in",
    response={200: ParticipationOut, **_ERRORS},
    summary="Check in to an activity",
    operation_id="check_in",
)
def check_in(request: HttpRequest, public_id: uuid.UUID) -> ParticipationOut:
    """Checked again on the day: an approval that has expired since keeps the volunteer out (422)."""
    acting = acting_of(request)
    participation = _visible_participation(acting, public_id)
    activities.check_in(acting=acting, participation=participation)
    return participation_out(_participation_of(public_id))


@router.post(
    "/volunteer-participations/{public_id}/check-out",
    response={200: ParticipationOut, **_ERRORS},
    summary="Check out of an activity (claims the hours)",
    operation_id="check_out",
)
def check_out(request: HttpRequest, public_id: uuid.UUID) -> ParticipationOut:
    acting = acting_of(request)
    participation = _visible_participation(acting, public_id)
    activities.check_out(acting=acting, participation=participation)
    return participation_out(_participation_of(public_id))


@router.post(
    "/volunteer-participations/{public_id}/hours",
    response={201: ClaimOut, **_ERRORS},
    summary="Claim hours again after a decline",
    operation_id="claim_hours",
)
def claim_hours(request: HttpRequest, public_id: uuid.UUID, payload: ClaimIn) -> Status[ClaimOut]:
    acting = acting_of(request)
    participation = _visible_participation(acting, public_id)
    claim = activities.hours_claim(acting=acting, participation=participation, hours=payload.hours)
    return Status(201, claim_out(claim, participation))


@router.get(
    "/volunteer-hours",
    response={200: list[ClaimOut], **_ERRORS},
    summary="Hours waiting for a coordinator's decision",
    operation_id="list_hours_waiting",
)
def list_hours(request: HttpRequest) -> list[ClaimOut]:
    acting = acting_of(request)
    found = selectors.hours_waiting(organization_ids=_managed(acting)).select_related(
        "participation__activity__organization"
    )[:500]
    return [claim_out(c, c.participation) for c in found]


def _claim(acting: Acting, public_id: uuid.UUID) -> HoursClaim:
    claim = (
        HoursClaim.objects.select_related(
            "participation__activity__organization",
            "participation__volunteer",
            "participation__activity__prison",
        )
        .filter(public_id=public_id)
        .first()
    )
    if claim is None:
        raise not_found()
    activity = claim.participation.activity
    if not services.can_manage(acting, activity.organization):
        if acting.role == Role.VOLUNTEER and services.is_self(acting, claim.participation.volunteer):
            raise PermissionDenied  # his own hours: he sees them, but may not decide them
        raise not_found()
    return claim


@router.post(
    "/volunteer-hours/{public_id}/approve",
    response={200: ClaimOut, **_ERRORS},
    summary="Approve claimed hours",
    operation_id="approve_hours",
)
def approve_hours(request: HttpRequest, public_id: uuid.UUID) -> ClaimOut:
    """Decided once: a second decision answers 422."""
    acting = acting_of(request)
    claim = activities.hours_approve(acting=acting, claim=_claim(acting, public_id))
    return claim_out(claim, claim.participation)


@router.post(
    "/volunteer-hours/{public_id}/decline",
    response={200: ClaimOut, **_ERRORS},
    summary="Decline claimed hours (with a reason; never deleted)",
    operation_id="decline_hours",
)
def decline_hours(request: HttpRequest, public_id: uuid.UUID, payload: DeclineIn) -> ClaimOut:
    acting = acting_of(request)
    claim = activities.hours_decline(acting=acting, claim=_claim(acting, public_id), reason=payload.reason)
    return claim_out(claim, claim.participation)
