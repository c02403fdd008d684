"""Bearer tokens: who gets in, and the 401 every other caller gets."""

import pytest
from django.utils import timezone

from resoc.access.models import ApiToken
from resoc.api.tests.conftest import ApiClient, token_for
from resoc.organizations.models import Organization


def _assert_unauthenticated(response, *, invalid_token: bool) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert ('error="invalid_token"' in response["WWW-Authenticate"]) is invalid_token
    body = response.json()
    assert body["type"] == "urn:resoc:problem:unauthenticated"
    assert body["status"] == 401
    assert {"title", "detail"} <= body.keys()


def test_a_valid_token_acts_as_its_membership_and_is_marked_used(world):
    issued, raw = ApiToken.issue(membership=world.users["prison_officer"].memberships.get(), name="ERP")
    response = ApiClient(raw).get("/persons")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    issued.refresh_from_db()
    assert issued.last_used_at is not None


def test_missing_token_is_refused(world):
    _assert_unauthenticated(ApiClient(None).get("/persons"), invalid_token=False)


@pytest.mark.parametrize(
    "header", ["Bearer rsc_garbage", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz", "Bearer ļoti-slikts"]
)
def test_garbage_token_is_refused(world, header):
    response = ApiClient(None).client.get("/api/v1/persons", HTTP_AUTHORIZATION=header)
    _assert_unauthenticated(response, invalid_token=True)


def test_a_session_login_is_not_an_api_credential(world):
    response = world.client("prison_officer").get("/api/v1/persons")
    _assert_unauthenticated(response, invalid_token=False)


def test_revoked_token_is_refused(world):
    issued, raw = ApiToken.issue(membership=world.users["prison_officer"].memberships.get(), name="ERP")
    issued.revoked_at = timezone.now()
    issued.save()
    _assert_unauthenticated(ApiClient(raw).get("/persons"), invalid_token=True)


def test_token_of_an_inactive_membership_is_refused(world):
    raw = token_for(world.users["prison_officer"])
    world.users["prison_officer"].memberships.update(is_active=False)
    _assert_unauthenticated(ApiClient(raw).get("/persons"), invalid_token=True)


def test_token_of_an_inactive_user_is_refused(world):
    raw = token_for(world.users["prison_officer"])
    world.users["prison_officer"].is_active = False
    world.users["prison_officer"].save()
    _assert_unauthenticated(ApiClient(raw).get("/persons"), invalid_token=True)


def test_token_of_a_deactivated_organization_is_refused(world):
    raw = token_for(world.users["prison_officer"])
    Organization.objects.filter(code="jelgavas-cietums").update(is_active=False)
    _assert_unauthenticated(ApiClient(raw).get("/persons"), invalid_token=True)


def test_every_endpoint_needs_a_token(world):
    anonymous = ApiClient(None)
    path = f"/persons/{world.person.public_id}"
    for response in (
        anonymous.get("/persons"),
        anonymous.get(path),
        anonymous.post("/persons", {"given_names": "A", "family_name": "B", "sex": "male"}),
        anonymous.patch(path, {"phone": "+371 20000000"}),
    ):
        _assert_unauthenticated(response, invalid_token=False)
