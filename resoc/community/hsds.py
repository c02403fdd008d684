"""What an NGO profile adds to the HSDS 3.0 directory (``programmes.hsds``).

HSDS has places for the organization's description, e-mail, website, phones and contacts (with their
own phones); areas of work go in as attributes with a taxonomy term of Resoc's own taxonomy, and the
regions served as the ``service_areas`` of each service the NGO delivers. Ids of the derived objects
(phones, attributes, areas) are UUIDs derived from their owner's, so they are stable between reads.
The caller selects ``ngo_profile`` and prefetches ``ngo_profile__contacts`` (constant queries).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import translation

from resoc.community.models import AreaOfWork, ContactPerson, NgoProfile
from resoc.organizations.models import Organization, Region

NAMESPACE = uuid.UUID("0b6c3f8e-2d0a-4e44-9c7e-5a1f3b2e9d41")
AREA_TAXONOMY = "resoc-area-of-work"


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def profile_of(organization: Organization) -> NgoProfile | None:
    try:
        return organization.ngo_profile
    except NgoProfile.DoesNotExist:
        return None


def _phone(owner: str, number: str, **link: str) -> dict[str, Any]:
    return {"id": _id("phone", owner, number), "number": number, "type": "voice", "languages": [], **link}


def _contact(organization: Organization, contact: ContactPerson) -> dict[str, Any]:
    return {
        "id": str(contact.public_id),
        "organization_id": str(organization.public_id),
        "name": contact.name,
        "title": contact.position,
        "email": contact.email,
        "phones": [_phone(str(contact.public_id), contact.phone, contact_id=str(contact.public_id))]
        if contact.phone
        else [],
    }


def _area(organization: Organization, key: str) -> dict[str, Any]:
    with translation.override("lv"):
        name = str(AreaOfWork(key).label)
    term_id = _id("area", key)
    return {
        "id": _id("attribute", organization.public_id, key),
        "link_id": str(organization.public_id),
        "link_type": AREA_TAXONOMY,
        "link_entity": "organization",
        "value": key,
        "taxonomy_term_id": term_id,
        "taxonomy_term": {
            "id": term_id,
            "code": key,
            "name": name,
            "taxonomy": AREA_TAXONOMY,
            "language": "lv",
        },
    }


def organization_fields(organization: Organization) -> dict[str, Any]:
    """The fields an NGO profile fills (none for an organization without one)."""
    profile = profile_of(organization)
    if profile is None:
        return {}
    fields: dict[str, Any] = {
        "email": profile.email or None,
        "website": profile.website or None,
        "phones": [
            _phone(str(organization.public_id), profile.phone, organization_id=str(organization.public_id))
        ]
        if profile.phone
        else [],
        "contacts": [_contact(organization, c) for c in profile.contacts.all()],
        "attributes": [_area(organization, key) for key in profile.area_keys if key in AreaOfWork.values],
    }
    if profile.description:
        fields["description"] = profile.description
    return fields


def service_areas(service_id: str, organization: Organization) -> list[dict[str, Any]]:
    """The regions the delivering NGO serves, as HSDS service areas."""
    profile = profile_of(organization)
    if profile is None:
        return []
    with translation.override("lv"):
        labels = dict(Region.choices)
        return [
            {
                "id": _id("service_area", service_id, key),
                "service_id": service_id,
                "name": str(labels[key]),
                "description": str(labels[key]),
                "extent_type": "other",
            }
            for key in profile.region_keys
            if key in labels
        ]
