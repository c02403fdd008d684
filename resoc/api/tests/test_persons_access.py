"""Every access rule through the API: the persona allowed, and each persona who must be refused.

The API decides nothing itself (resoc.access.policy does); these tests check that it asks.
"""

import datetime as dt
import uuid
from typing import Any

import pytest

from conftest import add_consent, add_relationship
from resoc.people.models import Person

NEW_PERSON = {"given_names": "Anna", "family_name": "Kalniņa", "sex": "female", "date_of_birth": "1990-05-17"}
REFUSED_READERS = [
    "other_prison_officer",  # another prison: no relationship
    "ngo_coordinator",  # referred, but no consent (set up in the test)
    "mentor",
    "system_admin",
    "org_admin",
    "analyst",
    "project_manager",
    "auditor",
    "probation_officer",  # not yet preparing release
    "career_consultant",
    "social_worker",
]


def _not_found(response) -> dict[str, Any]:
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:resoc:problem:not-found"
    return {k: v for k, v in body.items() if k != "instance"}


def test_prison_officer_lists_and_reads_a_person_in_custody(world, api_as):
    api = api_as("prison_officer")
    listed = api.get("/persons").json()
    assert [p["public_id"] for p in listed["results"]] == [str(world.person.public_id)]
    assert "id" not in listed["results"][0]
    body = api.get(f"/persons/{world.person.public_id}").json()
    assert body["family_name"] == "Bērziņš"
    assert body["personal_code"] == "010180-10018"
    assert body["date_of_birth"] == "1980-01-01"
    assert "id" not in body


@pytest.mark.parametrize("persona", REFUSED_READERS)
def test_personas_without_access_neither_list_nor_read(world, api_as, persona):
    add_relationship(world.person, "test-ngo", "referral")  # the NGO still lacks consent
    api = api_as(persona)
    assert api.get("/persons").json()["count"] == 0
    assert api.get("/persons", q="berz").json()["results"] == []
    _not_found(api.get(f"/persons/{world.person.public_id}"))


def test_denied_and_unknown_look_the_same(world, api_as):
    api = api_as("other_prison_officer")
    denied = _not_found(api.get(f"/persons/{world.person.public_id}"))
    unknown = _not_found(api.get(f"/persons/{uuid.uuid4()}"))
    assert denied == unknown


def test_ngo_reads_with_consent_and_loses_access_when_it_is_withdrawn(world, api_as):
    from django.utils import timezone

    add_relationship(world.person, "test-ngo", "referral")
    consent = add_consent(world.person, world.ngo, ["identity"])
    api = api_as("ngo_coordinator")
    assert api.get(f"/persons/{world.person.public_id}").status_code == 200
    consent.withdrawn_at = timezone.now()
    consent.save()
    _not_found(api.get(f"/persons/{world.person.public_id}"))


def test_mentor_reads_only_their_mentee(world, api_as):
    add_relationship(world.person, "test-ngo", "mentoring", mentor=world.users["mentor"])
    add_consent(world.person, world.ngo, ["identity"], mentor=world.users["mentor"])
    assert api_as("mentor").get(f"/persons/{world.person.public_id}").status_code == 200
    _not_found(api_as("other_mentor").get(f"/persons/{world.person.public_id}"))


def test_persons_are_identified_by_public_id_only(world, api_as):
    response = api_as("prison_officer").get(f"/persons/{world.person.pk}")
    assert response.status_code == 422
    assert "public_id" in response.json()["errors"]


@pytest.mark.parametrize("persona", ["prison_officer", "probation_officer"])
def test_registrar_roles_register_persons(world, api_as, persona):
    response = api_as(persona).post("/persons", NEW_PERSON)
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"/api/v1/persons/{body['public_id']}"
    person = Person.objects.get(public_id=body["public_id"])
    assert person.date_of_birth == dt.date(1990, 5, 17)
    # The registering organization can read the new record at once.
    assert api_as(persona).get(f"/persons/{body['public_id']}").status_code == 200


@pytest.mark.parametrize(
    "persona", ["facilitator", "ngo_coordinator", "mentor", "system_admin", "analyst", "auditor", "org_admin"]
)
def test_other_roles_may_not_register(world, api_as, persona):
    response = api_as(persona).post("/persons", NEW_PERSON)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:resoc:problem:forbidden"
    assert not Person.objects.filter(family_name="Kalniņa").exists()


def test_possible_duplicate_needs_confirmation(world, api_as):
    api = api_as("prison_officer")
    twin = {"given_names": "Jānis", "family_name": "Bērziņš", "sex": "male", "date_of_birth": "1980-01-01"}
    response = api.post("/persons", twin)
    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "urn:resoc:problem:possible-duplicate"
    assert body["duplicates"] == [str(world.person.public_id)]
    assert Person.objects.filter(family_name="Bērziņš").count() == 1
    confirmed = api.post("/persons", {**twin, "confirm_possible_duplicate": True})
    assert confirmed.status_code == 201
    assert Person.objects.filter(family_name="Bērziņš").count() == 2


def test_possible_duplicate_names_only_records_the_caller_may_see(world, api_as):
    twin = {"given_names": "Jānis", "family_name": "Bērziņš", "sex": "male", "date_of_birth": "1980-01-01"}
    response = api_as("other_prison_officer").post("/persons", twin)
    assert response.status_code == 409
    assert response.json()["duplicates"] == []
    assert str(world.person.public_id) not in response.content.decode()


def test_prison_officer_corrects_identity_data(world, api_as):
    response = api_as("prison_officer").patch(
        f"/persons/{world.person.public_id}", {"phone": "+371 20000000", "given_names": "Jānis Pēteris"}
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "+371 20000000"
    world.person.refresh_from_db()
    assert world.person.given_names == "Jānis Pēteris"
    assert world.person.family_name == "Bērziņš"  # fields not sent stay as they were


def test_reader_who_is_not_a_registrar_may_not_correct(world, participant, api_as):
    response = api_as("facilitator").patch(f"/persons/{world.person.public_id}", {"phone": "+371 20000000"})
    assert response.status_code == 403
    world.person.refresh_from_db()
    assert world.person.phone == ""


@pytest.mark.parametrize("persona", ["other_prison_officer", "system_admin", "ngo_coordinator", "analyst"])
def test_personas_who_cannot_read_get_404_on_update(world, api_as, persona):
    response = api_as(persona).patch(f"/persons/{world.person.public_id}", {"phone": "+371 20000000"})
    _not_found(response)
    world.person.refresh_from_db()
    assert world.person.phone == ""


def test_a_merged_record_redirects_to_the_survivor(world, api_as):
    survivor = Person.objects.create(given_names="Jānis", family_name="Bērziņš", sex="male")
    add_relationship(survivor, "jelgavas-cietums", "custody")
    world.person.merged_into = survivor
    world.person.save()
    response = api_as("prison_officer").get(f"/persons/{world.person.public_id}")
    assert response.status_code == 308
    assert response["Location"] == f"/api/v1/persons/{survivor.public_id}"
    _not_found(api_as("other_prison_officer").get(f"/persons/{world.person.public_id}"))
