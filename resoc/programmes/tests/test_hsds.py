"""/api/v1/hsds/: the service directory in Open Referral HSDS 3.0, public, paginated, constant queries."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from resoc.programmes.models import Offer
from resoc.programmes.tests.conftest import make_location, make_offer, make_programme

pytestmark = pytest.mark.django_db

# The required fields of HSDS 3.0 (schema/*.json "required" and, for links, "tabular_required").
REQUIRED = {
    "organization": {"id", "name", "description"},
    "service": {"id", "name", "status", "organization_id"},
    "location": {"id", "location_type"},
    "address": {"id", "address_1", "city", "state_province", "postal_code", "country", "address_type"},
    "service_at_location": {"id", "service_id", "location_id"},
}
PAGE_FIELDS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def get(path: str):
    # No token: the directory is public.
    response = Client().get(f"/api/v1/hsds/{path}")
    assert response.status_code == 200, response.content
    return response.json()


def is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def check_objects(kind: str, objects: list[dict[str, Any]]) -> None:
    assert objects, kind
    for obj in objects:
        missing = REQUIRED[kind] - {key for key, value in obj.items() if value is not None}
        assert not missing, (kind, missing)
        assert is_uuid(obj["id"])
    assert len({obj["id"] for obj in objects}) == len(objects)


def test_the_directory_validates_against_the_hsds_required_fields(world, directory) -> None:
    meta = get("")
    assert meta["version"] == "3.0"
    organizations = get("organizations")
    services = get("services")
    locations = get("locations")
    links = get("service_at_locations")
    for page in (organizations, services, locations, links):
        assert set(page) >= PAGE_FIELDS
        assert page["empty"] is False
        assert page["first_page"]
        assert page["last_page"]
    check_objects("organization", organizations["contents"])
    check_objects("service", services["contents"])
    check_objects("location", locations["contents"])
    check_objects("address", [a for loc in locations["contents"] for a in loc["addresses"]])
    check_objects("service_at_location", links["contents"])
    assert {s["status"] for s in services["contents"]} <= {
        "active",
        "inactive",
        "defunct",
        "temporarily closed",
    }
    assert {loc["location_type"] for loc in locations["contents"]} <= {"physical", "postal", "virtual"}
    # Every reference points at an object the feed publishes.
    org_ids = {o["id"] for o in organizations["contents"]}
    service_ids = {s["id"] for s in services["contents"]}
    location_ids = {loc["id"] for loc in locations["contents"]}
    assert {s["organization_id"] for s in services["contents"]} <= org_ids
    assert {link["service_id"] for link in links["contents"]} <= service_ids
    assert {link["location_id"] for link in links["contents"]} <= location_ids


def test_only_offered_programmes_are_published(world, directory) -> None:
    names = {s["name"] for s in get("services")["contents"]}
    assert names == {"Metinātājs", "Latviešu valodas kursi"}
    retired_offer = directory["offers"][2]
    response = Client().get(f"/api/v1/hsds/services/{retired_offer.public_id}")
    assert response.status_code == 404
    Offer.objects.filter(pk=directory["offers"][0].pk).update(is_active=False)
    assert {s["name"] for s in get("services")["contents"]} == {"Latviešu valodas kursi"}


def test_a_service_fully_nested(world, directory) -> None:
    welder = directory["offers"][0]
    body = get(f"services/{welder.public_id}")
    check_objects("service", [body])
    check_objects("organization", [body["organization"]])
    assert body["organization"]["name"] == "Jelgavas cietums"
    assert body["alternate_name"] == "Welder"
    [link] = body["service_at_locations"]
    check_objects("location", [link["location"]])
    assert link["location"]["addresses"][0]["city"] == "Jelgava"


def test_pages_follow_the_hsds_api(world, directory) -> None:
    first = get("services?per_page=1")
    assert (first["total_items"], first["total_pages"], first["size"]) == (2, 2, 1)
    assert first["first_page"] is True
    assert first["last_page"] is False
    second = get("services?per_page=1&page=2")
    assert second["last_page"] is True
    assert second["contents"][0]["id"] != first["contents"][0]["id"]
    beyond = get("services?per_page=1&page=9")
    assert beyond["contents"] == []
    assert beyond["empty"] is False
    assert Client().get("/api/v1/hsds/services?per_page=1000").status_code == 422


def test_an_empty_directory(db) -> None:
    page = get("services")
    assert page["empty"] is True
    assert page["contents"] == []
    assert page["total_items"] == 0


@pytest.mark.parametrize("path", ["organizations", "services", "locations", "service_at_locations"])
def test_queries_do_not_grow_with_the_rows(world, directory, path) -> None:
    with CaptureQueriesContext(connection) as few:
        before = get(path)["total_items"]
    location = make_location("jekabpils-cietums", "Jēkabpils cietums")
    for number in range(10):
        programme = make_programme(f"p-{number}", name=f"Programma {number}")
        make_offer(programme, location, "jekabpils-cietums" if number % 2 else "jelgavas-cietums")
    with CaptureQueriesContext(connection) as many:
        assert get(path)["total_items"] > before
    assert len(many) == len(few)


def test_every_location_owner_is_published(world, directory) -> None:
    # An NGO delivers at the prison: the prison (the location's owner) is listed too.
    ngo_programme = make_programme("ngo-kurss", name="NVO kurss", organizations=["test-ngo"])
    make_offer(ngo_programme, directory["location"], "test-ngo")
    organization_ids = {o["id"] for o in get("organizations?per_page=100")["contents"]}
    location_owners = {loc["organization_id"] for loc in get("locations?per_page=100")["contents"]}
    assert location_owners <= organization_ids
    assert str(world.ngo.public_id) in organization_ids
