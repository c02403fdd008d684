"""The REST endpoints: the same services, problem details for refusals."""

import json

import pytest

from resoc.organizations.models import Organization, OrganizationType
from resoc.plans.models import Goal, Measure, Plan
from resoc.plans.tests.conftest import PROPOSED_NEEDS, future, past, sign_assessment, snapshot


def _patch(api, path, body):
    return api.client.patch(
        f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=api.headers
    )


def test_draw_up_add_and_complete_through_the_api(world, api_as):
    sign_assessment(world)
    api = api_as("prison_officer")
    person = world.person.public_id
    assert api.get(f"/persons/{person}/plan").status_code == 404
    response = api.post(f"/persons/{person}/plan")
    assert response.status_code == 201, response.content
    assert response["Location"].endswith(f"/persons/{person}/plan")
    body = response.json()
    assert [g["need"] for g in body["goals"]] == PROPOSED_NEEDS
    response = api.post(
        f"/plans/{body['public_id']}/goals",
        {"need": "family", "text": "Ģimenes saikne", "target": "2 tikšanās", "due_on": str(future())},
    )
    assert response.status_code == 201, response.content
    goal = response.json()["public_id"]
    response = api.post(
        f"/goals/{goal}/measures",
        {
            "kind": "referral",
            "description": "Nosūtījums uz NVO",
            "responsible_organization": "test-ngo",
            "due_on": str(future()),
        },
    )
    assert response.status_code == 201, response.content
    measure = response.json()["public_id"]
    response = _patch(api, f"/measures/{measure}", {"status": "done"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    plan = api.get(f"/persons/{person}/plan").json()
    family = next(g for g in plan["goals"] if g["need"] == "family")
    assert family["fully_addressed"] is True
    assert plan["review_overdue"] is False


def test_refusals_answer_422_and_store_nothing(world, api_as):
    sign_assessment(world)
    api = api_as("prison_officer")
    plan = api.post(f"/persons/{world.person.public_id}/plan").json()
    goal = plan["goals"][0]["public_id"]
    Organization.objects.create(code="slegta", name="Slēgta", type=OrganizationType.NGO, is_active=False)
    before = snapshot()
    assert api.post(f"/persons/{world.person.public_id}/plan").status_code == 422  # a second plan
    response = api.post(
        f"/plans/{plan['public_id']}/goals", {"need": "family", "text": "", "due_on": str(past())}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"text", "due_on"}
    for code in ("slegta", "nav-tadas"):
        response = api.post(
            f"/goals/{goal}/measures",
            {
                "kind": "work",
                "description": "Darbs",
                "responsible_organization": code,
                "due_on": str(future()),
            },
        )
        assert response.status_code == 422
        assert "responsible_organization" in response.json()["errors"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "persona", ["other_prison_officer", "career_consultant", "ngo_coordinator", "system_admin"]
)
def test_others_get_404_or_403_and_change_nothing(world, api_as, persona):
    sign_assessment(world)
    api_as("prison_officer").post(f"/persons/{world.person.public_id}/plan")
    plan = Plan.objects.get()
    goal = Goal.objects.filter(plan=plan)[0]
    measure = Measure.objects.create(
        goal=goal,
        kind="work",
        description="Darbs",
        responsible_organization=plan.organization,
        due_on=future(),
        status_changed_on=past(0),
    )
    before = snapshot()
    api = api_as(persona)
    assert api.get(f"/persons/{world.person.public_id}/plan").status_code == 404
    assert api.post(f"/persons/{world.person.public_id}/plan").status_code in (403, 404)
    response = api.post(
        f"/plans/{plan.public_id}/goals", {"need": "family", "text": "x", "due_on": str(future())}
    )
    assert response.status_code in (403, 404)
    response = api.post(
        f"/goals/{goal.public_id}/measures",
        {"kind": "work", "description": "x", "responsible_organization": "test-ngo", "due_on": str(future())},
    )
    assert response.status_code in (403, 404)
    assert _patch(api, f"/measures/{measure.public_id}", {"status": "done"}).status_code in (403, 404)
    assert snapshot() == before
    assert not Measure.objects.filter(status="done").exists()
