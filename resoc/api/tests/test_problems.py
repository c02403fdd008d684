"""Invalid input: RFC 9457 problem details in the caller's language, and nothing stored."""

from typing import Any

import pytest

from resoc.access.models import ApiToken
from resoc.api.tests.conftest import ApiClient
from resoc.audit.models import AuditEntry
from resoc.people.models import Person, PersonEvent, Relationship

VALID = {"given_names": "Anna", "family_name": "Kalniņa", "sex": "female"}


@pytest.fixture
def officer(world):
    return lambda language="en": ApiClient(
        ApiToken.issue(membership=world.users["prison_officer"].memberships.get(), name="t")[1], language
    )


def _problem(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert isinstance(body["type"], str)
    assert isinstance(body["title"], str)
    assert isinstance(body["detail"], str)
    return body


def _nothing_stored() -> None:
    assert Person.objects.count() == 1  # only the world's Jānis Bērziņš
    assert Relationship.objects.count() == 1
    assert not PersonEvent.objects.exists()
    assert not AuditEntry.objects.filter(action="create").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"personal_code": "010180-10019"}, "personal_code"),  # wrong check digit
        ({"personal_code": "12345"}, "personal_code"),
        ({"personal_code": "310280-10012"}, "personal_code"),  # 31 February
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"given_names": "<script>alert(1)</script>"}, "given_names"),
        ({"family_name": "<b>Kalniņa</b>"}, "family_name"),
        ({"address": "Rīga <img src=x>"}, "address"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_service_validation_errors_are_422_problems_and_nothing_is_stored(world, officer, changes, field):
    body = _problem(officer().post("/persons", {**VALID, **changes}), 422)
    assert body["type"] == "urn:resoc:problem:validation-error"
    assert list(body["errors"]) == [field]
    assert all(isinstance(m, str) and m for m in body["errors"][field])
    _nothing_stored()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date_of_birth": "1980-02-30"}, "date_of_birth"),  # impossible date
        ({"date_of_birth": "30.01.1980"}, "date_of_birth"),  # not ISO
        ({"given_names": 123}, "given_names"),
        ({"family_name": ["Kalniņa"]}, "family_name"),
        ({"sex": "x"}, "sex"),
        ({"confirm_possible_duplicate": "maybe"}, "confirm_possible_duplicate"),
        ({"given_names": "A" * 101}, "given_names"),
        ({"personal_code": "1" * 21}, "personal_code"),
        ({"id": 5}, "id"),  # unknown fields are refused, not ignored
    ],
)
def test_wrong_json_types_are_422_problems_and_nothing_is_stored(world, officer, changes, field):
    body = _problem(officer().post("/persons", {**VALID, **changes}), 422)
    assert body["type"] == "urn:resoc:problem:validation-error"
    assert field in body["errors"]
    _nothing_stored()


def test_missing_fields_are_listed(world, officer):
    body = _problem(officer().post("/persons", {}), 422)
    assert set(body["errors"]) == {"given_names", "family_name", "sex"}
    _nothing_stored()


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"'])
def test_a_body_that_is_no_json_object_is_a_problem(world, officer, raw):
    response = officer().post("/persons", raw)
    assert response.status_code in {400, 422}
    _problem(response, response.status_code)
    _nothing_stored()


def test_wrong_query_parameters_are_problems(world, officer):
    body = _problem(officer().get("/persons", page="first"), 422)
    assert "page" in body["errors"]
    body = _problem(officer().get("/persons", q="x" * 101), 422)
    assert "q" in body["errors"]


def test_update_with_invalid_data_changes_nothing(world, officer):
    path = f"/persons/{world.person.public_id}"
    body = _problem(officer().patch(path, {"family_name": "<i>X</i>", "phone": "+371 20000000"}), 422)
    assert "family_name" in body["errors"]
    body = _problem(officer().patch(path, {"given_names": None}), 422)
    assert "given_names" in body["errors"]
    world.person.refresh_from_db()
    assert (world.person.family_name, world.person.phone) == ("Bērziņš", "")
    assert not AuditEntry.objects.filter(action="update").exists()


def test_errors_are_in_english_when_asked(world, officer):
    body = _problem(officer("en").post("/persons", {**VALID, "date_of_birth": "1980-02-30"}), 422)
    assert body["title"] == "Invalid data"
    assert body["errors"]["date_of_birth"] == ["Enter a real date in the format YYYY-MM-DD."]
    unauthenticated = _problem(ApiClient(None, "en").get("/persons"), 401)
    assert unauthenticated["title"] == "Authentication required"


def test_errors_are_in_latvian_by_default_and_when_asked(world, officer):
    for language in (None, "lv", "lv-LV,lv;q=0.9,en;q=0.5"):
        response = officer(language).post("/persons", {**VALID, "date_of_birth": "1980-02-30"})
        body = _problem(response, 422)
        assert response["Content-Language"] == "lv"
        assert body["title"] == "Nederīgi dati"
        assert body["errors"]["date_of_birth"] == ["Ievadiet esošu datumu formātā GGGG-MM-DD."]
    assert _problem(ApiClient("rsc_wrong", "lv").get("/persons"), 401)["title"] == (
        "Nepieciešama autentifikācija"
    )


def test_service_messages_follow_the_language_too(world, officer):
    english = _problem(officer("en").post("/persons", {**VALID, "family_name": "<b>"}), 422)
    latvian = _problem(officer("lv").post("/persons", {**VALID, "family_name": "<b>"}), 422)
    assert english["errors"]["family_name"] == [
        "A name may contain only letters, spaces, hyphens, apostrophes and dots."
    ]
    assert latvian["detail"] != english["detail"]


def test_unknown_person_problem_in_both_languages(world, officer):
    import uuid

    path = f"/persons/{uuid.uuid4()}"
    assert _problem(officer("en").get(path), 404)["title"] == "Not found"
    assert _problem(officer("lv").get(path), 404)["title"] == "Nav atrasts"


def test_an_unknown_endpoint_answers_with_a_problem(world):
    from django.test import Client

    response = Client().get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "There is no such API endpoint."
