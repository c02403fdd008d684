"""The REST endpoints: the same services, problem details for refusals."""

import pytest

from resoc.assessments.models import Assessment, AssessmentScore, Status
from resoc.assessments.tests.conftest import items, qualify, signed


def _all_zero():
    return [{"item": item.key, "score": 0} for item in items()]


def test_start_score_sign_and_read(qualified, api_as):
    api = api_as("prison_officer")
    person = qualified.person.public_id
    response = api.post(f"/persons/{person}/assessments")
    assert response.status_code == 201, response.content
    public_id = response.json()["public_id"]
    assert response["Location"].endswith(f"/assessments/{public_id}")
    scores = _all_zero()
    scores[0] = {"item": "ch_prior", "score": 3, "rationale": "Trīs iepriekšējas notiesāšanas"}
    response = api.put(
        f"/assessments/{public_id}/scores", {"scores": scores, "motivation_stage": "preparation"}
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["scores"]) == len(items())
    response = api.post(f"/assessments/{public_id}/sign")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "signed"
    assert body["risk_level"] == "low"
    assert body["total_score"] == 3
    assert body["needs"][0]["key"] == "criminal_history"
    assert body["needs"][0]["priority"] == "medium"
    listed = api.get(f"/persons/{person}/assessments").json()
    assert [a["public_id"] for a in listed] == [public_id]
    assert (
        api.get(f"/assessments/{public_id}").json()["scores"][0]["rationale"]
        == "Trīs iepriekšējas notiesāšanas"
    )


def test_invalid_scores_answer_422_by_item_and_store_nothing(qualified, api_as):
    api = api_as("prison_officer")
    public_id = api.post(f"/persons/{qualified.person.public_id}/assessments").json()["public_id"]
    response = api.put(
        f"/assessments/{public_id}/scores",
        {
            "scores": [
                {"item": "ch_early", "score": 1, "rationale": "ok"},
                {"item": "ch_prior", "score": 9, "rationale": "x"},
            ]
        },
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "ch_prior" in response.json()["errors"]
    assert not AssessmentScore.objects.exists()


def test_signing_an_incomplete_draft_answers_422(qualified, api_as):
    api = api_as("prison_officer")
    public_id = api.post(f"/persons/{qualified.person.public_id}/assessments").json()["public_id"]
    assert api.post(f"/assessments/{public_id}/sign").status_code == 422
    assert Assessment.objects.get().status == Status.DRAFT


def test_an_unqualified_signer_gets_403(world, api_as):
    api = api_as("prison_officer")
    public_id = api.post(f"/persons/{world.person.public_id}/assessments").json()["public_id"]
    api.put(f"/assessments/{public_id}/scores", {"scores": _all_zero(), "motivation_stage": "action"})
    response = api.post(f"/assessments/{public_id}/sign")
    assert response.status_code == 403
    assert "qualified" in response.json()["detail"] or "kvalific" in response.json()["detail"]
    assert Assessment.objects.get().status == Status.DRAFT


def test_a_signed_assessment_cannot_be_changed(qualified, api_as):
    assessment = signed(qualified)
    response = api_as("prison_officer").put(
        f"/assessments/{assessment.public_id}/scores",
        {"scores": [{"item": "ch_prior", "score": 1, "rationale": "x"}]},
    )
    assert response.status_code == 422
    assert AssessmentScore.objects.get(assessment=assessment, item__key="ch_prior").score == 0


@pytest.mark.parametrize(
    "persona", ["other_prison_officer", "career_consultant", "ngo_coordinator", "system_admin"]
)
def test_others_get_404(qualified, api_as, persona):
    assessment = signed(qualified)
    qualify(qualified, persona)
    api = api_as(persona)
    assert api.get(f"/persons/{qualified.person.public_id}/assessments").status_code == 404
    assert api.get(f"/assessments/{assessment.public_id}").status_code == 404
    assert api.post(f"/persons/{qualified.person.public_id}/assessments").status_code == 404
    assert api.post(f"/assessments/{assessment.public_id}/sign").status_code == 404
    assert Assessment.objects.count() == 1


def test_a_facilitator_token_is_refused_the_sensitive_category(qualified, participant, api_as):
    assessment = signed(qualified)
    api = api_as("facilitator")
    assert api.get(f"/assessments/{assessment.public_id}").status_code == 403
    assert api.post(f"/persons/{qualified.person.public_id}/assessments").status_code == 403
