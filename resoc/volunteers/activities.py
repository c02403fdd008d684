"""Activities, check-in and check-out, and hours: planned by coordinators, attended by volunteers.

A volunteer may be added to an activity, and may check in, only if on that day they are approved or
active, their background check and training are in force and, for a prison, their access approval
for THAT prison is in force and (for an NGO) a cooperation agreement in force covers the prison.
Hours are claimed at check-out and approved or declined (with a reason) by a coordinator, never
deleted.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access.context import Acting
from resoc.audit.models import AuditAction
from resoc.community.selectors import needs_agreement, prison_access_in_force
from resoc.organizations.models import Organization, OrganizationType
from resoc.volunteers import rules
from resoc.volunteers.models import (
    Activity,
    ActivitySetting,
    HoursClaim,
    HoursStatus,
    Participation,
    Qualification,
    Volunteer,
)
from resoc.volunteers.services import audit_volunteer, can_manage, is_self, require_manager

# A volunteer may check in from this long before the start (they queue at the prison gate).
CHECK_IN_EARLY = dt.timedelta(hours=1)
QUARTER = Decimal("0.25")


def activity_create(
    *,
    acting: Acting,
    organization: Organization,
    title: str,
    setting: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    prison: Organization | None = None,
    place: str = "",
    description: str = "",
) -> Activity:
    require_manager(acting, organization)
    errors: dict[str, list[str]] = {}
    if setting == ActivitySetting.PRISON:
        if prison is None or prison.type != OrganizationType.PRISON:
            errors["prison"] = [_("Choose the prison where the activity takes place.")]
    elif setting == ActivitySetting.COMMUNITY:
        prison = None
        if not place.strip():
            errors["place"] = [_("Say where the activity takes place.")]
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The end must be after the start.")]
    activity = Activity(
        organization=organization,
        title=title.strip(),
        setting=setting,
        prison=prison,
        place=place.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        description=description.strip(),
        created_by=acting.user,
    )
    try:
        activity.full_clean(exclude=["organization", "prison", "created_by"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        activity.save()
    return activity


def activity_day(activity: Activity) -> dt.date:
    return timezone.localdate(activity.starts_at)


def refusals_for(volunteer: Volunteer, activity: Activity, on: dt.date) -> list[rules.Refusal]:
    """Why ``volunteer`` may not take part in ``activity`` on ``on`` (empty: may). Three queries at most."""
    facts = [
        rules.QualificationFact(q.kind, q.prison_id, q.valid_from, q.valid_until)
        for q in Qualification.objects.filter(volunteer=volunteer)
    ]
    prison = activity.prison if activity.setting == ActivitySetting.PRISON else None
    agreement_needed = prison is not None and needs_agreement(volunteer.organization)
    return rules.activity_refusals(
        status=volunteer.status,
        qualifications=facts,
        on=on,
        prison_id=prison.pk if prison else None,
        prison_name=str(prison) if prison else "",
        agreement_needed=agreement_needed,
        agreement_in_force=(
            prison_access_in_force(organization=volunteer.organization, prison=prison, on=on)
            if agreement_needed and prison is not None
            else True
        ),
    )


def _refuse(refusals: list[rules.Refusal]) -> None:
    if refusals:
        raise ValidationError({"volunteer": [r.message for r in refusals]}, code="not_qualified")


def participation_add(*, acting: Acting, activity: Activity, volunteer: Volunteer) -> Participation:
    """Put ``volunteer`` on ``activity``: refused with every reason that stops them on its day."""
    require_manager(acting, activity.organization)
    if volunteer.organization_id != activity.organization_id:
        raise ValidationError({"volunteer": [_("The volunteer belongs to another organization.")]})
    if activity.cancelled_at is not None:
        raise ValidationError({"activity": [_("The activity is cancelled.")]})
    _refuse(refusals_for(volunteer, activity, activity_day(activity)))
    try:
        with transaction.atomic():
            participation = Participation.objects.create(
                activity=activity, volunteer=volunteer, added_by=acting.user
            )
            audit_volunteer(
                acting, AuditAction.UPDATE, volunteer, activity=str(activity.public_id), added=True
            )
    except IntegrityError as error:
        raise ValidationError(
            {"volunteer": [_("The volunteer already takes part in this activity.")]}
        ) from error
    return participation


def _may_act_for(acting: Acting, participation: Participation) -> bool:
    return is_self(acting, participation.volunteer) or can_manage(acting, participation.activity.organization)


def check_in(*, acting: Acting, participation: Participation, at: dt.datetime | None = None) -> Participation:
    """The volunteer arrives. Checked again on the day: an approval that expired since the volunteer
    was added, a suspension, or an agreement that ended keeps them out."""
    if not _may_act_for(acting, participation):
        raise PermissionDenied
    at = at or timezone.now()
    with transaction.atomic():
        locked = (
            Participation.objects.select_for_update(of=("self",))
            .select_related("activity__prison", "activity__organization", "volunteer__organization")
            .get(pk=participation.pk)
        )
        activity = locked.activity
        if activity.cancelled_at is not None:
            raise ValidationError({"activity": [_("The activity is cancelled.")]})
        if locked.checked_in_at is not None:
            raise ValidationError({"activity": [_("Already checked in.")]})
        if at < activity.starts_at - CHECK_IN_EARLY or at > activity.ends_at:
            raise ValidationError(
                {
                    "activity": [
                        _("Check-in is open from an hour before the start until the end of the activity.")
                    ]
                }
            )
        _refuse(refusals_for(locked.volunteer, activity, timezone.localdate(at)))
        locked.checked_in_at = at
        locked.save(update_fields=["checked_in_at"])
        audit_volunteer(
            acting,
            AuditAction.UPDATE,
            locked.volunteer,
            activity=str(activity.public_id),
            check_in=at.isoformat(),
        )
    participation.checked_in_at = at
    return participation


def hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Whole quarters of an hour, at least one: what the check-in and check-out times give."""
    quarters = (Decimal((end - start).total_seconds()) / Decimal(900)).quantize(Decimal(1), ROUND_HALF_UP)
    return max(QUARTER, quarters * QUARTER)


def check_out(*, acting: Acting, participation: Participation, at: dt.datetime | None = None) -> HoursClaim:
    """The volunteer leaves: the time between check-in and check-out is claimed as hours."""
    if not _may_act_for(acting, participation):
        raise PermissionDenied
    at = at or timezone.now()
    with transaction.atomic():
        locked = (
            Participation.objects.select_for_update(of=("self",))
            .select_related("volunteer")
            .get(pk=participation.pk)
        )
        if locked.checked_in_at is None:
            raise ValidationError({"activity": [_("Check in first.")]})
        if locked.checked_out_at is not None:
            raise ValidationError({"activity": [_("Already checked out.")]})
        if at < locked.checked_in_at:
            raise ValidationError({"activity": [_("Check-out cannot be before check-in.")]})
        locked.checked_out_at = at
        locked.save(update_fields=["checked_out_at"])
        claim = HoursClaim.objects.create(
            participation=locked,
            hours=min(Decimal(24), hours_between(locked.checked_in_at, at)),
            claimed_by=acting.user,
        )
        audit_volunteer(
            acting,
            AuditAction.UPDATE,
            locked.volunteer,
            participation=str(locked.public_id),
            hours=str(claim.hours),
        )
    participation.checked_out_at = at
    return claim


def hours_claim(*, acting: Acting, participation: Participation, hours: Decimal) -> HoursClaim:
    """Claim (again, after a decline) the hours of a participation the volunteer checked out of."""
    if not _may_act_for(acting, participation):
        raise PermissionDenied
    if participation.checked_out_at is None:
        raise ValidationError({"hours": [_("Hours are claimed after checking out.")]})
    claim = HoursClaim(participation=participation, hours=hours, claimed_by=acting.user)
    claim.full_clean(exclude=["participation", "claimed_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            claim.save()
            audit_volunteer(
                acting,
                AuditAction.CREATE,
                participation.volunteer,
                participation=str(participation.public_id),
                hours=str(hours),
            )
    except IntegrityError as error:
        raise ValidationError(
            {"hours": [_("Hours for this activity are already waiting for approval or approved.")]}
        ) from error
    return claim


def _decide(acting: Acting, claim: HoursClaim, status: str, reason: str = "") -> HoursClaim:
    activity = claim.participation.activity
    require_manager(acting, activity.organization)
    if status == HoursStatus.DECLINED and not reason.strip():
        raise ValidationError({"decline_reason": [_("Say why the hours are declined.")]})
    if len(reason) > 2000:
        raise ValidationError({"decline_reason": [_("Ensure this value has at most 2000 characters.")]})
    with transaction.atomic():
        # Two coordinators may open the same list: the first decision stands, the second is refused.
        locked = HoursClaim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
        if locked.status != HoursStatus.CLAIMED:
            raise ValidationError(
                {
                    "status": [
                        _("These hours have already been decided: %(status)s.")
                        % {"status": locked.get_status_display()}
                    ]
                }
            )
        locked.status = status
        locked.decided_by = acting.user
        locked.decided_at = timezone.now()
        locked.decline_reason = reason.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
        audit_volunteer(
            acting,
            AuditAction.UPDATE,
            claim.participation.volunteer,
            hours=str(locked.public_id),
            decision=status,
            reason=locked.decline_reason,
        )
    claim.status, claim.decided_by, claim.decided_at = locked.status, locked.decided_by, locked.decided_at
    claim.decline_reason = locked.decline_reason
    return claim


def hours_approve(*, acting: Acting, claim: HoursClaim) -> HoursClaim:
    return _decide(acting, claim, HoursStatus.APPROVED)


def hours_decline(*, acting: Acting, claim: HoursClaim, reason: str) -> HoursClaim:
    return _decide(acting, claim, HoursStatus.DECLINED, reason)


def activity_cancel(*, acting: Acting, activity: Activity, reason: str) -> Activity:
    """Cancel a planned activity: nobody checks in any more; who was to take part stays on record."""
    require_manager(acting, activity.organization)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the activity is cancelled.")]})
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.cancelled_at is not None:
            raise ValidationError({"activity": [_("The activity is cancelled.")]})
        if locked.ends_at <= timezone.now():
            raise ValidationError({"activity": [_("An activity that has ended cannot be cancelled.")]})
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason[:300]
        locked.save(update_fields=["cancelled_at", "cancel_reason"])
        volunteers = Volunteer.objects.filter(participations__activity=locked).select_related("organization")
        for volunteer in volunteers:
            audit_volunteer(
                acting, AuditAction.UPDATE, volunteer, activity=str(locked.public_id), cancelled=reason
            )
    activity.cancelled_at, activity.cancel_reason = locked.cancelled_at, locked.cancel_reason
    return activity
