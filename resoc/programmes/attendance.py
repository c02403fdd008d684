"""Attendance registers and the outcomes of places: one write path each (issue #4, part 4).

Who writes: the group's facilitator (acting through a membership of the delivering organization) and
the delivering organization's planners (``services.can_plan_groups``); nobody else, not even another
facilitator of the same prison.

A register is saved whole, in one transaction, with a constant number of queries whatever the size
of the group; every save writes one audit entry for the session with the marks before and after, and
one per participant, so a later correction keeps the history. A session that has not started, a
cancelled session and a mark for someone without a place in the group on that day are refused with
a reason, and nothing is written.

An outcome (completed, dropped out, removed, transferred) ends the place. The place is tied to the
plan measure it delivers: the link is stored on the outcome, and when there is none yet the person's
open plan measure of kind "programme" whose description names the programme (diacritics and case
ignored) is taken. Completion sets that measure to done through ``plans.services`` — so the plan
fulfilment indicator follows; any other outcome puts a measure in progress back to planned.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resoc.access.context import Acting
from resoc.audit.models import AuditAction, AuditEntry
from resoc.audit.services import audit_entry, audit_person, audit_record
from resoc.people.models import PersonEvent, Relationship
from resoc.plans import services as plan_services
from resoc.plans.models import Measure, MeasureKind, MeasureStatus, PlanStatus
from resoc.programmes.models import (
    AbsenceReason,
    AttendanceMark,
    AttendanceStatus,
    Enrolment,
    EnrolmentOutcome,
    EnrolmentStatus,
    Group,
    OutcomeKind,
    Session,
    SessionRegister,
    SessionStatus,
)
from resoc.programmes.services import FACILITATOR_ROLES, PARTICIPANT_KIND, can_plan_groups, participant_source
from resoc.text import fold

REGISTER_RECORD = "programme_attendance"
OUTCOME_RECORD = "programme_outcome"
OUTCOME_EVENT = "programme_outcome_set"
EVENT_LABELS = {OUTCOME_EVENT: gettext_lazy("Outcome of a programme place recorded")}
# Outcomes that need a reason: the register of why a place was lost is what managers read.
REASON_REQUIRED = frozenset({OutcomeKind.DROPPED_OUT, OutcomeKind.REMOVED})


def can_keep_register(acting: Acting, group: Group) -> bool:
    """The group's own facilitator, or a planner of the delivering organization."""
    organization_id = group.offer.organization_id
    if can_plan_groups(acting, organization_id):
        return True
    return (
        acting.user.pk == group.facilitator_id
        and acting.role in FACILITATOR_ROLES
        and organization_id in acting.scope_organization_ids
    )


@dataclass(frozen=True)
class MarkInput:
    """One row of a register as a form or an API request gives it."""

    enrolment: uuid.UUID
    status: str
    reason: str = ""
    note: str = ""


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def had_place_on(enrolment: Enrolment, session: Session) -> bool:
    """Did the place exist on the session's day (taken by then, not ended before the session began)?"""
    day = _local_day(session.starts_at)
    if _local_day(enrolment.enrolled_at) > day:
        return False
    if enrolment.status == EnrolmentStatus.ENROLLED:
        return True
    return enrolment.ended_at is not None and enrolment.ended_at > session.starts_at


def register_enrolments(*, session: Session) -> list[Enrolment]:
    """The places of the session's group that existed on its day, in Latvian name order (one query)."""
    enrolments = (
        Enrolment.objects.filter(group_id=session.group_id)
        .select_related("person")
        .order_by("person__sort_key", "pk")
    )
    return [e for e in enrolments if had_place_on(e, session)]


def _check_session(session: Session) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError({"session": [_("The session was cancelled: it has no attendance.")]})
    if session.starts_at > timezone.now():
        raise ValidationError(
            {
                "session": [
                    _("The session has not started yet: attendance can be recorded from %(start)s.")
                    % {"start": timezone.localtime(session.starts_at).strftime("%d.%m.%Y %H:%M")}
                ]
            }
        )


def _snapshot(marks: Sequence[AttendanceMark], by_enrolment: dict[int, Enrolment]) -> dict[str, Any]:
    return {
        str(by_enrolment[m.enrolment_id].public_id): {"status": m.status, "reason": m.reason, "note": m.note}
        for m in marks
        if m.enrolment_id in by_enrolment
    }


def attendance_record(
    *, acting: Acting, session: Session, marks: Sequence[MarkInput], notes: str = ""
) -> SessionRegister:
    """Save the whole register of ``session``: every mark or none, refusals listed per row."""
    group = session.group
    if not can_keep_register(acting, group):
        raise PermissionDenied
    _check_session(session)
    errors: dict[str, list[str]] = {}
    notes = notes.strip()
    with transaction.atomic():
        # The session row is locked so that two devices saving the same register are served in turn.
        Session.objects.select_for_update().filter(pk=session.pk).values_list("pk").first()
        places = {e.public_id: e for e in register_enrolments(session=session)}
        seen: set[uuid.UUID] = set()
        wanted: list[AttendanceMark] = []
        for row in marks:
            enrolment = places.get(row.enrolment)
            if enrolment is None:
                errors.setdefault("marks", []).append(
                    _("A mark is for someone without a place in this group on the session's day.")
                )
                continue
            key = str(row.enrolment)
            name = enrolment.person.full_name
            if row.enrolment in seen:
                errors.setdefault(key, []).append(_("%(name)s is marked twice.") % {"name": name})
                continue
            seen.add(row.enrolment)
            mark = AttendanceMark(
                session=session,
                enrolment=enrolment,
                status=row.status,
                reason=row.reason,
                note=row.note.strip(),
            )
            if row.status not in AttendanceStatus.values:
                errors.setdefault(key, []).append(
                    _("%(name)s: choose present, late or absent.") % {"name": name}
                )
            elif row.status == AttendanceStatus.ABSENT and row.reason not in AbsenceReason.values:
                errors.setdefault(key, []).append(
                    _("%(name)s: choose the reason for the absence.") % {"name": name}
                )
            elif row.status != AttendanceStatus.ABSENT and row.reason:
                errors.setdefault(key, []).append(
                    _("%(name)s: a reason is given only for an absence.") % {"name": name}
                )
            try:
                mark.full_clean(
                    exclude=["session", "enrolment", "status", "reason"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                errors.setdefault(key, []).extend(f"{name}: {m}" for m in error.messages)
            wanted.append(mark)
        register = SessionRegister.objects.filter(session=session).first()
        if register is None:
            register = SessionRegister(session=session, filled_by=acting.user)
        previous_notes = register.notes
        is_new = register.pk is None
        register.notes = notes
        try:
            register.full_clean(exclude=["session", "filled_by"], validate_unique=False)
        except ValidationError as error:
            errors.setdefault("notes", []).extend(error.messages)
        if errors:
            raise ValidationError(errors)

        by_enrolment = {e.pk: e for e in places.values()}
        existing = {m.enrolment_id: m for m in AttendanceMark.objects.filter(session=session)}
        before = _snapshot(list(existing.values()), by_enrolment)
        to_create: list[AttendanceMark] = []
        to_update: list[AttendanceMark] = []
        for mark in wanted:
            old = existing.get(mark.enrolment.pk)
            if old is None:
                to_create.append(mark)
            elif (old.status, old.reason, old.note) != (mark.status, mark.reason, mark.note):
                old.status, old.reason, old.note = mark.status, mark.reason, mark.note
                to_update.append(old)
        AttendanceMark.objects.bulk_create(to_create)
        if to_update:
            AttendanceMark.objects.bulk_update(to_update, ["status", "reason", "note"])
        register.save()
        after = _snapshot([*existing.values(), *to_create], by_enrolment)
        changed = sorted(k for k in after if before.get(k) != after[k])
        audit_record(
            actor=acting.actor,
            action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
            record_type=REGISTER_RECORD,
            record_id=str(session.public_id),
            detail={
                "group": str(group.public_id),
                "before": before,
                "after": after,
                "notes_before": previous_notes,
                "notes_after": notes,
            },
        )
        # Attendance is part of the person's record: an entry per participant whose mark changed.
        AuditEntry.objects.bulk_create(
            audit_entry(
                actor=acting.actor,
                action=AuditAction.UPDATE if key in before else AuditAction.CREATE,
                person_id=next(e.person.public_id for e in places.values() if str(e.public_id) == key),
                category="identity",
                record_type=REGISTER_RECORD,
                record_id=str(session.public_id),
                detail={"before": before.get(key), "after": after[key]},
            )
            for key in changed
        )
    return register


def _open_programme_measure(enrolment: Enrolment) -> Measure | None:
    """The person's open plan measure of kind programme that names the group's programme."""
    programme = enrolment.group.offer.programme
    names = [fold(n) for n in (programme.name, programme.name_en, programme.code) if n]
    candidates = Measure.objects.filter(
        goal__plan__person_id=enrolment.person_id,
        goal__plan__status=PlanStatus.ACTIVE,
        kind=MeasureKind.PROGRAMME,
        status__in=(MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS),
    ).order_by("due_on", "pk")
    for measure in candidates:
        description = fold(measure.description)
        if any(name in description for name in names):
            return measure
    return None


def _end_place(enrolment: Enrolment, reason: str) -> None:
    """An outcome other than completion ends the place and the facilitator's access with it."""
    today = timezone.localdate()
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.ended_at = timezone.now()
    enrolment.end_reason = reason
    enrolment.save(update_fields=["status", "ended_at", "end_reason"])
    Relationship.objects.filter(
        person=enrolment.person, kind=PARTICIPANT_KIND, source=participant_source(enrolment.group)
    ).exclude(ends_on__lt=today).update(ends_on=today - dt.timedelta(days=1))


def enrolment_outcome_set(
    *,
    acting: Acting,
    enrolment: Enrolment,
    kind: str,
    decided_on: dt.date,
    reason: str = "",
    certificate_number: str = "",
) -> EnrolmentOutcome:
    """Record how a place ended; completion sets the linked plan measure to done."""
    group = enrolment.group
    if not can_keep_register(acting, group):
        raise PermissionDenied
    programme = group.offer.programme
    reason = reason.strip()
    certificate_number = certificate_number.strip()
    errors: dict[str, list[str]] = {}
    if kind not in OutcomeKind.values:
        errors["kind"] = [_("Choose completed, dropped out, removed or transferred.")]
    if kind in REASON_REQUIRED and not reason:
        errors["reason"] = [_("Say why the place ended.")]
    if certificate_number and kind != OutcomeKind.COMPLETED:
        errors["certificate_number"] = [_("A certificate number is given only for a completed programme.")]
    if decided_on > timezone.localdate():
        errors["decided_on"] = [_("The date is in the future.")]
    elif decided_on < timezone.localdate(enrolment.enrolled_at):
        errors["decided_on"] = [_("The date is before the place was taken.")]
    current = (
        EnrolmentOutcome.objects.filter(enrolment=enrolment).select_related("measure__goal__plan").first()
    )
    if current is None and enrolment.status != EnrolmentStatus.ENROLLED:
        errors.setdefault("kind", []).append(_("This place was withdrawn without an outcome."))
    if (
        certificate_number
        and EnrolmentOutcome.objects.filter(programme=programme, certificate_number=certificate_number)
        .exclude(enrolment=enrolment)
        .exists()
    ):
        errors["certificate_number"] = [
            _("Certificate number %(number)s is already given for this programme.")
            % {"number": certificate_number}
        ]
    if (
        current is not None
        and current.measure is not None
        and current.measure.status == MeasureStatus.DONE
        and kind != OutcomeKind.COMPLETED
    ):
        errors.setdefault("kind", []).append(
            _("The plan measure this place delivered is already done; the outcome can no longer change.")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        outcome = current or EnrolmentOutcome(enrolment=enrolment, programme=programme)
        before = (
            {
                "kind": current.kind,
                "reason": current.reason,
                "certificate_number": current.certificate_number,
                "decided_on": current.decided_on.isoformat(),
            }
            if current
            else None
        )
        outcome.kind = kind
        outcome.reason = reason
        outcome.certificate_number = certificate_number
        outcome.decided_on = decided_on
        outcome.recorded_by = acting.user
        outcome.recorded_at = timezone.now()
        if outcome.measure is None:
            outcome.measure = _open_programme_measure(enrolment)
        try:
            outcome.full_clean(
                exclude=["enrolment", "programme", "measure", "recorded_by"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            raise ValidationError(error.message_dict) from error
        outcome.save()
        if kind != OutcomeKind.COMPLETED and enrolment.status == EnrolmentStatus.ENROLLED:
            _end_place(enrolment, reason or str(OutcomeKind(kind).label))
        measure = outcome.measure
        if measure is not None:
            if kind == OutcomeKind.COMPLETED:
                target: str = MeasureStatus.DONE
            elif measure.status == MeasureStatus.IN_PROGRESS:
                target = MeasureStatus.PLANNED
            else:
                target = measure.status
            plan_services.measure_status_follow_programme(
                acting=acting, measure=measure, status=target, enrolment=str(enrolment.public_id)
            )
        after = {
            "kind": kind,
            "reason": reason,
            "certificate_number": certificate_number,
            "decided_on": decided_on.isoformat(),
        }
        PersonEvent.objects.create(
            person_id=enrolment.person_id,
            type=OUTCOME_EVENT,
            category="identity",
            parameters={
                "group": str(group.public_id),
                "programme": programme.label,
                "outcome": kind,
                "measure": str(measure.public_id) if measure else "",
            },
            actor=acting.user,
            organization_id=acting.organization_id,
        )
        audit_person(
            actor=acting.actor,
            action=AuditAction.UPDATE if current else AuditAction.CREATE,
            person_id=enrolment.person.public_id,
            record_type=OUTCOME_RECORD,
            detail={"group": str(group.public_id), "before": before, "after": after},
        )
    return outcome
