import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resoc.access.models import ApiToken
from resoc.api.tests.conftest import ApiClient
from resoc.referrals import services
from resoc.referrals.models import Referral, State
from resoc.referrals.tests.conftest import refer
from resoc.referrals.tests.test_views import _people

pytestmark = pytest.mark.django_db


def api(world, persona, language=None):
    _, raw = ApiToken.issue(membership=world.users[persona].memberships.get(), name="test")
    return ApiClient(raw, language)


def _body(world, **kwargs):
    return {
        "person": str(world.person.public_id),
        "receiver_organization": "test-ngo",
        "reason": "Atbalsts pēc atbrīvošanas",
        "categories": ["identity", "family"],
        **kwargs,
    }


def test_create_accept_start_complete(ready):
    sender, receiver = api(ready, "prison_officer"), api(ready, "ngo_coordinator")
    created = sender.post("/referrals", _body(ready, urgency="urgent"))
    assert created.status_code == 201, created.content
    referral_id = created.json()["public_id"]
    assert created["Location"].endswith(f"/api/v1/referrals/{referral_id}")
    assert created.json()["state"] == "sent"
    listed = receiver.get("/referrals", box="inbox").json()
    assert listed["count"] == 1
    assert listed["results"][0]["person"] == str(ready.person.public_id)
    assert receiver.post(f"/referrals/{referral_id}/accept", {}).status_code == 200
    assert receiver.post(f"/referrals/{referral_id}/start", {}).status_code == 200
    done = receiver.post(f"/referrals/{referral_id}/complete", {"reason": "Mājoklis atrasts"})
    assert done.status_code == 200
    body = done.json()
    assert body["state"] == "completed"
    assert body["outcome"] == "Mājoklis atrasts"
    assert [t["to_state"] for t in body["transitions"]] == [
        "draft",
        "sent",
        "accepted",
        "in_progress",
        "completed",
    ]
    assert body["transitions"][-1]["seconds_in_state"] is None
    # Access ended: the receiver still sees its referral, but no longer whom it was about.
    assert receiver.get(f"/referrals/{referral_id}").json()["person"] is None


def test_no_agreement_and_no_consent_are_refused_with_problems(world, consent):
    sender = api(world, "prison_officer", "lv")
    response = sender.post("/referrals", _body(world))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "receiver" in response.json()["errors"]
    assert not Referral.objects.exists()


def test_sharing_without_consent_is_refused(ready):
    response = api(ready, "prison_officer").post(
        "/referrals", _body(ready, categories=["identity", "health"])
    )
    assert response.status_code == 422
    assert "categories" in response.json()["errors"]


def test_bad_input(ready):
    sender = api(ready, "prison_officer")
    assert sender.post("/referrals", _body(ready, urgency="yesterday")).status_code == 422
    assert sender.post("/referrals", _body(ready, receiver_organization="nav-tadas")).status_code == 422
    assert sender.post("/referrals", _body(ready, extra=1)).status_code == 422
    assert sender.post("/referrals", "{not json").status_code in (400, 422)
    assert sender.post("/referrals", _body(ready, reason="x" * 2001)).status_code == 422


def test_an_unreadable_person_is_not_found(ready):
    response = api(ready, "other_prison_officer").post("/referrals", _body(ready))
    assert response.status_code == 404


def test_out_of_order_and_a_second_acceptance_conflict(ready):
    referral = refer(ready)
    receiver = api(ready, "ngo_coordinator", "en")
    early = receiver.post(f"/referrals/{referral.public_id}/complete", {"reason": "Gatavs"})
    assert early.status_code == 409
    assert early.json()["type"] == "urn:resoc:problem:state-conflict"
    assert receiver.post(f"/referrals/{referral.public_id}/accept", {}).status_code == 200
    again = receiver.post(f"/referrals/{referral.public_id}/accept", {})
    assert again.status_code == 409
    assert again.json()["code"] == "already_accepted"
    assert "already accepted by" in again.json()["detail"]


def test_the_wrong_side_and_strangers(ready):
    referral = refer(ready)
    assert api(ready, "prison_officer").post(f"/referrals/{referral.public_id}/accept", {}).status_code == 403
    assert api(ready, "career_consultant").get(f"/referrals/{referral.public_id}").status_code == 404
    assert api(ready, "analyst").get("/referrals").status_code == 403
    assert api(ready, "mentor").get("/referrals").status_code == 403


def test_decline_needs_a_reason(ready):
    referral = refer(ready)
    receiver = api(ready, "ngo_coordinator")
    assert receiver.post(f"/referrals/{referral.public_id}/decline", {}).status_code == 422
    assert (
        receiver.post(f"/referrals/{referral.public_id}/decline", {"reason": "Nav vietu"}).status_code == 200
    )


def test_reroute_and_notes(ready):
    referral = refer(ready)
    sender = api(ready, "prison_officer")
    new = sender.post(f"/referrals/{referral.public_id}/reroute", {"receiver_organization": "nva-jelgava"})
    assert new.status_code == 201
    assert new.json()["previous"] == str(referral.public_id)
    assert Referral.objects.get(pk=referral.pk).state == State.REROUTED
    note = sender.post(
        f"/referrals/{referral.public_id}/notes", {"text": "Iekšēja piezīme", "visibility": "internal"}
    )
    assert note.status_code == 201
    assert api(ready, "ngo_coordinator").get(f"/referrals/{referral.public_id}").json()["notes"] == []


def test_the_list_costs_the_same_queries_for_more_rows(ready):
    for person in _people(ready, 3):
        refer(ready, person=person)
    receiver = api(ready, "ngo_coordinator")

    def count():
        receiver.get("/referrals")
        with CaptureQueriesContext(connection) as captured:
            assert receiver.get("/referrals").status_code == 200
        return len(captured)

    few = count()
    for person in _people(ready, 10):
        referral = refer(ready, person=person)
        # Accepted ones name who accepted them: that must not cost a query per row.
        services.referral_transition(
            acting=ready.acting("ngo_coordinator"), referral=referral, action="accept"
        )
    assert count() == few


def test_the_openapi_schema_names_the_actions(ready):
    schema = api(ready, "prison_officer").get("/openapi.json").json()
    assert "/api/v1/referrals/{public_id}/accept" in schema["paths"]
    assert "/api/v1/referrals" in schema["paths"]
