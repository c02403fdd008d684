"""Writes of the catalogue and the rooms, and who may make them.

There is no "programme coordinator" role. The catalogue is owned by the organizations that deliver
it: an **organization administrator** may create programmes delivered by their own organization (or
one below it) and edit a programme that their organization (or one below it) is allowed to deliver;
they manage the locations and rooms of their organization and the organizations below it. Every
change is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from resoc.access.context import Acting
from resoc.access.models import User
from resoc.access.roles import Role
from resoc.assessments.models import Domain
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.organizations.models import Organization
from resoc.people.models import Relationship
from resoc.programmes import recurrence, selectors
from resoc.programmes.models import (
    Enrolment,
    EnrolmentStatus,
    Group,
    GroupStatus,
    Location,
    Offer,
    Programme,
    ProgrammeType,
    Room,
    Session,
    SessionStatus,
)
from resoc.sentences.models import RegimeLevel

PROGRAMME_RECORD = "programme"
ROOM_RECORD = "room"
LOCATION_RECORD = "location"
CATALOGUE_CATEGORY = ""  # catalogue records hold no person data

PROGRAMME_FIELDS = (
    "code",
    "name",
    "name_en",
    "aims",
    "aims_en",
    "needs",
    "sessions",
    "hours",
    "certificate",
    "certificate_en",
    "min_age",
    "max_age",
    "sexes",
    "risk_levels",
    "regime_levels",
    "min_latvian_level",
    "max_latvian_level",
    "min_months_left",
    "max_months_left",
    "is_active",
)


def can_edit_catalogue(acting: Acting) -> bool:
    return acting.membership is not None and acting.role == Role.ORG_ADMIN


def can_edit_programme(acting: Acting, programme: Programme) -> bool:
    if not can_edit_catalogue(acting):
        return False
    delivering = {org.pk for org in programme.organizations.all()}
    return bool(delivering & acting.scope_organization_ids)


def can_manage_rooms(acting: Acting, organization: Organization) -> bool:
    return can_edit_catalogue(acting) and organization.pk in acting.scope_organization_ids


def _check_references(*, needs: list[str], regime_levels: list[str]) -> None:
    errors: dict[str, list[str]] = {}
    known_needs = set(Domain.objects.values_list("key", flat=True))
    if any(key not in known_needs for key in needs):
        errors["needs"] = [_("Choose needs from the assessment's domains.")]
    known_levels = set(RegimeLevel.objects.values_list("code", flat=True))
    if any(code not in known_levels for code in regime_levels):
        errors["regime_levels"] = [_("Choose from the listed regime levels.")]
    if errors:
        raise ValidationError(errors)


def _check_organizations(acting: Acting, organizations: list[Organization]) -> None:
    if not organizations:
        raise ValidationError({"organizations": [_("Name at least one organization that delivers it.")]})
    if not {org.pk for org in organizations} & acting.scope_organization_ids:
        raise ValidationError(
            {"organizations": [_("Your organization (or one below it) must be among those that deliver it.")]}
        )


def _save_programme(
    *,
    acting: Acting,
    programme: Programme,
    type: ProgrammeType,
    organizations: list[Organization],
    data: dict[str, Any],
    action: AuditAction,
) -> Programme:
    for name in PROGRAMME_FIELDS:
        if name in data:
            setattr(programme, name, data[name])
    programme.type = type
    _check_organizations(acting, organizations)
    _check_references(needs=list(programme.needs), regime_levels=list(programme.regime_levels))
    programme.full_clean()
    with transaction.atomic():
        programme.save()
        programme.organizations.set(organizations)
        audit_record(
            actor=acting.actor,
            action=action,
            category=CATALOGUE_CATEGORY,
            record_type=PROGRAMME_RECORD,
            record_id=str(programme.public_id),
            detail={"code": programme.code, "organizations": sorted(o.code for o in organizations)},
        )
    return programme


def programme_create(
    *,
    acting: Acting,
    type: ProgrammeType,
    organizations: list[Organization],
    **data: Any,
) -> Programme:
    """A new programme in the catalogue; the creator's organization must be among the deliverers."""
    if not can_edit_catalogue(acting):
        raise PermissionDenied
    return _save_programme(
        acting=acting,
        programme=Programme(),
        type=type,
        organizations=organizations,
        data=data,
        action=AuditAction.CREATE,
    )


def programme_update(
    *,
    acting: Acting,
    programme: Programme,
    type: ProgrammeType,
    organizations: list[Organization],
    **data: Any,
) -> Programme:
    """Change a programme; retiring it (``is_active=False``) keeps it readable for the records about it."""
    if not can_edit_programme(acting, programme):
        raise PermissionDenied
    return _save_programme(
        acting=acting,
        programme=programme,
        type=type,
        organizations=organizations,
        data=data,
        action=AuditAction.UPDATE,
    )


def location_create(
    *,
    acting: Acting,
    organization: Organization,
    name: str,
    address: str = "",
    city: str = "",
    postal_code: str = "",
) -> Location:
    if not can_manage_rooms(acting, organization):
        raise PermissionDenied
    location = Location(
        organization=organization, name=name, address=address, city=city, postal_code=postal_code
    )
    location.full_clean()
    with transaction.atomic():
        location.save()
        audit_record(
            actor=acting.actor,
            action=AuditAction.CREATE,
            record_type=LOCATION_RECORD,
            record_id=str(location.public_id),
            detail={"organization": organization.code, "name": name},
        )
    return location


def room_create(*, acting: Acting, location: Location, name: str, kind: str, capacity: int) -> Room:
    """A room at one of the acting organization's locations; names are unique per location."""
    if not can_manage_rooms(acting, location.organization):
        raise PermissionDenied
    name = name.strip()
    room = Room(location=location, name=name, kind=kind, capacity=capacity)
    if Room.objects.filter(location=location, name__iexact=name).exists():
        raise ValidationError({"name": [_("This location already has a room with this name.")]})
    room.full_clean(validate_constraints=False)
    with transaction.atomic():
        room.save()
        audit_record(
            actor=acting.actor,
            action=AuditAction.CREATE,
            record_type=ROOM_RECORD,
            record_id=str(room.public_id),
            detail={"location": str(location.public_id), "name": name, "capacity": capacity},
        )
    return room


# --- Groups and sessions --------------------------------------------------------------------------
#
# A group is planned by the staff of the organization that delivers the offer (organization
# administrators, resocialization officers, probation officers, career consultants and NGO
# coordinators of that organization or one above it). Its facilitator is a member of the delivering
# organization acting as a programme facilitator or an organization administrator: the person who
# leads the sessions must belong to the organization answerable for them.

GROUP_RECORD = "programme_group"
SESSION_RECORD = "programme_session"
GROUP_PLANNER_ROLES = frozenset(
    {
        Role.ORG_ADMIN,
        Role.RESOCIALIZATION_OFFICER,
        Role.PROBATION_OFFICER,
        Role.CAREER_CONSULTANT,
        Role.NGO_COORDINATOR,
    }
)
FACILITATOR_ROLES = frozenset({Role.PROGRAMME_FACILITATOR, Role.ORG_ADMIN})
# The relationship a place in a group keeps (registered with the policy in ``enrolment_services``).
PARTICIPANT_KIND = "participant"


def participant_source(group: Group) -> str:
    return f"programme_group:{group.public_id}"


def _participants(group: Group) -> QuerySet[Relationship]:
    """The group's participant relationships that have not ended."""
    today = timezone.localdate()
    return Relationship.objects.filter(kind=PARTICIPANT_KIND, source=participant_source(group)).exclude(
        ends_on__lt=today
    )


def can_plan_groups(acting: Acting, organization_id: int) -> bool:
    """May ``acting`` create and change groups of offers delivered by this organization?"""
    return acting.role in GROUP_PLANNER_ROLES and organization_id in acting.scope_organization_ids


def facilitator_choices(organization_id: int) -> QuerySet[User]:
    """Users who may lead a group of the organization: active facilitators and administrators there."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization_id=organization_id,
            memberships__is_active=True,
            memberships__role__in=FACILITATOR_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@dataclass(frozen=True)
class GroupSpec:
    """What a group form or API request proposes."""

    offer: Offer
    room: Room
    facilitator: User
    name: str
    starts_on: dt.date
    ends_on: dt.date
    capacity: int
    recurrence: str
    session_start: dt.time
    session_minutes: int


@dataclass
class GroupProposal:
    """A checked group: its sessions as the rule gives them and the conflicts they would cause."""

    group: Group
    occurrences: list[recurrence.Occurrence]
    conflicts: list[selectors.Conflict] = field(default_factory=list)


def _apply(group: Group, spec: GroupSpec) -> None:
    group.offer = spec.offer
    group.room = spec.room
    group.facilitator = spec.facilitator
    group.name = spec.name.strip()
    group.starts_on = spec.starts_on
    group.ends_on = spec.ends_on
    group.capacity = spec.capacity
    group.recurrence = spec.recurrence
    group.session_start = spec.session_start
    group.session_minutes = spec.session_minutes


def _check_spec(spec: GroupSpec) -> None:
    errors: dict[str, list[str]] = {}
    if not spec.offer.is_active or not spec.offer.programme.is_active:
        errors["offer"] = [_("This programme is no longer offered.")]
    if not spec.room.is_active:
        errors["room"] = [_("This room is not in use.")]
    elif not spec.offer.offer_locations.filter(location_id=spec.room.location_id).exists():
        errors["room"] = [_("The programme is not offered at this room's location.")]
    if not facilitator_choices(spec.offer.organization_id).filter(pk=spec.facilitator.pk).exists():
        errors["facilitator"] = [
            _(
                "The facilitator must be a programme facilitator or administrator of the delivering organization."
            )
        ]
    if errors:
        raise ValidationError(errors)


def group_check(*, acting: Acting, spec: GroupSpec, group: Group | None = None) -> GroupProposal:
    """Validate ``spec`` and expand its schedule without writing anything (the form's "check" step).

    Raises ``PermissionDenied`` or ``ValidationError``; conflicts are returned, not raised, so that
    they can be shown before saving.
    """
    if not can_plan_groups(acting, spec.offer.organization_id):
        raise PermissionDenied
    if group is not None and not can_plan_groups(acting, group.offer.organization_id):
        raise PermissionDenied
    _check_spec(spec)
    draft = Group(pk=group.pk if group else None, status=group.status if group else GroupStatus.PLANNED)
    _apply(draft, spec)
    draft.recurrence = recurrence.normalize(spec.recurrence)
    draft.full_clean(exclude=["status"], validate_unique=False)
    occurrences = recurrence.expand(
        rule=draft.recurrence,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        start_time=draft.session_start,
        minutes=draft.session_minutes,
    )
    kept = _kept_exceptions(group, occurrences) if group else {}
    slots = [
        selectors.Slot(
            starts_at=kept[o.starts_at].starts_at if o.starts_at in kept else o.starts_at,
            ends_at=kept[o.starts_at].ends_at if o.starts_at in kept else o.ends_at,
            room_id=kept[o.starts_at].room_id if o.starts_at in kept else spec.room.pk,
            facilitator_id=spec.facilitator.pk,
        )
        for o in occurrences
        if o.starts_at not in kept or kept[o.starts_at].status == SessionStatus.SCHEDULED
    ]
    enrolled = (
        frozenset(
            Enrolment.objects.filter(group=group, status=EnrolmentStatus.ENROLLED).values_list(
                "person_id", flat=True
            )
        )
        if group
        else frozenset()
    )
    if len(enrolled) > spec.capacity:
        raise ValidationError(
            {
                "capacity": [
                    _("%(count)d people already have a place; end some places before reducing the places.")
                    % {"count": len(enrolled)}
                ]
            }
        )
    conflicts = selectors.schedule_conflicts(
        slots, exclude_group_id=group.pk if group else None, person_ids=enrolled
    )
    return GroupProposal(group=draft, occurrences=occurrences, conflicts=conflicts)


def _kept_exceptions(group: Group, occurrences: list[recurrence.Occurrence]) -> dict[dt.datetime, Session]:
    """The group's cancelled or moved sessions whose occurrence the (new) rule still gives."""
    wanted = {o.starts_at for o in occurrences}
    return {
        s.occurrence: s
        for s in Session.objects.filter(group=group).filter(
            Q(status=SessionStatus.CANCELLED) | Q(is_moved=True)
        )
        if s.occurrence in wanted
    }


def _refuse_conflicts(proposal: GroupProposal, accept_conflicts: bool) -> None:
    if proposal.conflicts and not accept_conflicts:
        summary = _("The schedule conflicts with other sessions; check it or save despite the conflicts.")
        raise ValidationError({NON_FIELD_ERRORS: [summary, *(c.message for c in proposal.conflicts)]})


def _sync_sessions(group: Group, occurrences: list[recurrence.Occurrence]) -> None:
    """Make the group's sessions match the rule, keeping exceptions of occurrences still given."""
    existing = {s.occurrence: s for s in Session.objects.filter(group=group)}
    wanted = {o.starts_at: o for o in occurrences}
    Session.objects.filter(pk__in=[s.pk for k, s in existing.items() if k not in wanted]).delete()
    changed = []
    for key, session in existing.items():
        if key in wanted and not session.is_moved:
            session.starts_at, session.ends_at, session.room = key, wanted[key].ends_at, group.room
            changed.append(session)
    Session.objects.bulk_update(changed, ["starts_at", "ends_at", "room"])
    Session.objects.bulk_create(
        Session(
            group=group, occurrence=o.starts_at, starts_at=o.starts_at, ends_at=o.ends_at, room=group.room
        )
        for key, o in wanted.items()
        if key not in existing
    )


def _group_detail(group: Group, proposal: GroupProposal, accept_conflicts: bool) -> dict[str, Any]:
    return {
        "offer": str(group.offer.public_id),
        "room": str(group.room.public_id),
        "facilitator": group.facilitator.get_username(),
        "starts_on": group.starts_on.isoformat(),
        "ends_on": group.ends_on.isoformat(),
        "capacity": group.capacity,
        "recurrence": group.recurrence,
        "sessions": len(proposal.occurrences),
        "conflicts_accepted": len(proposal.conflicts) if accept_conflicts else 0,
    }


def group_create(*, acting: Acting, spec: GroupSpec, accept_conflicts: bool = False) -> Group:
    """A new planned group with its sessions; refused while it conflicts, unless accepted knowingly."""
    proposal = group_check(acting=acting, spec=spec)
    _refuse_conflicts(proposal, accept_conflicts)
    group = proposal.group
    with transaction.atomic():
        group.save()
        _sync_sessions(group, proposal.occurrences)
        audit_record(
            actor=acting.actor,
            action=AuditAction.CREATE,
            record_type=GROUP_RECORD,
            record_id=str(group.public_id),
            detail=_group_detail(group, proposal, accept_conflicts),
        )
    return group


def group_update(
    *,
    acting: Acting,
    group: Group,
    spec: GroupSpec,
    status: str | None = None,
    accept_conflicts: bool = False,
) -> Group:
    """Change a group and re-expand its schedule; a cancelled group cannot be changed."""
    if group.status == GroupStatus.CANCELLED:
        raise ValidationError(_("A cancelled group cannot be changed."))
    if status not in (None, GroupStatus.PLANNED, GroupStatus.RUNNING, GroupStatus.FINISHED):
        raise ValidationError({"status": [_("Cancel a group with its own action, giving a reason.")]})
    proposal = group_check(acting=acting, spec=spec, group=group)
    _refuse_conflicts(proposal, accept_conflicts)
    _apply(group, spec)
    group.recurrence = proposal.group.recurrence
    if status is not None:
        group.status = status
    with transaction.atomic():
        group.save()
        _sync_sessions(group, proposal.occurrences)
        # The participants' relationship follows the facilitator and the group's last day.
        _participants(group).update(mentor=group.facilitator, ends_on=group.ends_on)
        audit_record(
            actor=acting.actor,
            action=AuditAction.UPDATE,
            record_type=GROUP_RECORD,
            record_id=str(group.public_id),
            detail={**_group_detail(group, proposal, accept_conflicts), "status": group.status},
        )
    return group


def group_cancel(*, acting: Acting, group: Group, reason: str) -> Group:
    """Cancel a group that has not finished; its sessions stay listed but free their room and facilitator."""
    if not can_plan_groups(acting, group.offer.organization_id):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the group is cancelled.")]})
    if group.status in (GroupStatus.CANCELLED, GroupStatus.FINISHED):
        raise ValidationError(_("Only a planned or running group can be cancelled."))
    group.status = GroupStatus.CANCELLED
    group.cancel_reason = reason
    group.full_clean()
    with transaction.atomic():
        group.save(update_fields=["status", "cancel_reason", "updated_at"])
        _participants(group).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
        audit_record(
            actor=acting.actor,
            action=AuditAction.UPDATE,
            record_type=GROUP_RECORD,
            record_id=str(group.public_id),
            detail={"status": group.status, "reason": reason},
        )
    return group
