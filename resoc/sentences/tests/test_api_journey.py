"""Sentences, transfers, absences and probation through the API: success, refusals, denials, audit."""

import json
import uuid
from typing import Any

import pytest

from conftest import add_relationship
from resoc.audit.models import AuditAction, AuditEntry
from resoc.sentences import services
from resoc.sentences.models import CustodyEnd, ProbationPeriod, Sentence, TemporaryAbsence
from resoc.sentences.tests.conftest import counts, days, org

PROBLEM = "application/problem+json"


def _records() -> dict[str, int]:
    """What a refused request must leave unchanged (the audit log records the refusal itself)."""
    return {name: n for name, n in counts().items() if name != "AuditEntry"}


def _problem(response, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    if field is not None:
        assert field in body["errors"], body
    return body


def _denied_entries(**filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.DENIED, **filters))


@pytest.fixture
def released(world, held):
    """Sentenced to end in 30 days with Zemgale probation preparing the release; released today."""
    officer = world.acting("prison_officer")
    services.sentence_record(
        acting=officer,
        person=world.person,
        court="Zemgales rajona tiesa",
        starts_on=days(-400),
        ends_on=days(30),
        release_probation_unit=org("vpd-zemgale"),
    )
    services.person_release(
        acting=officer, person=world.person, released_on=days(0), reason="end_of_sentence"
    )
    return world.person


# --- sentences -------------------------------------------------------------------------------------


def test_record_and_list_sentences(world, held, api_as):
    api = api_as("prison_officer")
    path = f"/persons/{world.person.public_id}/sentences"
    assert api.get(path).json() == []
    response = api.post(
        path,
        {
            "court": "Zemgales rajona tiesa",
            "starts_on": days(-100).isoformat(),
            "ends_on": days(600).isoformat(),
            "release_probation_unit": "vpd-zemgale",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["release_probation_unit"] == "vpd-zemgale"
    assert Sentence.objects.get().public_id == uuid.UUID(created["public_id"])
    assert api.get(path).json() == [created]
    entries = AuditEntry.objects.filter(record_type="sentence", channel="api")
    assert sorted(entries.values_list("action", flat=True)) == ["create", "view", "view"]


def test_sentence_refusals_are_problems_and_store_nothing(world, held, api_as):
    api = api_as("prison_officer")
    path = f"/persons/{world.person.public_id}/sentences"
    before = _records()
    backwards = api.post(
        path, {"court": "Tiesa", "starts_on": days(-10).isoformat(), "ends_on": days(-20).isoformat()}
    )
    assert _problem(backwards, 422, "ends_on")["type"] == "urn:resoc:problem:validation-error"
    unknown = api.post(
        path,
        {
            "court": "Tiesa",
            "starts_on": days(-10).isoformat(),
            "ends_on": days(20).isoformat(),
            "release_probation_unit": "vpd-nekur",
        },
    )
    _problem(unknown, 422, "release_probation_unit")
    wrong_kind = api.post(
        path,
        {
            "court": " ",
            "starts_on": days(-10).isoformat(),
            "ends_on": days(20).isoformat(),
            "release_probation_unit": "jelgavas-cietums",
        },
    )
    assert set(_problem(wrong_kind, 422)["errors"]) == {"court", "release_probation_unit"}
    assert _records() == before


@pytest.mark.parametrize("persona", ["other_prison_officer", "career_consultant", "facilitator"])
def test_sentences_of_a_person_one_may_not_read_are_404(world, held, api_as, persona):
    api = api_as(persona)
    path = f"/persons/{world.person.public_id}/sentences"
    before = _records()
    _problem(api.get(path), 404)
    body = {"court": "Tiesa", "starts_on": days(-10).isoformat(), "ends_on": days(20).isoformat()}
    _problem(api.post(path, body), 404)
    unknown = api.post(f"/persons/{uuid.uuid4()}/sentences", body)
    assert _problem(unknown, 404)["detail"] == _problem(api.post(path, body), 404)["detail"]
    assert _records() == before
    assert len(_denied_entries(person_public_id=world.person.public_id, category="sentence")) == 3


# --- transfers -------------------------------------------------------------------------------------


def test_transfer_through_the_api(world, held, api_as):
    response = api_as("prison_officer").post(
        f"/persons/{world.person.public_id}/transfers",
        {"to_prison": "jekabpils-cietums", "transferred_on": days(-5).isoformat()},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["prison"], body["admitted_on"], body["left_on"]) == (
        "jekabpils-cietums",
        days(-5).isoformat(),
        None,
    )
    assert body["regime_level"] == "closed-lowest"  # carried over
    held.refresh_from_db()
    assert (held.left_on, held.ended_by) == (days(-5), CustodyEnd.TRANSFER)
    # The officer of the receiving prison now holds the person; the one of the previous prison still
    # reads the file until the end of the transfer day only.
    listed = api_as("other_prison_officer").get(f"/persons/{world.person.public_id}/custody-periods")
    assert [p["prison"] for p in listed.json()] == ["jekabpils-cietums", "jelgavas-cietums"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_prison": "jekabpils-cietums", "transferred_on": "before-admission"}, "transferred_on"),
        ({"to_prison": "no-such-prison", "transferred_on": "yesterday"}, "to_prison"),
        ({"to_prison": "jelgavas-cietums", "transferred_on": "yesterday"}, "to_prison"),  # same prison
        ({"to_prison": "vpd-zemgale", "transferred_on": "yesterday"}, "to_prison"),  # not a prison
        ({"to_prison": "jekabpils-cietums", "transferred_on": "tomorrow"}, "transferred_on"),
        (
            {"to_prison": "jekabpils-cietums", "transferred_on": "yesterday", "regime_level": "x"},
            "regime_level",
        ),
    ],
)
def test_transfer_refusals_are_problems_and_store_nothing(world, held, api_as, body, field):
    when = {"before-admission": days(-101), "yesterday": days(-1), "tomorrow": days(1)}
    body = {**body, "transferred_on": when[body["transferred_on"]].isoformat()}
    before = _records()
    _problem(api_as("prison_officer").post(f"/persons/{world.person.public_id}/transfers", body), 422, field)
    assert _records() == before
    held.refresh_from_db()
    assert held.left_on is None


def test_transfer_of_a_person_not_in_custody_is_refused(world, released, api_as):
    response = api_as("prison_officer").post(
        f"/persons/{world.person.public_id}/transfers",
        {"to_prison": "jekabpils-cietums", "transferred_on": days(0).isoformat()},
    )
    _problem(response, 422, "to_prison")


def test_transfer_by_a_role_that_may_not_is_403_and_audited(world, held, api_as):
    add_relationship(world.person, "vpd-zemgale", "release_preparation")
    before = _records()
    response = api_as("probation_officer").post(
        f"/persons/{world.person.public_id}/transfers",
        # An unknown code: a role that may not transfer is told so before anything is looked up.
        {"to_prison": "no-such-prison", "transferred_on": days(-1).isoformat()},
    )
    assert _problem(response, 403)["type"] == "urn:resoc:problem:forbidden"
    assert _records() == before
    (denied,) = _denied_entries(record_type="custody_period")
    assert (denied.person_public_id, denied.channel, denied.detail) == (
        world.person.public_id,
        "api",
        {"reason": "action_not_allowed"},
    )


@pytest.mark.parametrize("persona", ["other_prison_officer", "career_consultant"])
def test_transfer_of_a_person_one_may_not_read_is_404(world, held, api_as, persona):
    before = _records()
    response = api_as(persona).post(
        f"/persons/{world.person.public_id}/transfers",
        {"to_prison": "jekabpils-cietums", "transferred_on": days(-1).isoformat()},
    )
    _problem(response, 404)
    assert _records() == before


# --- temporary absences ----------------------------------------------------------------------------


def _absence(api, person, starts: int, ends: int, **extra):
    body = {"kind": "hospital", "starts_on": days(starts).isoformat(), "ends_on": days(ends).isoformat()}
    return api.post(f"/persons/{person.public_id}/absences", {**body, **extra})


def test_record_and_list_absences(world, held, api_as):
    api = api_as("prison_officer")
    first = _absence(api, world.person, -20, -18)
    assert first.status_code == 201, first.content
    assert first.json()["custody_period"] == str(held.public_id)
    assert first.json()["prison"] == "jelgavas-cietums"
    explicit = _absence(api, world.person, -10, -9, custody_period=str(held.public_id), kind="court")
    assert explicit.status_code == 201, explicit.content
    listed = api.get(f"/persons/{world.person.public_id}/absences").json()
    assert [a["public_id"] for a in listed] == [explicit.json()["public_id"], first.json()["public_id"]]
    nested = api.get(f"/persons/{world.person.public_id}/custody-periods").json()[0]["absences"]
    assert [a["kind"] for a in nested] == ["court", "hospital"]
    assert AuditEntry.objects.filter(record_type="temporary_absence", action="view").count() == 1


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        (-19, -17, "starts_on"),  # overlaps the absence recorded below
        (-5, -6, "ends_on"),  # ends before it starts
        (-150, -140, "starts_on"),  # before the admission
        (2, 3, "starts_on"),  # in the future
    ],
)
def test_absence_refusals_are_problems_and_store_nothing(world, held, api_as, starts, ends, field):
    api = api_as("prison_officer")
    assert _absence(api, world.person, -20, -18).status_code == 201
    before = _records()
    _problem(_absence(api, world.person, starts, ends), 422, field)
    assert _records() == before


def test_absence_needs_a_custody_period_of_the_person(world, held, api_as):
    api = api_as("prison_officer")
    _problem(_absence(api, world.person, -3, -2, custody_period=str(uuid.uuid4())), 422, "custody_period")
    _problem(_absence(api, world.person, -3, -2, kind="holiday"), 422, "kind")
    assert not TemporaryAbsence.objects.exists()


def test_absence_of_a_released_person_is_refused(world, released, api_as):
    api = api_as("prison_officer", language="en")
    body = _problem(_absence(api, world.person, -3, -2), 422, "custody_period")
    assert body["errors"]["custody_period"] == ["The person is not in custody."]


@pytest.mark.parametrize(("persona", "status"), [("other_prison_officer", 404), ("career_consultant", 404)])
def test_absences_of_a_person_one_may_not_read_are_404(world, held, api_as, persona, status):
    api = api_as(persona)
    _problem(api.get(f"/persons/{world.person.public_id}/absences"), status)
    _problem(_absence(api, world.person, -3, -2), status)
    assert not TemporaryAbsence.objects.exists()


def test_absence_by_a_probation_officer_is_403(world, held, api_as):
    add_relationship(world.person, "vpd-zemgale", "release_preparation")
    _problem(_absence(api_as("probation_officer"), world.person, -3, -2), 403)
    assert not TemporaryAbsence.objects.exists()


def test_absence_list_queries_do_not_grow_with_the_absences(
    world, held, api_as, django_assert_max_num_queries
):
    api = api_as("prison_officer")
    path = f"/persons/{world.person.public_id}/absences"
    _absence(api, world.person, -90, -90)
    with django_assert_max_num_queries(12) as captured:
        api.get(path)
    few = len(captured.captured_queries)
    for start in range(-80, -20, 5):
        assert _absence(api, world.person, start, start + 1).status_code == 201
    with django_assert_max_num_queries(few):
        assert len(api.get(path).json()) == 13


# --- release ---------------------------------------------------------------------------------------


def test_release_before_the_admission_is_refused_and_stores_nothing(world, held, api_as):
    before = _records()
    response = api_as("prison_officer", language="en").post(
        f"/persons/{world.person.public_id}/release",
        {"released_on": days(-101).isoformat(), "reason": "pardon"},
    )
    body = _problem(response, 422, "released_on")
    assert body["errors"]["released_on"] == [
        f"The release cannot be before the admission ({days(-100):%d.%m.%Y})."
    ]
    assert _records() == before


# --- probation -------------------------------------------------------------------------------------


def _start(api, person, starts: int = 0, **extra):
    body = {"probation_unit": "vpd-zemgale", "starts_on": days(starts).isoformat(), **extra}
    return api.post(f"/persons/{person.public_id}/probation-periods", body)


def test_start_and_end_probation_through_the_api(world, released, api_as):
    api = api_as("probation_officer")
    response = _start(api, world.person, officer="probation_officer")
    assert response.status_code == 201, response.content
    started = response.json()
    assert (started["probation_unit"], started["officer"], started["ends_on"]) == (
        "vpd-zemgale",
        "probation_officer",
        None,
    )
    ended = api.post(f"/probation-periods/{started['public_id']}/end", {"ends_on": days(0).isoformat()})
    assert ended.status_code == 200, ended.content
    assert ended.json() == {**started, "ends_on": days(0).isoformat()}
    assert ProbationPeriod.objects.get().ends_on == days(0)
    assert AuditEntry.objects.filter(record_type="probation_period", action="update", channel="api").exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"probation_unit": "vpd-nekur"}, "probation_unit"),
        ({"officer": "nobody"}, "officer"),
        ({"officer": "prison_officer"}, "officer"),  # not a probation officer of the unit
        ({"starts_on": days(3).isoformat()}, "starts_on"),  # in the future
    ],
)
def test_probation_start_refusals_are_problems_and_store_nothing(world, released, api_as, extra, field):
    before = _records()
    _problem(_start(api_as("probation_officer"), world.person, **extra), 422, field)
    assert _records() == before


def test_overlapping_probation_is_refused_in_the_callers_language(world, released, api_as):
    assert _start(api_as("probation_officer"), world.person, -1).status_code == 201
    before = _records()
    english = _problem(_start(api_as("probation_officer", language="en"), world.person), 422, "starts_on")
    latvian = _problem(_start(api_as("probation_officer", language="lv"), world.person), 422, "starts_on")
    assert english["errors"]["starts_on"] == ["Another probation period covers this date."]
    assert latvian["errors"]["starts_on"] == ["Šo datumu jau aptver cits probācijas periods."]
    assert latvian["title"] != english["title"]
    assert _records() == before


def test_probation_start_by_a_prison_officer_is_403(world, released, api_as):
    before = _records()
    _problem(_start(api_as("prison_officer"), world.person), 403)
    assert _records() == before


@pytest.mark.parametrize("persona", ["other_prison_officer", "career_consultant"])
def test_probation_of_a_person_one_may_not_read_is_404(world, released, api_as, persona):
    # The career consultant prepares the release with the person's area, but never reads the sentence.
    add_relationship(world.person, "nva-jelgava", "release_preparation")
    period = services.probation_start(
        acting=world.acting("probation_officer"),
        person=world.person,
        probation_unit=org("vpd-zemgale"),
        starts_on=days(0),
    )
    before = _records()
    api = api_as(persona)
    _problem(_start(api, world.person), 404)
    _problem(api.post(f"/probation-periods/{period.public_id}/end", {"ends_on": days(0).isoformat()}), 404)
    assert _records() == before


def test_probation_end_refusals(world, released, api_as):
    period = services.probation_start(
        acting=world.acting("probation_officer"),
        person=world.person,
        probation_unit=org("vpd-zemgale"),
        starts_on=days(0),
    )
    api = api_as("probation_officer")
    before = _records()
    path = f"/probation-periods/{period.public_id}/end"
    _problem(api.post(path, {"ends_on": days(-1).isoformat()}), 422, "ends_on")  # before it starts
    _problem(api.post(f"/probation-periods/{uuid.uuid4()}/end", {"ends_on": days(0).isoformat()}), 404)
    # The prison officer still reads the file on the day of release, but supervision is not theirs.
    _problem(api_as("prison_officer").post(path, {"ends_on": days(0).isoformat()}), 403)
    assert _records() == before
    assert api.post(path, {"ends_on": days(0).isoformat()}).status_code == 200
    _problem(api.post(path, {"ends_on": days(0).isoformat()}), 422, "ends_on")  # already ended


# --- the OpenAPI document --------------------------------------------------------------------------


def test_openapi_describes_the_journey_with_typed_bodies(world, client):
    document = json.loads(client.get("/api/v1/openapi.json").content)
    paths = document["paths"]
    expected = {
        "/api/v1/persons/{public_id}/sentences": {"get", "post"},
        "/api/v1/persons/{public_id}/transfers": {"post"},
        "/api/v1/persons/{public_id}/absences": {"get", "post"},
        "/api/v1/persons/{public_id}/probation-periods": {"get", "post"},
        "/api/v1/probation-periods/{public_id}/end": {"post"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            assert {"401", "403", "404", "422"} <= set(paths[path][method]["responses"]), (path, method)
    schemas = document["components"]["schemas"]
    bodies = {
        ("/api/v1/persons/{public_id}/sentences", "SentenceCreate"),
        ("/api/v1/persons/{public_id}/transfers", "TransferCreate"),
        ("/api/v1/persons/{public_id}/absences", "AbsenceCreate"),
        ("/api/v1/persons/{public_id}/probation-periods", "ProbationStart"),
        ("/api/v1/probation-periods/{public_id}/end", "ProbationEnd"),
    }
    for path, schema in bodies:
        body = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{schema}"}
        assert schemas[schema]["additionalProperties"] is False
    assert schemas["TransferCreate"]["required"] == ["to_prison", "transferred_on"]
    assert schemas["SentenceCreate"]["properties"]["court"]["maxLength"] == 200
    assert "hospital" in json.dumps(schemas["AbsenceKind"])
    ok = paths["/api/v1/persons/{public_id}/absences"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["items"] == {
        "$ref": "#/components/schemas/AbsenceRecordOut"
    }


def test_sentence_list_queries_do_not_grow_with_the_sentences(
    world, held, api_as, django_assert_max_num_queries
):
    api = api_as("prison_officer")
    path = f"/persons/{world.person.public_id}/sentences"

    def record(n: int) -> None:
        body = {
            "court": f"Tiesa {n}",
            "starts_on": days(-300 + n).isoformat(),
            "ends_on": days(300 + n).isoformat(),
            "release_probation_unit": "vpd-zemgale",
        }
        assert api.post(path, body).status_code == 201

    record(0)
    with django_assert_max_num_queries(12) as captured:
        api.get(path)
    few = len(captured.captured_queries)
    for n in range(1, 11):
        record(n)
    with django_assert_max_num_queries(few):
        assert len(api.get(path).json()) == 11
