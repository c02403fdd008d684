"""/sessions/{id}/attendance and /enrolments/{id}/outcome: the service's rules over the API."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from resoc.api.tests.conftest import ApiClient, token_for
from resoc.programmes.models import AttendanceMark, EnrolmentOutcome
from resoc.programmes.tests.attendance_helpers import past_session, running_group


class Client(ApiClient):
    def put(self, path: str, body: Any) -> Any:
        return self.client.put(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=self.headers
        )


def api(world: Any, persona: str) -> Client:
    return Client(token_for(world.users[persona]), "en")


def test_the_facilitator_reads_and_saves_a_register(world) -> None:
    group, enrolments = running_group(world, 2)
    session = past_session(group)
    client = api(world, "facilitator")
    path = f"/sessions/{session.public_id}/attendance"
    empty = client.get(path).json()
    assert empty["filled"] is False
    assert {m["status"] for m in empty["marks"]} == {""}
    body = {
        "notes": "Tēma: CV",
        "marks": [
            {"enrolment": str(enrolments[0].public_id), "status": "present"},
            {"enrolment": str(enrolments[1].public_id), "status": "absent", "reason": "security_regime"},
        ],
    }
    saved = client.put(path, body)
    assert saved.status_code == 200
    assert saved.json()["filled"] is True
    assert {m["reason"] for m in saved.json()["marks"]} == {"", "security_regime"}


def test_a_bad_row_refuses_the_whole_register_with_errors_by_enrolment(world) -> None:
    group, enrolments = running_group(world, 2)
    session = past_session(group)
    body = {
        "marks": [
            {"enrolment": str(enrolments[0].public_id), "status": "present"},
            {"enrolment": str(enrolments[1].public_id), "status": "absent"},
        ]
    }
    response = api(world, "facilitator").put(f"/sessions/{session.public_id}/attendance", body)
    assert response.status_code == 422
    assert str(enrolments[1].public_id) in response.json()["errors"]
    assert not AttendanceMark.objects.exists()


def test_a_session_to_come_is_refused(world) -> None:
    group, enrolments = running_group(world, 1)
    future = group.sessions.order_by("starts_at").last()
    assert future is not None
    body = {"marks": [{"enrolment": str(enrolments[0].public_id), "status": "present"}]}
    response = api(world, "facilitator").put(f"/sessions/{future.public_id}/attendance", body)
    assert response.status_code == 422
    assert "has not started yet" in response.json()["errors"]["session"][0]


def test_others_are_refused_and_unknown_ids_are_404(world) -> None:
    group, enrolments = running_group(world, 1)
    session = past_session(group)
    for persona in ("ngo_coordinator", "other_prison_officer"):
        client = api(world, persona)
        assert client.get(f"/sessions/{session.public_id}/attendance").status_code == 403
        outcome: Any = {"kind": "completed", "decided_on": str(timezone.localdate())}
        assert client.put(f"/enrolments/{enrolments[0].public_id}/outcome", outcome).status_code == 403
    assert api(world, "facilitator").get(f"/sessions/{enrolments[0].public_id}/attendance").status_code == 404


def test_an_outcome_is_recorded_and_read(world) -> None:
    _group, enrolments = running_group(world, 1)
    client = api(world, "facilitator")
    path = f"/enrolments/{enrolments[0].public_id}/outcome"
    assert client.get(path).status_code == 404
    body = {"kind": "completed", "decided_on": str(timezone.localdate()), "certificate_number": "DP-7"}
    response = client.put(path, body)
    assert response.status_code == 200
    assert response.json()["certificate_number"] == "DP-7"
    assert client.get(path).json()["kind"] == "completed"
    assert EnrolmentOutcome.objects.get().certificate_number == "DP-7"
