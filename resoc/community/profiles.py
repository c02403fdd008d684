"""NGO profiles: one write path for the profile and its contact persons, audited."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from resoc.access.context import Acting
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.community.models import AreaOfWork, ContactPerson, NgoProfile, encode_keys
from resoc.community.rules import can_edit_profile
from resoc.organizations.models import Organization, Region

PROFILE_FIELDS = ("description", "address", "phone", "email", "website")
CONTACT_FIELDS = ("name", "position", "phone", "email")
RECORD_TYPE = "ngo_profile"


def profile_of(organization: Organization) -> NgoProfile:
    """The NGO's profile, or an empty unsaved one."""
    return NgoProfile.objects.filter(organization=organization).first() or NgoProfile(
        organization=organization
    )


def profile_update(
    *,
    acting: Acting,
    organization: Organization,
    data: dict[str, Any],
    areas: list[str],
    regions: list[str],
    contacts: list[dict[str, Any]],
) -> NgoProfile:
    """Replace the profile and its contact persons with what was sent.

    A contact with a ``public_id`` changes that contact; one without is new; contacts not sent are
    removed. All is checked before anything is written.
    """
    if not can_edit_profile(acting, organization):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    unknown_areas = set(areas) - set(AreaOfWork.values)
    if unknown_areas:
        errors["areas"] = [_("Unknown area of work: %(keys)s.") % {"keys": ", ".join(sorted(unknown_areas))}]
    unknown_regions = set(regions) - set(Region.values)
    if unknown_regions:
        errors["regions"] = [_("Unknown region: %(keys)s.") % {"keys": ", ".join(sorted(unknown_regions))}]
    with transaction.atomic():
        profile = NgoProfile.objects.select_for_update().filter(
            organization=organization
        ).first() or NgoProfile(organization=organization)
        before = _snapshot(profile) if profile.pk else {}
        for name in PROFILE_FIELDS:
            if name in data:
                setattr(profile, name, data[name] or "")
        profile.areas = encode_keys(areas)
        profile.regions = encode_keys(regions)
        try:
            profile.full_clean(exclude=["organization"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        existing = {c.public_id: c for c in profile.contacts.all()} if profile.pk else {}
        kept: list[ContactPerson] = []
        for index, values in enumerate(contacts):
            public_id = values.get("public_id")
            contact = existing.get(uuid.UUID(str(public_id))) if public_id else None
            if public_id and contact is None:
                errors.setdefault(f"contacts.{index}", []).append(_("No such contact person."))
                continue
            contact = contact or ContactPerson()
            for name in CONTACT_FIELDS:
                setattr(contact, name, values.get(name) or "")
            try:
                contact.full_clean(exclude=["profile"])
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    errors.setdefault(f"contacts.{index}.{name}", []).extend(messages)
            kept.append(contact)
        if errors:
            raise ValidationError(errors)
        profile.save()
        kept_ids = {c.pk for c in kept if c.pk}
        ContactPerson.objects.filter(profile=profile).exclude(pk__in=kept_ids).delete()
        for contact in kept:
            contact.profile = profile
            contact.save()
        audit_record(
            actor=acting.actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            record_type=RECORD_TYPE,
            record_id=str(organization.public_id),
            detail={"before": before, "after": _snapshot(profile)},
        )
    return profile


def _snapshot(profile: NgoProfile) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    values["areas"] = profile.area_keys
    values["regions"] = profile.region_keys
    values["contacts"] = (
        [{name: getattr(c, name) for name in CONTACT_FIELDS} for c in profile.contacts.all()]
        if profile.pk
        else []
    )
    return values
