"""The HSDS directory carries an NGO's profile where HSDS has a place for it, in constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from resoc.community.models import NgoProfile
from resoc.organizations.models import Organization, OrganizationType
from resoc.programmes.tests.conftest import make_location, make_offer, make_programme

pytestmark = pytest.mark.django_db


def _ngo_with_service(code: str, name: str, programme_code: str):
    ngo = Organization.objects.filter(code=code).first() or Organization.objects.create(
        code=code, name=name, type=OrganizationType.NGO
    )
    profile = NgoProfile.objects.create(
        organization=ngo,
        description="Resocializācijas centrs ar dzīvesvietu",
        areas=" addiction housing ",
        regions=" zemgale riga ",
        phone="+371 63000000",
        email="info@cels.example",
        website="https://cels.example",
    )
    profile.contacts.create(name="Ilze Kalniņa", position="Koordinatore", phone="+371 20000001")
    programme = make_programme(programme_code, name=f"Kurss {programme_code}", organizations=[code])
    make_offer(programme, make_location(code, f"{name} centrs"), code)
    return ngo


def _get(path: str):
    response = Client().get(f"/api/v1/hsds/{path}")
    assert response.status_code == 200
    return response.json()


def test_an_ngo_organization_carries_its_profile(world):
    ngo = _ngo_with_service("test-ngo", "", "ngo-kurss")
    [entry] = [o for o in _get("organizations")["contents"] if o["id"] == str(ngo.public_id)]
    assert entry["description"] == "Resocializācijas centrs ar dzīvesvietu"
    assert (entry["email"], entry["website"]) == ("info@cels.example", "https://cels.example")
    assert entry["phones"][0]["number"] == "+371 63000000"
    [contact] = entry["contacts"]
    assert (contact["name"], contact["title"]) == ("Ilze Kalniņa", "Koordinatore")
    assert contact["phones"][0]["number"] == "+371 20000001"
    areas = {a["taxonomy_term"]["code"]: a["taxonomy_term"]["name"] for a in entry["attributes"]}
    assert areas == {"addiction": "Atkarības", "housing": "Mājoklis"}
    for obj in [*entry["phones"], *entry["contacts"], *entry["attributes"]]:
        assert obj["id"]


def test_its_services_carry_the_regions_served(world):
    _ngo_with_service("test-ngo", "", "ngo-kurss")
    [service] = _get("services")["contents"]
    assert {area["name"] for area in service["service_areas"]} == {"Zemgale", "Rīga"}
    nested = _get(f"services/{service['id']}")
    assert nested["organization"]["contacts"][0]["name"] == "Ilze Kalniņa"


def test_profiles_add_no_queries_per_organization(world):
    _ngo_with_service("test-ngo", "", "ngo-kurss")
    with CaptureQueriesContext(connection) as few:
        _get("organizations")
        _get("services")
    for n in range(5):
        _ngo_with_service(f"ngo-{n}", f"NVO {n}", f"kurss-{n}")
    with CaptureQueriesContext(connection) as many:
        assert _get("organizations")["total_items"] == 6
        _get("services")
    assert len(many) == len(few)
