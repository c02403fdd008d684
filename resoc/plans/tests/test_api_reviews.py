"""/plans/{id}, /plans/{id}/reviews and /plans/{id}/close: success, refusals, denials, audit."""

import json
import uuid
from typing import Any

import pytest

from resoc.audit.models import AuditAction, AuditEntry
from resoc.plans import services
from resoc.plans.models import Plan, PlanReview
from resoc.plans.tests.conftest import add_measure, future, make_plan, past, snapshot


def _review(api, plan: Plan, **changes):
    body = {
        "reviewed_on": str(past(0)),
        "notes": "Programmā piedalās regulāri",
        "next_review_due": str(future(90)),
        **changes,
    }
    return api.post(f"/plans/{plan.public_id}/reviews", body)


def _problem(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def test_read_review_and_close_a_plan(world, api_as):
    plan = make_plan(world)
    api = api_as("prison_officer")
    read = api.get(f"/plans/{plan.public_id}")
    assert read.status_code == 200, read.content
    assert read.json()["status"] == "active"
    assert read.json()["reviews"] == []

    response = _review(api, plan)
    assert response.status_code == 201, response.content
    review = response.json()
    assert review["next_review_due"] == str(future(90))
    plan.refresh_from_db()
    assert plan.next_review_due == future(90)
    assert api.get(f"/plans/{plan.public_id}").json()["reviews"] == [review]

    closed = api.post(f"/plans/{plan.public_id}/close", {})
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    plan.refresh_from_db()
    assert (plan.status, plan.closed_by) == ("closed", world.users["prison_officer"])
    # The closed plan stays readable by its identifier after a new one is drawn up.
    newer = services.plan_create_from_assessment(acting=world.acting("prison_officer"), person=world.person)
    assert api.get(f"/plans/{plan.public_id}").json()["status"] == "closed"
    assert api.get(f"/persons/{world.person.public_id}/plan").json()["public_id"] == str(newer.public_id)


def test_reads_and_changes_are_audited(world, api_as):
    plan = make_plan(world)
    api = api_as("prison_officer")
    api.get(f"/plans/{plan.public_id}")
    _review(api, plan)
    api.post(f"/plans/{plan.public_id}/close", {})
    entries = AuditEntry.objects.filter(record_type="plan", channel="api").order_by("pk")
    assert [(e.action, e.person_public_id) for e in entries] == [
        ("view", world.person.public_id),
        ("update", world.person.public_id),
        ("update", world.person.public_id),
    ]
    assert entries[0].detail == {"plan": str(plan.public_id)}
    assert entries[2].detail["closed"] is True


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"notes": "  "}, {"notes"}),
        ({"reviewed_on": str(future(1))}, {"reviewed_on"}),
        ({"next_review_due": str(past(0))}, {"next_review_due"}),  # not after the review
        ({"reviewed_on": str(past(30)), "next_review_due": str(past(2))}, {"next_review_due"}),  # past
        ({"notes": "<script>x</script>"}, {"notes"}),
        ({"reviewed_on": "31.12.2024"}, {"reviewed_on"}),
        ({"extra": 1}, {"extra"}),
    ],
)
def test_review_refusals_are_problems_and_store_nothing(world, api_as, changes, fields):
    plan = make_plan(world)
    before = snapshot()
    body = _problem(_review(api_as("prison_officer"), plan, **changes), 422)
    assert body["type"] == "urn:resoc:problem:validation-error"
    assert set(body["errors"]) == fields
    assert snapshot() == before


def test_review_errors_come_in_the_callers_language(world, api_as):
    from resoc.api.tests.conftest import ApiClient, token_for

    plan = make_plan(world)
    token = token_for(world.users["prison_officer"])
    english = _problem(_review(ApiClient(token, "en"), plan, reviewed_on=str(future(1))), 422)
    latvian = _problem(_review(ApiClient(token, "lv"), plan, reviewed_on=str(future(1))), 422)
    assert english["errors"]["reviewed_on"] == ["This date is in the future."]
    assert latvian["errors"]["reviewed_on"] != english["errors"]["reviewed_on"]


def test_a_closed_plan_takes_no_review_and_no_second_closing(world, api_as):
    plan = make_plan(world)
    api = api_as("prison_officer")
    assert api.post(f"/plans/{plan.public_id}/close", {}).status_code == 200
    before = snapshot()
    assert "__all__" in _problem(_review(api, plan), 422)["errors"]
    _problem(api.post(f"/plans/{plan.public_id}/close", {}), 422)
    assert snapshot() == before


@pytest.mark.parametrize(
    "persona", ["other_prison_officer", "career_consultant", "ngo_coordinator", "mentor", "system_admin"]
)
def test_others_get_404_and_change_nothing(world, api_as, persona):
    plan = make_plan(world)
    before = snapshot()
    api = api_as(persona)
    for response in (
        api.get(f"/plans/{plan.public_id}"),
        _review(api, plan),
        api.post(f"/plans/{plan.public_id}/close", {}),
    ):
        _problem(response, 404)
    assert snapshot() == before
    plan.refresh_from_db()
    assert plan.status == "active"
    denied = AuditEntry.objects.filter(action=AuditAction.DENIED, person_public_id=world.person.public_id)
    assert denied.count() == 3


def test_a_role_that_must_state_a_purpose_gets_403_and_it_is_audited(world, participant, api_as):
    # The programme facilitator of the prison reads assessments only with a stated purpose, which a
    # token cannot give per request.
    plan = make_plan(world)
    before = snapshot()
    api = api_as("facilitator")
    for response in (
        api.get(f"/plans/{plan.public_id}"),
        _review(api, plan),
        api.post(f"/plans/{plan.public_id}/close", {}),
    ):
        assert _problem(response, 403)["type"] == "urn:resoc:problem:forbidden"
    assert snapshot() == before
    denied = AuditEntry.objects.filter(action=AuditAction.DENIED, person_public_id=world.person.public_id)
    assert [e.detail for e in denied] == [{"reason": "purpose_required"}] * 3


def test_unknown_plan_is_404_and_audited(world, api_as):
    missing = uuid.uuid4()
    api = api_as("prison_officer")
    _problem(api.get(f"/plans/{missing}"), 404)
    _problem(api.post(f"/plans/{missing}/close", {}), 404)
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, record_id=str(missing)).count() == 2
    assert not PlanReview.objects.exists()


def test_plan_read_queries_do_not_grow_with_goals_and_measures(world, api_as, django_assert_max_num_queries):
    plan = make_plan(world)
    api = api_as("prison_officer")
    path = f"/plans/{plan.public_id}"
    with django_assert_max_num_queries(20) as captured:
        assert api.get(path).status_code == 200
    few = len(captured.captured_queries)
    for goal in plan.goals.all():
        for _ in range(3):
            add_measure(world, goal)
    _review(api, plan)
    with django_assert_max_num_queries(few):
        body = api.get(path).json()
    assert sum(len(g["measures"]) for g in body["goals"]) == 3 * len(body["goals"])


def test_openapi_describes_the_plan_endpoints(world, client):
    document = json.loads(client.get("/api/v1/openapi.json").content)
    paths = document["paths"]
    assert set(paths["/api/v1/plans/{public_id}"]) == {"get"}
    review = paths["/api/v1/plans/{public_id}/reviews"]["post"]
    assert review["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReviewIn"
    }
    assert {"201", "403", "404", "422"} <= set(review["responses"])
    close = paths["/api/v1/plans/{public_id}/close"]["post"]
    assert close["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PlanOut"
    }
    assert document["components"]["schemas"]["ReviewIn"]["required"] == [
        "reviewed_on",
        "notes",
        "next_review_due",
    ]
