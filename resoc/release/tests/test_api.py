"""The REST endpoints: the same services and access rules, problem details for refusals."""

from __future__ import annotations

from resoc.release.models import InterInstitutionalMeeting, ReleaseTask, Slot
from resoc.release.tests.conftest import (
    RELEASE_IN,
    STEPS_IN_DEFAULT_TEMPLATE,
    days,
    hold,
    snapshot,
    task_of,
)


def test_generate_read_and_complete_through_the_api(world, held, api_as):
    api = api_as("prison_officer")
    person = world.person.public_id
    response = api.post(f"/persons/{person}/release-tasks/generate", {"municipality": "jelgava-social"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["release_on"] == days(RELEASE_IN).isoformat()
    assert body["municipality"] == "jelgava-social"
    assert len(body["tasks"]) == STEPS_IN_DEFAULT_TEMPLATE
    # Omitting the municipality keeps it; a new date moves the open tasks.
    body = api.post(f"/persons/{person}/release-tasks/generate", {"release_on": days(50).isoformat()}).json()
    assert (body["municipality"], body["release_on"]) == ("jelgava-social", days(50).isoformat())
    task = next(t for t in body["tasks"] if t["assigned_organization"] == "jelgavas-cietums")
    response = api.patch(f"/release-tasks/{task['public_id']}", {"status": "done"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done"
    listed = api.get(f"/persons/{person}/release-tasks").json()
    assert any(t["public_id"] == task["public_id"] and t["status"] == "done" for t in listed["tasks"])


def test_refusals_are_problems_and_store_nothing(world, api_as):
    hold(world, world.person, ends_in=None)
    api = api_as("prison_officer")
    before = snapshot()
    response = api.post(f"/persons/{world.person.public_id}/release-tasks/generate", {})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "Record the sentence first" in response.json()["errors"]["release_on"][0]
    response = api.post(f"/persons/{world.person.public_id}/release-tasks/generate", {"ngo": "nav-tadas"})
    assert response.status_code == 422
    assert "ngo" in response.json()["errors"]
    assert snapshot() == before


def test_another_organizations_task_is_forbidden(world, held, api_as):
    api_as("prison_officer").post(f"/persons/{world.person.public_id}/release-tasks/generate", {})
    task = task_of(Slot.PROBATION_UNIT, -90)
    before = snapshot()
    response = api_as("prison_officer").patch(f"/release-tasks/{task.public_id}", {"status": "done"})
    assert response.status_code == 403
    response = api_as("mentor").patch(f"/release-tasks/{task.public_id}", {"status": "done"})
    assert response.status_code == 404
    response = api_as("probation_officer").patch(f"/release-tasks/{task.public_id}", {"status": "not_needed"})
    assert response.status_code == 422
    assert snapshot() == before


def test_who_may_not_read_the_sentence_gets_404(world, held, api_as):
    for persona in ("other_prison_officer", "mentor", "analyst", "social_worker"):
        api = api_as(persona)
        assert api.get(f"/persons/{world.person.public_id}/release-tasks").status_code == 404
        assert api.get(f"/persons/{world.person.public_id}/meetings").status_code == 404
    assert (
        api_as("probation_officer")
        .post(f"/persons/{world.person.public_id}/release-tasks/generate", {})
        .status_code
        == 403
    )
    assert not ReleaseTask.objects.exists()


def test_meetings_through_the_api(world, held, api_as):
    api = api_as("probation_officer")
    path = f"/persons/{world.person.public_id}/meetings"
    meeting = {
        "held_on": days(-1).isoformat(),
        "place": "VPD Zemgale",
        "reasons": ["sexual_offence"],
        "participants": ["vpd-zemgale", "jelgavas-cietums"],
        "decisions": "Kopīgs uzraudzības plāns",
        "follow_ups": [
            {
                "title": "Informēt policiju",
                "area": "probation_handover",
                "due_on": days(5).isoformat(),
                "organization": "vpd-zemgale",
                "role": "probation_officer",
            }
        ],
    }
    before = snapshot()
    future = api.post(path, {**meeting, "held_on": days(3).isoformat()})
    assert future.status_code == 422
    assert "decisions" in future.json()["errors"]
    unknown = api.post(path, {**meeting, "participants": ["vpd-zemgale", "valsts-policija-nav"]})
    assert unknown.status_code == 422
    assert "participants" in unknown.json()["errors"]
    assert snapshot() == before
    response = api.post(path, meeting)
    assert response.status_code == 201, response.content
    assert response.json()["follow_ups"][0]["organization"] == "vpd-zemgale"
    listed = api.get(path).json()
    assert (
        listed["required"] is False
    )  # no indicator recorded: the meeting was held on the officers' judgment
    assert len(listed["meetings"]) == 1
    assert InterInstitutionalMeeting.objects.count() == 1
