"""Writes of the catalogue and the rooms, and who may make them.

There is no "programme coordinator" role. The catalogue is owned by the organizations that deliver
it: an **organization administrator** may create programmes delivered by their own organization (or
one below it) and edit a programme that their organization (or one below it) is allowed to deliver;
they manage the locations and rooms of their organization and the organizations below it. Every
change is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from resoc.access.context import Acting
from resoc.access.roles import Role
from resoc.assessments.models import Domain
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.organizations.models import Organization
from resoc.programmes.models import Location, Programme, ProgrammeType, Room
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
