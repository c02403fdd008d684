"""/persons/{id}/custody-periods, /probation-periods and /release through the API."""

import uuid

from resoc.sentences import services
from resoc.sentences.models import CustodyPeriod, Release
from resoc.sentences.tests.conftest import counts, days, org


def test_lists_custody_and_probation_periods(world, held, api_as):
    api = api_as("prison_officer")
    body = api.get(f"/persons/{world.person.public_id}/custody-periods").json()
    assert body == [
        {
            "public_id": str(held.public_id),
            "prison": "jelgavas-cietums",
            "prison_name": "Jelgavas cietums",
            "admitted_on": days(-100).isoformat(),
            "left_on": None,
            "regime_level": "closed-lowest",
            "ended_by": "",
            "absences": [],
        }
    ]
    assert api.get(f"/persons/{world.person.public_id}/probation-periods").json() == []


def test_unreadable_or_unknown_person_is_404(world, held, api_as):
    api = api_as("other_prison_officer")
    for path in [
        f"/persons/{world.person.public_id}/custody-periods",
        f"/persons/{uuid.uuid4()}/probation-periods",
    ]:
        response = api.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_admission_through_the_api(world, api_as):
    response = api_as("prison_officer").post(
        f"/persons/{world.person.public_id}/custody-periods",
        {
            "prison": "jelgavas-cietums",
            "admitted_on": days(-2).isoformat(),
            "regime_level": "partly-closed-medium",
        },
    )
    assert response.status_code == 201
    assert response.json()["regime_level"] == "partly-closed-medium"
    assert CustodyPeriod.objects.get().admitted_on == days(-2)


def test_admission_refusals_are_problems_and_store_nothing(world, held, api_as):
    api = api_as("prison_officer")
    path = f"/persons/{world.person.public_id}/custody-periods"
    before = counts()
    already = api.post(path, {"prison": "jelgavas-cietums", "admitted_on": days(-2).isoformat()})
    assert already.status_code == 422
    assert already.json()["type"] == "urn:resoc:problem:validation-error"
    assert "admitted_on" in already.json()["errors"]
    unknown = api.post(path, {"prison": "no-such-prison", "admitted_on": days(-2).isoformat()})
    assert unknown.status_code == 422
    assert "prison" in unknown.json()["errors"]
    # The DENIED/VIEW audit entries of these reads aside, nothing else is written.
    after = counts()
    assert {k: v for k, v in after.items() if k != "AuditEntry"} == {
        k: v for k, v in before.items() if k != "AuditEntry"
    }


def test_release_through_the_api(world, held, api_as):
    response = api_as("prison_officer").post(
        f"/persons/{world.person.public_id}/release", {"released_on": days(0).isoformat(), "reason": "pardon"}
    )
    assert response.status_code == 201
    assert response.json()["custody_period"] == str(held.public_id)
    assert Release.objects.get().reason == "pardon"


def test_release_by_a_role_that_may_not_is_403(world, held, api_as):
    services.sentence_record(
        acting=world.acting("prison_officer"),
        person=world.person,
        court="Tiesa",
        starts_on=days(-400),
        ends_on=days(30),
        release_probation_unit=org("vpd-zemgale"),
    )
    response = api_as("probation_officer").post(
        f"/persons/{world.person.public_id}/release", {"released_on": days(0).isoformat(), "reason": "pardon"}
    )
    assert response.status_code == 403
    assert response.json()["type"] == "urn:resoc:problem:forbidden"
    assert not Release.objects.exists()


def test_release_with_an_unknown_reason_is_422(world, held, api_as):
    response = api_as("prison_officer").post(
        f"/persons/{world.person.public_id}/release", {"released_on": days(0).isoformat(), "reason": "escape"}
    )
    assert response.status_code == 422
    assert "reason" in response.json()["errors"]
