"""/api/v1/organizations and /api/v1/consents: the policy, problem details, the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import add_relationship
from resoc.audit.models import AuditEntry
from resoc.community.consents import consent_record
from resoc.community.models import CooperationAgreement, NgoProfile
from resoc.community.tests.conftest import org, spec, today
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import Consent

pytestmark = pytest.mark.django_db


def _agreement(world):
    agreement = CooperationAgreement.objects.create(
        organization=world.ngo,
        institution=org("jelgavas-cietums"),
        number="JC-1",
        scope="Grupas",
        valid_from=today() - dt.timedelta(days=30),
        valid_until=today() + dt.timedelta(days=20),
    )
    agreement.prisons.set([org("jelgavas-cietums")])
    return agreement


def test_list_filters_by_type_area_region_and_name(world, api_as):
    NgoProfile.objects.create(organization=world.ngo, areas=" addiction ", regions=" zemgale ")
    api = api_as("analyst")
    body = api.get("/organizations", type="ngo").json()
    assert [o["code"] for o in body["results"]] == ["test-ngo"]
    assert body["results"][0]["areas"] == ["addiction"]
    assert api.get("/organizations", area="addiction").json()["count"] == 1
    assert api.get("/organizations", region="riga").json()["count"] == 0
    named = api.get("/organizations", q="jelgavas cietu").json()["results"]
    assert "jelgavas-cietums" in [o["code"] for o in named]


def test_list_queries_do_not_grow(world, api_as):
    api = api_as("analyst")
    api.get("/organizations")
    with CaptureQueriesContext(connection) as few:
        api.get("/organizations", type="ngo")
    for n in range(6):
        ngo = Organization.objects.create(code=f"n{n}", name=f"NVO {n}", type=OrganizationType.NGO)
        NgoProfile.objects.create(organization=ngo, areas=" faith ")
    with CaptureQueriesContext(connection) as many:
        assert api.get("/organizations", type="ngo").json()["count"] == 7
    assert len(many) == len(few)


def test_detail_shows_profile_contacts_and_agreements_to_those_allowed(world, api_as):
    profile = NgoProfile.objects.create(organization=world.ngo, description="Centrs", phone="+371 20000000")
    profile.contacts.create(name="Ilze", position="Koordinatore")
    _agreement(world)
    body = api_as("org_admin").get(f"/organizations/{world.ngo.public_id}").json()
    assert body["profile"]["description"] == "Centrs"
    assert [c["name"] for c in body["contacts"]] == ["Ilze"]
    assert body["suspended"] is False
    [agreement] = body["agreements"]
    assert (agreement["number"], agreement["state"], agreement["prisons"]) == (
        "JC-1",
        "expiring",
        ["jelgavas-cietums"],
    )
    hidden = api_as("other_prison_officer").get(f"/organizations/{world.ngo.public_id}").json()
    assert hidden["agreements"] == []
    assert hidden["profile"]["description"] == "Centrs"


def test_detail_of_an_ngo_without_agreement_is_suspended(world, api_as):
    assert api_as("ngo_coordinator").get(f"/organizations/{world.ngo.public_id}").json()["suspended"] is True


def test_unknown_organization_is_a_problem(world, api_as):
    response = api_as("analyst").get("/organizations/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_no_token_no_directory(world):
    from django.test import Client

    assert Client().get("/api/v1/organizations").status_code == 401


def _create(world, **overrides):
    body = {
        "person": str(world.person.public_id),
        "organization": str(world.ngo.public_id),
        "categories": ["identity", "family"],
        "purpose": "Atbalsts pēc atbrīvošanas",
        "given_on": today().isoformat(),
    }
    body.update(overrides)
    return body


def test_an_officer_records_lists_and_withdraws_through_the_api(world, api_as):
    api = api_as("prison_officer")
    created = api.post("/consents", _create(world))
    assert created.status_code == 201, created.content
    consent_id = created.json()["public_id"]
    assert created.json()["method"] == "recorded_by_staff"
    listed = api.get("/consents", person=str(world.person.public_id)).json()
    assert [c["public_id"] for c in listed] == [consent_id]
    withdrawn = api.post(f"/consents/{consent_id}/withdraw", {"reason": "Persona atsauca"})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_at"] is not None
    again = api.post(f"/consents/{consent_id}/withdraw", {"reason": "Vēlreiz"})
    assert again.status_code == 422
    assert again["Content-Type"] == "application/problem+json"
    assert Consent.objects.get().withdrawal_reason == "Persona atsauca"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"categories": []}, "categories"),
        ({"categories": ["identity", "secret_diary"]}, "categories"),
        ({"given_on": "2026-02-30"}, "given_on"),
        ({"purpose": ""}, "purpose"),
    ],
)
def test_bad_consents_are_refused_in_the_language_asked(world, api_as, overrides, field):
    response = api_as("prison_officer", "lv").post("/consents", _create(world, **overrides))
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "urn:resoc:problem:validation-error"
    assert field in body["errors"]
    assert not Consent.objects.exists()


def test_consent_to_a_state_institution_is_refused(world, api_as):
    response = api_as("prison_officer").post(
        "/consents", _create(world, organization=str(org("nva-jelgava").public_id))
    )
    assert response.status_code == 422
    assert "organization" in response.json()["errors"]


def test_recording_without_a_relationship_is_refused(world, api_as):
    response = api_as("other_prison_officer").post("/consents", _create(world))
    assert response.status_code == 404
    add_relationship(world.person, "test-ngo", "referral")
    consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    response = api_as("ngo_coordinator").post("/consents", _create(world))
    assert response.status_code == 403
    assert Consent.objects.count() == 1


def test_the_coordinator_withdraws_and_loses_access_at_once(world, api_as):
    add_relationship(world.person, "test-ngo", "referral")
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    api = api_as("ngo_coordinator")
    assert api.get(f"/persons/{world.person.public_id}").status_code == 200
    assert api.get("/consents", person=str(world.person.public_id)).status_code == 200
    assert api.post(f"/consents/{consent.public_id}/withdraw", {"reason": "Pateica"}).status_code == 200
    assert api.get(f"/persons/{world.person.public_id}").status_code == 404
    assert api.get("/consents", person=str(world.person.public_id)).status_code == 404
    assert AuditEntry.objects.filter(action="view", actor=world.users["ngo_coordinator"]).exists()


def test_a_stranger_may_not_withdraw_or_read(world, api_as):
    consent = consent_record(acting=world.acting("prison_officer"), person=world.person, spec=spec(world))
    api = api_as("mentor")
    assert api.post(f"/consents/{consent.public_id}/withdraw", {"reason": "Nē"}).status_code == 404
    assert api.get(f"/consents/{consent.public_id}").status_code == 404
    assert api.get("/consents", person=str(world.person.public_id)).status_code == 404
    consent.refresh_from_db()
    assert not consent.is_withdrawn


def test_openapi_lists_the_new_paths(world, client):
    document = json.loads(client.get("/api/v1/openapi.json").content)
    assert {
        "/api/v1/organizations",
        "/api/v1/organizations/{public_id}",
        "/api/v1/consents",
        "/api/v1/consents/{public_id}",
        "/api/v1/consents/{public_id}/withdraw",
    } <= set(document["paths"])
    assert set(document["paths"]["/api/v1/consents"]) == {"get", "post"}
