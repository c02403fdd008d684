"""/persons/{id}/release-tasks, /release-tasks/{id}, /persons/{id}/meetings: release preparation.

The timeline and meetings are read under the sensitive "sentence" category, like the sentence itself:
unknown and not-permitted persons both answer 404; an action the token's role may not do answers 403
(marking another organization's task, generating without holding the person).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from resoc.api.access import not_found, readable_person
from resoc.api.auth import acting_of
from resoc.api.schemas import Problem
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_person, audit_record
from resoc.organizations.models import Organization
from resoc.people.models import Person
from resoc.release import rules, selectors, services
from resoc.release.models import (
    NOTE_MAX,
    TEXT_MAX,
    Area,
    InterInstitutionalMeeting,
    MeetingReason,
    ReleaseTask,
    TaskStatus,
)

router = Router(tags=["release"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
CATEGORY = services.CATEGORY


class TaskOut(Schema):
    public_id: uuid.UUID
    area: str
    title: str
    offset_days: int | None = Field(
        description="Days from the expected release; null for meeting follow-ups."
    )
    due_on: dt.date
    overdue: bool
    assigned_organization: str = Field(description="The organization's code.")
    assigned_role: str
    assigned_user: str | None = Field(description="The username, if a person is named.")
    status: str
    note: str
    completed_at: dt.datetime | None
    meeting: uuid.UUID | None


class TimelineOut(Schema):
    person: uuid.UUID
    preparation: uuid.UUID | None
    release_on: dt.date | None
    prison: str | None
    probation_unit: str | None
    municipality: str | None
    ngo: str | None
    tasks: list[TaskOut]


class GenerateIn(Schema):
    model_config = ConfigDict(extra="forbid")
    release_on: dt.date | None = Field(
        default=None,
        description="The expected release date; the court-ordered end of the sentence if omitted.",
    )
    municipality: str | None = Field(
        default=None, max_length=40, description="Code of the municipal social service; omitted keeps it."
    )
    ngo: str | None = Field(default=None, max_length=40, description="Code of the NGO; omitted keeps it.")


class TaskStatusIn(Schema):
    model_config = ConfigDict(extra="forbid")
    status: TaskStatus
    note: str = Field(default="", max_length=NOTE_MAX)


class FollowUpIn(Schema):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(max_length=services.TITLE_MAX)
    area: Area
    due_on: dt.date
    organization: str = Field(max_length=40, description="The organization's code.")
    role: str = Field(max_length=40, examples=["probation_officer"])


class FollowUpOut(Schema):
    public_id: uuid.UUID
    title: str
    due_on: dt.date
    organization: str
    role: str
    status: str


class MeetingIn(Schema):
    model_config = ConfigDict(extra="forbid")
    held_on: dt.date
    place: str = Field(max_length=services.PLACE_MAX)
    reasons: list[MeetingReason] = Field(min_length=1)
    participants: list[str] = Field(description="Codes of the participating organizations (at least two).")
    participant_names: str = Field(default="", max_length=TEXT_MAX)
    decisions: str = Field(default="", max_length=TEXT_MAX)
    follow_ups: list[FollowUpIn] = Field(default_factory=list)


class MeetingOut(Schema):
    public_id: uuid.UUID
    held_on: dt.date
    place: str
    reasons: list[str]
    participants: list[str]
    participant_names: str
    decisions: str
    follow_ups: list[FollowUpOut]


class MeetingsOut(Schema):
    person: uuid.UUID
    reasons: list[str] = Field(description="Reasons for a meeting that apply to the person now.")
    required: bool = Field(description="Whether one of the reasons makes a meeting required.")
    meetings: list[MeetingOut]


def _task(task: ReleaseTask, on: dt.date) -> dict[str, Any]:
    return {
        "public_id": task.public_id,
        "area": task.area,
        "title": task.label,
        "offset_days": task.offset_days,
        "due_on": task.due_on,
        "overdue": task.is_overdue(on),
        "assigned_organization": task.assigned_organization.code,
        "assigned_role": task.assigned_role,
        "assigned_user": task.assigned_user.get_username() if task.assigned_user else None,
        "status": task.status,
        "note": task.note,
        "completed_at": task.completed_at,
        "meeting": task.meeting.public_id if task.meeting else None,
    }


def _code(organization: Organization | None) -> str | None:
    return organization.code if organization is not None else None


def _timeline(person: Person) -> dict[str, Any]:
    on = timezone.localdate()
    timeline = selectors.person_timeline(person=person, on=on)
    preparation = timeline.preparation
    return {
        "person": person.public_id,
        "preparation": preparation.public_id if preparation else None,
        "release_on": preparation.release_on if preparation else None,
        "prison": _code(preparation.prison) if preparation else None,
        "probation_unit": _code(preparation.probation_unit) if preparation else None,
        "municipality": _code(preparation.municipality) if preparation else None,
        "ngo": _code(preparation.ngo) if preparation else None,
        "tasks": [_task(task, on) for group in timeline.groups for task in group.tasks],
    }


@router.get(
    "/persons/{public_id}/release-tasks",
    response={200: TimelineOut, **_ERRORS},
    summary="Read a person's release preparation timeline",
    operation_id="get_release_tasks",
    url_name="get_release_tasks",
)
def get_release_tasks(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """All tasks (generated and meeting follow-ups), by their offset from the release."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, CATEGORY)
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        category=CATEGORY,
        record_type=services.RECORD_PREPARATION,
    )
    return _timeline(person)


def _organization_or_error(field: str, code: str | None) -> Organization | None:
    if not code:
        return None
    organization = Organization.objects.filter(code=code).first()
    if organization is None:
        raise ValidationError(
            {field: ValidationError(_("No active organization has the code: %(codes)s.") % {"codes": code})}
        )
    return organization


@router.post(
    "/persons/{public_id}/release-tasks/generate",
    response={200: TimelineOut, **_ERRORS},
    summary="Generate (or regenerate) the release preparation timeline",
    operation_id="generate_release_tasks",
)
def generate_release_tasks(request: HttpRequest, public_id: uuid.UUID, payload: GenerateIn) -> dict[str, Any]:
    """Idempotent: open tasks move with the date and the named organizations; done ones stay."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, CATEGORY)
    current = selectors.person_timeline(person=person, on=timezone.localdate()).preparation
    given = payload.model_fields_set
    municipality = (
        _organization_or_error("municipality", payload.municipality)
        if "municipality" in given
        else (current.municipality if current else None)
    )
    ngo = _organization_or_error("ngo", payload.ngo) if "ngo" in given else (current.ngo if current else None)
    services.timeline_generate(
        acting=acting, person=person, release_on=payload.release_on, municipality=municipality, ngo=ngo
    )
    return _timeline(person)


@router.patch(
    "/release-tasks/{public_id}",
    response={200: TaskOut, **_ERRORS},
    summary="Change the status of a release task",
    operation_id="set_release_task_status",
)
def set_release_task_status(
    request: HttpRequest, public_id: uuid.UUID, payload: TaskStatusIn
) -> dict[str, Any]:
    """Only the assigned organization's role may change a task (403 for others); "not_needed" needs a note."""
    acting = acting_of(request)
    task = (
        ReleaseTask.objects.select_related("person", "assigned_organization", "assigned_user", "meeting")
        .filter(public_id=public_id)
        .first()
    )
    if task is None or not (services.may_read(acting, task.person) or services.may_change_task(acting, task)):
        audit_record(
            actor=acting.actor,
            action=AuditAction.DENIED,
            category=CATEGORY,
            record_type=services.RECORD_TASK,
            record_id=str(public_id),
        )
        raise not_found()
    task = services.task_status_set(acting=acting, task=task, status=payload.status.value, note=payload.note)
    return _task(task, timezone.localdate())


def _meeting(meeting: InterInstitutionalMeeting) -> dict[str, Any]:
    return {
        "public_id": meeting.public_id,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "reasons": list(meeting.reasons),
        "participants": sorted(org.code for org in meeting.participants.all()),
        "participant_names": meeting.participant_names,
        "decisions": meeting.decisions,
        "follow_ups": [
            {
                "public_id": task.public_id,
                "title": task.title,
                "due_on": task.due_on,
                "organization": task.assigned_organization.code,
                "role": task.assigned_role,
                "status": task.status,
            }
            for task in meeting.follow_up_tasks.all()
        ],
    }


@router.get(
    "/persons/{public_id}/meetings",
    response={200: MeetingsOut, **_ERRORS},
    summary="Read the inter-institutional meetings of a person and whether one is required",
    operation_id="get_release_meetings",
    url_name="get_release_meetings",
)
def get_meetings(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    acting = acting_of(request)
    person = readable_person(acting, public_id, CATEGORY)
    audit_person(
        actor=acting.actor,
        action=AuditAction.VIEW,
        person_id=person.public_id,
        category=CATEGORY,
        record_type=services.RECORD_MEETING,
    )
    reasons = rules.meeting_required(person)
    return {
        "person": person.public_id,
        "reasons": [reason.value for reason in reasons],
        "required": rules.is_required(reasons),
        "meetings": [_meeting(meeting) for meeting in selectors.person_meetings(person=person)],
    }


@router.post(
    "/persons/{public_id}/meetings",
    response={201: MeetingOut, **_ERRORS},
    summary="Record an inter-institutional meeting",
    operation_id="record_release_meeting",
)
def record_meeting(request: HttpRequest, public_id: uuid.UUID, payload: MeetingIn) -> Status[dict[str, Any]]:
    """A meeting in the future is planned: it may not carry decisions yet (422)."""
    acting = acting_of(request)
    person = readable_person(acting, public_id, CATEGORY)
    meeting = services.meeting_record(
        acting=acting,
        person=person,
        held_on=payload.held_on,
        place=payload.place,
        reasons=[reason.value for reason in payload.reasons],
        participants=payload.participants,
        participant_names=payload.participant_names,
        decisions=payload.decisions,
        follow_ups=[
            services.FollowUp(
                title=f.title, area=f.area.value, due_on=f.due_on, organization=f.organization, role=f.role
            )
            for f in payload.follow_ups
        ],
    )
    meeting = next(m for m in selectors.person_meetings(person=person) if m.pk == meeting.pk)
    return Status(201, _meeting(meeting))
