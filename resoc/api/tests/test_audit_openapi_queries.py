"""Audit entries of every API call, the OpenAPI document, and the list endpoint's query count."""

import datetime as dt
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import add_relationship
from resoc.audit.models import AuditEntry
from resoc.people.models import Person


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


def test_search_and_every_listed_person_are_audited(world, api_as):
    api_as("prison_officer").get("/persons", q="berz")
    (search,) = _entries("search")
    assert search.channel == "api"
    assert search.actor_username == "prison_officer"
    assert search.detail["query"] == "berz"
    (listed,) = _entries("list")
    assert (listed.person_public_id, listed.channel, listed.category) == (
        world.person.public_id,
        "api",
        "identity",
    )


def test_read_is_audited(world, api_as):
    api_as("prison_officer").get(f"/persons/{world.person.public_id}")
    (view,) = _entries("view")
    assert (view.person_public_id, view.channel, view.role) == (
        world.person.public_id,
        "api",
        "resocialization_officer",
    )


@pytest.mark.parametrize("known", [True, False])
def test_refused_reads_are_audited_as_denied(world, api_as, known):
    public_id = world.person.public_id if known else uuid.uuid4()
    api_as("other_prison_officer").get(f"/persons/{public_id}")
    (denied,) = _entries("denied")
    assert (denied.person_public_id, denied.channel) == (public_id, "api")
    assert not _entries("view")


def test_create_and_update_are_audited(world, api_as):
    api = api_as("prison_officer")
    created = api.post("/persons", {"given_names": "Anna", "family_name": "Kalniņa", "sex": "female"}).json()
    (create,) = _entries("create")
    assert (str(create.person_public_id), create.channel) == (created["public_id"], "api")
    api.patch(f"/persons/{created['public_id']}", {"phone": "+371 20000000"})
    (update,) = _entries("update")
    assert update.channel == "api"
    assert update.detail == {"fields": ["phone"]}


def test_an_update_that_changes_nothing_is_still_audited_as_a_read(world, api_as):
    api_as("prison_officer").patch(f"/persons/{world.person.public_id}", {"family_name": "Bērziņš"})
    assert not _entries("update")
    assert len(_entries("view")) == 1


def test_openapi_document_lists_the_paths_and_the_bearer_scheme(world, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/persons", "/api/v1/persons/{public_id}"} <= set(document["paths"])
    assert set(document["paths"]["/api/v1/persons"]) == {"get", "post"}
    assert set(document["paths"]["/api/v1/persons/{public_id}"]) == {"get", "patch"}
    schemes = document["components"]["securitySchemes"]
    assert any(s == {"type": "http", "scheme": "bearer"} for s in schemes.values())
    create = document["paths"]["/api/v1/persons"]["post"]
    assert {"201", "409", "422"} <= set(create["responses"])
    assert document["components"]["schemas"]["PersonCreate"]["properties"]["given_names"]["maxLength"] == 100


def _add_persons(count: int) -> None:
    for n in range(count):
        person = Person.objects.create(
            given_names="Pēteris",
            family_name=f"Ozols{chr(ord('a') + n % 26)}",
            sex="male",
            date_of_birth=dt.date(1970, 1, 1) + dt.timedelta(days=n),
        )
        add_relationship(person, "jelgavas-cietums", "custody")


def _queries_for_list(api) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get("/persons", q="ozol")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_list_query_count_does_not_grow_with_the_number_of_persons(world, api_as):
    api = api_as("prison_officer")
    _add_persons(5)
    few = _queries_for_list(api)
    _add_persons(25)
    many = _queries_for_list(api)
    assert api.get("/persons", q="ozol").json()["count"] == 30
    assert many == few
    assert few <= 12


def test_list_is_paginated_in_latvian_order(world, api_as):
    api = api_as("prison_officer")
    for family_name in ["Čakste", "Cīrulis", "Zariņš", "Šmits", "Ābele"] + [
        f"Liepa{n:02d}" for n in range(25)
    ]:
        person = Person.objects.create(given_names="Ilze", family_name=family_name, sex="female")
        add_relationship(person, "jelgavas-cietums", "custody")
    first = api.get("/persons").json()
    assert (first["count"], first["page"], first["page_size"], first["pages"]) == (31, 1, 25, 2)
    names = [p["family_name"] for p in first["results"]]
    assert names[:4] == ["Ābele", "Bērziņš", "Cīrulis", "Čakste"]
    second = api.get("/persons", page=2).json()
    assert [p["family_name"] for p in second["results"]][-2:] == ["Šmits", "Zariņš"]
    assert api.get("/persons", page=9).json()["results"] == []
