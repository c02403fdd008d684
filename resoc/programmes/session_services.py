"""Changes to one session of a group: cancelled (it stays listed) or moved to another time or room.

The group's own schedule is changed in ``services`` (``group_update``); these are the exceptions to it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access.context import Acting
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.programmes import recurrence, selectors
from resoc.programmes.models import (
    ACTIVE_GROUP_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Room,
    Session,
    SessionStatus,
)
from resoc.programmes.services import SESSION_RECORD, can_plan_groups


def _editable_session(acting: Acting, session: Session) -> None:
    if not can_plan_groups(acting, session.group.offer.organization_id):
        raise PermissionDenied
    if session.group.status not in ACTIVE_GROUP_STATUSES:
        raise ValidationError(_("Sessions of a finished or cancelled group cannot be changed."))


def session_cancel(*, acting: Acting, session: Session, reason: str) -> Session:
    """Cancel one session (a holiday, the facilitator ill); it stays in the schedule as cancelled."""
    _editable_session(acting, session)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the session is cancelled.")]})
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session is already cancelled."))
    session.status = SessionStatus.CANCELLED
    session.note = reason
    session.full_clean()
    with transaction.atomic():
        session.save(update_fields=["status", "note"])
        audit_record(
            actor=acting.actor,
            action=AuditAction.UPDATE,
            record_type=SESSION_RECORD,
            record_id=str(session.public_id),
            detail={"status": session.status, "reason": reason},
        )
    return session


def session_move(
    *,
    acting: Acting,
    session: Session,
    starts_at: dt.datetime,
    room: Room | None = None,
    reason: str = "",
    accept_conflicts: bool = False,
) -> tuple[Session, list[selectors.Conflict]]:
    """Move one session to another time (same length) or room; returns the conflicts it was saved with.

    The new room must be at the same location. Conflicts refuse the move unless accepted.
    """
    _editable_session(acting, session)
    room = room or session.room
    if room.location_id != session.group.room.location_id or not room.is_active:
        raise ValidationError({"room": [_("Choose a room in use at the group's location.")]})
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at, recurrence.RIGA)
    length = session.ends_at - session.starts_at
    slot = selectors.Slot(
        starts_at=starts_at,
        ends_at=starts_at + length,
        room_id=room.pk,
        facilitator_id=session.group.facilitator_id,
    )
    enrolled = frozenset(
        Enrolment.objects.filter(group_id=session.group_id, status=EnrolmentStatus.ENROLLED).values_list(
            "person_id", flat=True
        )
    )
    conflicts = [
        c
        for c in selectors.schedule_conflicts([slot], person_ids=enrolled)
        if c.other.pk != session.pk and c.other.group_id != session.group_id
    ]
    if conflicts and not accept_conflicts:
        raise ValidationError({NON_FIELD_ERRORS: [c.message for c in conflicts]})
    session.starts_at, session.ends_at, session.room = slot.starts_at, slot.ends_at, room
    session.is_moved = True
    session.status = SessionStatus.SCHEDULED
    session.note = reason.strip()
    session.full_clean(validate_constraints=False)
    with transaction.atomic():
        session.save(update_fields=["starts_at", "ends_at", "room", "is_moved", "status", "note"])
        audit_record(
            actor=acting.actor,
            action=AuditAction.UPDATE,
            record_type=SESSION_RECORD,
            record_id=str(session.public_id),
            detail={
                "starts_at": starts_at.isoformat(),
                "room": str(room.public_id),
                "reason": session.note,
                "conflicts_accepted": len(conflicts),
            },
        )
    return session, conflicts
