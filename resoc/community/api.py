"""/organizations: the directory of institutions and NGOs, with NGO profiles, services and agreements.

Organizations hold no person data: any token may read the directory. Agreements are shown only to
those who may see them (``rules.visible_agreements_filter``): the NGO, the institutions concerned and
system administrators.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from resoc.api.access import not_found
from resoc.api.auth import acting_of
from resoc.api.schemas import Problem
from resoc.community import selectors
from resoc.community.models import AreaOfWork, CooperationAgreement, NgoProfile
from resoc.organizations.models import Organization, OrganizationType, Region

router = Router(tags=["organizations"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
PAGE_SIZE = 50

OrganizationTypeKey = str
TYPE_DESCRIPTION = "One of: " + ", ".join(f"`{value}`" for value in OrganizationType.values)


class OrganizationFilters(Schema):
    q: str = Field(
        default="", max_length=100, description="Start of words of the name; case and diacritics ignored."
    )
    type: str = Field(default="", max_length=40, description=TYPE_DESCRIPTION)
    area: str = Field(
        default="", max_length=40, description="NGOs working in this area: " + ", ".join(AreaOfWork.values)
    )
    region: str = Field(
        default="", max_length=40, description="NGOs serving this region: " + ", ".join(Region.values)
    )
    page: int = Field(default=1, ge=1, le=100_000)


class OrganizationItem(Schema):
    public_id: uuid.UUID
    code: str
    name: str
    name_en: str
    short_name: str
    type: str
    parent_id: uuid.UUID | None = Field(description="`public_id` of the organization above it.")
    areas: list[str] = Field(description="Areas of work (NGOs with a profile).")
    regions: list[str] = Field(description="Regions served (NGOs with a profile).")


class OrganizationPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[OrganizationItem]


class ContactOut(Schema):
    public_id: uuid.UUID
    name: str
    position: str
    phone: str
    email: str


class ProfileOut(Schema):
    description: str
    address: str
    phone: str
    email: str
    website: str


class ServiceOut(Schema):
    public_id: uuid.UUID = Field(description="The offer's id, also its HSDS service id.")
    programme_id: uuid.UUID
    name: str
    description: str


class AgreementOut(Schema):
    public_id: uuid.UUID
    number: str
    institution_id: uuid.UUID
    institution: str
    scope: str
    valid_from: dt.date
    valid_until: dt.date | None
    prisons: list[str] = Field(description="Codes of the prisons covered.")
    state: str = Field(description="`not_yet`, `in_force`, `expiring` (within 30 days) or `expired`.")
    end_reason: str


class OrganizationDetail(OrganizationItem):
    profile: ProfileOut | None = Field(description="NGOs only; null for state institutions.")
    contacts: list[ContactOut]
    services: list[ServiceOut]
    suspended: bool = Field(
        description="An NGO without an agreement in force: new referrals and prison access are suspended."
    )
    agreements: list[AgreementOut] = Field(description="Only the agreements the token may see.")


def _profile(organization: Organization) -> NgoProfile | None:
    try:
        return organization.ngo_profile
    except NgoProfile.DoesNotExist:
        return None


def _item(organization: Organization) -> dict[str, object]:
    profile = _profile(organization)
    return {
        "public_id": organization.public_id,
        "code": organization.code,
        "name": organization.name,
        "name_en": organization.name_en,
        "short_name": organization.short_name,
        "type": organization.type,
        "parent_id": organization.parent.public_id if organization.parent else None,
        "areas": profile.area_keys if profile else [],
        "regions": profile.region_keys if profile else [],
    }


def _agreement(agreement: CooperationAgreement, state: str) -> dict[str, object]:
    return {
        "public_id": agreement.public_id,
        "number": agreement.number,
        "institution_id": agreement.institution.public_id,
        "institution": agreement.institution.name,
        "scope": agreement.scope,
        "valid_from": agreement.valid_from,
        "valid_until": agreement.valid_until,
        "prisons": sorted(p.code for p in agreement.prisons.all()),
        "state": state,
        "end_reason": agreement.end_reason,
    }


@router.get(
    "/organizations",
    response={200: OrganizationPage, **_ERRORS},
    summary="List and filter organizations",
    operation_id="list_organizations",
)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilters]) -> dict[str, object]:
    """Active institutions and NGOs in Latvian alphabetical order, 50 a page."""
    acting_of(request)
    found = selectors.organization_search(
        query=filters.q, type=filters.type, area=filters.area, region=filters.region
    )
    offset = (filters.page - 1) * PAGE_SIZE
    return {
        "count": len(found),
        "page": filters.page,
        "page_size": PAGE_SIZE,
        "pages": max(1, math.ceil(len(found) / PAGE_SIZE)),
        "results": [_item(o) for o in found[offset : offset + PAGE_SIZE]],
    }


@router.get(
    "/organizations/{public_id}",
    response={200: OrganizationDetail, **_ERRORS},
    summary="One organization with its NGO profile, contact persons, services and agreements",
    operation_id="get_organization",
)
def get_organization(request: HttpRequest, public_id: uuid.UUID) -> dict[str, object]:
    acting = acting_of(request)
    organization = (
        Organization.objects.filter(public_id=public_id).select_related("ngo_profile", "parent").first()
    )
    if organization is None:
        raise not_found()
    today = timezone.localdate()
    is_ngo = organization.type == OrganizationType.NGO
    profile = _profile(organization)
    detail = _item(organization)
    detail.update(
        {
            "profile": (
                {
                    name: getattr(profile, name)
                    for name in ("description", "address", "phone", "email", "website")
                }
                if profile
                else None
            ),
            "contacts": selectors.profile_contacts(organization) if is_ngo else [],
            "services": [
                {
                    "public_id": offer.public_id,
                    "programme_id": offer.programme.public_id,
                    "name": offer.programme.name,
                    "description": offer.description or offer.programme.aims,
                }
                for offer in selectors.ngo_services(organization)
            ],
            "suspended": selectors.ngo_suspended(organization=organization, on=today),
            "agreements": [
                _agreement(a, state)
                for a, state in selectors.agreement_list(
                    acting=acting, organization=organization, today=today
                )
            ]
            if is_ngo
            else [],
        }
    )
    return detail
