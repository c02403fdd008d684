"""The service directory as Open Referral HSDS 3.0 at ``/api/v1/hsds/``.

Mapping: a Resoc organization is an HSDS *organization*, an offer (one organization delivering one
programme) a *service*, a location a *location*, an offer at a location a *service_at_location*. Ids
are the records' public UUIDs; a location's single address gets a UUID derived from the location's.

The directory holds no person data and exists so that other directories can read it: it is public
(no token needed), like the catalogue of any service directory. Only offers of programmes still
offered are published. Texts are Latvian (the directory's language); ``alternate_name`` carries the
English name where there is one. Lists are paginated as the HSDS API specifies (``page``,
``per_page``; ``total_items``, ``total_pages``, ``page_number``, ``size``, ``first_page``,
``last_page``, ``empty``, ``contents``), each page in a fixed number of queries.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from resoc.api.access import not_found
from resoc.api.schemas import Problem
from resoc.community import hsds as ngo_profiles
from resoc.organizations.models import Organization
from resoc.people.models import Sex
from resoc.programmes.models import Location, Offer, OfferLocation, Programme
from resoc.sentences.models import RegimeLevel

router = Router(tags=["hsds"])

HSDS_VERSION = "3.0"
PER_PAGE_DEFAULT = 50
PER_PAGE_MAX = 100
ADDRESS_NAMESPACE = uuid.UUID("6f1c5a0e-5b7e-4f57-9a51-3c2f6f0d8b11")
COUNTRY = "LV"


class PageQuery(Schema):
    page: int = Field(default=1, ge=1, le=100_000, description="Page number, from 1.")
    per_page: int = Field(default=PER_PAGE_DEFAULT, ge=1, le=PER_PAGE_MAX, description="Items per page.")


class HsdsPage(Schema):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


def _page(items: QuerySet[Any], query: PageQuery, render: Any) -> dict[str, Any]:
    total = items.count()
    offset = (query.page - 1) * query.per_page
    shown = list(items[offset : offset + query.per_page]) if offset < total else []
    pages = max(1, math.ceil(total / query.per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": query.page,
        "size": len(shown),
        "first_page": query.page == 1,
        "last_page": query.page >= pages,
        "empty": total == 0,
        "contents": [render(item) for item in shown],
    }


def published_offers() -> QuerySet[Offer]:
    return Offer.objects.filter(is_active=True, programme__is_active=True)


def _organizations() -> QuerySet[Organization]:
    """Organizations delivering a published service or holding a location where one is delivered."""
    delivering = published_offers().values("organization_id")
    hosting = OfferLocation.objects.filter(offer__in=published_offers()).values("location__organization_id")
    return (
        Organization.objects.filter(Q(pk__in=delivering) | Q(pk__in=hosting), is_active=True)
        .select_related("parent", "ngo_profile")
        .prefetch_related("ngo_profile__contacts")
        .order_by("code")
    )


def _organization(org: Organization) -> dict[str, Any]:
    return {
        "id": str(org.public_id),
        "name": org.name,
        "alternate_name": org.name_en or org.short_name,
        "description": org.get_type_display(),
        "parent_organization_id": str(org.parent.public_id) if org.parent else None,
        # An NGO's profile: description, e-mail, website, phones, contacts, areas of work.
        **ngo_profiles.organization_fields(org),
    }


def _location(location: Location) -> dict[str, Any]:
    address = {
        "id": str(uuid.uuid5(ADDRESS_NAMESPACE, str(location.public_id))),
        "location_id": str(location.public_id),
        "address_1": location.address,
        "city": location.city,
        # Latvia has no states or provinces; its first-level units are the state cities and
        # municipalities, which the city names.
        "state_province": location.city,
        "postal_code": location.postal_code,
        "country": COUNTRY,
        "address_type": "physical",
    }
    return {
        "id": str(location.public_id),
        "location_type": "physical",
        "organization_id": str(location.organization.public_id),
        "name": location.name,
        "addresses": [address] if location.address else [],
    }


def _eligibility_description(programme: Programme, regime_labels: dict[str, str]) -> str:
    parts: list[str] = []
    if programme.sexes:
        names = dict(Sex.choices)
        parts.append(
            _("for: %(sexes)s") % {"sexes": ", ".join(str(names.get(s, s)) for s in programme.sexes)}
        )
    if programme.regime_levels:
        levels = ", ".join(regime_labels.get(code, code) for code in programme.regime_levels)
        parts.append(_("regime levels: %(levels)s") % {"levels": levels})
    if programme.min_latvian_level:
        parts.append(_("Latvian at least %(level)s") % {"level": programme.min_latvian_level})
    if programme.min_months_left is not None:
        parts.append(_("at least %(months)s months left to serve") % {"months": programme.min_months_left})
    if programme.max_months_left is not None:
        parts.append(_("at most %(months)s months left to serve") % {"months": programme.max_months_left})
    return "; ".join(str(p) for p in parts)


def _service(offer: Offer, regime_labels: dict[str, str]) -> dict[str, Any]:
    programme = offer.programme
    return {
        "id": str(offer.public_id),
        "organization_id": str(offer.organization.public_id),
        "name": programme.name,
        "alternate_name": programme.name_en,
        "description": offer.description or programme.aims,
        "status": "active",
        "eligibility_description": _eligibility_description(programme, regime_labels),
        "minimum_age": programme.min_age,
        "maximum_age": programme.max_age,
        "accreditations": programme.certificate,
        "last_modified": max(offer.updated_at, programme.updated_at).isoformat(),
        "attributes": [],
        "service_areas": ngo_profiles.service_areas(str(offer.public_id), offer.organization),
    }


def _service_at_location(link: OfferLocation) -> dict[str, Any]:
    return {
        "id": str(link.public_id),
        "service_id": str(link.offer.public_id),
        "location_id": str(link.location.public_id),
        "description": link.description,
    }


def _regime_labels() -> dict[str, str]:
    with translation.override("lv"):
        return {level.code: level.label for level in RegimeLevel.objects.select_related("institution_type")}


@router.get("/hsds/", auth=None, summary="About this HSDS feed", operation_id="hsds_meta")
def meta(request: HttpRequest) -> dict[str, Any]:
    """Information about this feed (the HSDS API's required `/` endpoint)."""
    return {
        "version": HSDS_VERSION,
        "profile": "https://docs.openreferral.org/en/latest/hsds/",
        "openapi_url": request.build_absolute_uri("/api/v1/openapi.json"),
        "description": "Resoc: resocializācijas programmas un pakalpojumi Latvijā / resocialization services in Latvia",
        "publisher": {"name": "Resoc"},
    }


@router.get("/hsds/organizations", auth=None, response=HsdsPage, operation_id="hsds_organizations")
def organizations(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Organizations that deliver at least one published service."""
    with translation.override("lv"):
        return _page(_organizations(), query, _organization)


def _offers() -> QuerySet[Offer]:
    return (
        published_offers()
        .select_related("programme", "organization__ngo_profile", "organization__parent")
        .prefetch_related("organization__ngo_profile__contacts")
        .order_by("pk")
    )


@router.get("/hsds/services", auth=None, response=HsdsPage, operation_id="hsds_services")
def services(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Published services with their one-to-one fields."""
    labels = _regime_labels()
    with translation.override("lv"):
        return _page(_offers(), query, lambda offer: _service(offer, labels))


@router.get(
    "/hsds/services/{public_id}",
    auth=None,
    response={200: dict[str, Any], 404: Problem},
    operation_id="hsds_service",
)
def service(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """One service fully nested: its organization and its service_at_locations with their locations."""
    offer = (
        _offers()
        .prefetch_related(
            Prefetch(
                "offer_locations",
                queryset=OfferLocation.objects.select_related("location__organization").order_by("pk"),
            )
        )
        .filter(public_id=public_id)
        .first()
    )
    if offer is None:
        raise not_found()
    labels = _regime_labels()
    with translation.override("lv"):
        data = _service(offer, labels)
        data["organization"] = _organization(offer.organization)
        data["service_at_locations"] = [
            {**_service_at_location_nested(link), "location": _location(link.location)}
            for link in offer.offer_locations.all()
        ]
    return data


def _service_at_location_nested(link: OfferLocation) -> dict[str, Any]:
    return {"id": str(link.public_id), "description": link.description}


@router.get("/hsds/locations", auth=None, response=HsdsPage, operation_id="hsds_locations")
def locations(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Locations where published services are delivered."""
    used = OfferLocation.objects.filter(offer__in=published_offers()).values("location_id")
    rows = Location.objects.filter(pk__in=used).select_related("organization").order_by("pk")
    return _page(rows, query, _location)


@router.get(
    "/hsds/service_at_locations", auth=None, response=HsdsPage, operation_id="hsds_service_at_locations"
)
def service_at_locations(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """Which service is delivered at which location."""
    rows = (
        OfferLocation.objects.filter(offer__in=published_offers())
        .select_related("offer", "location")
        .order_by("pk")
    )
    return _page(rows, query, _service_at_location)
