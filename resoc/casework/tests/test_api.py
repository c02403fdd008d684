"""GET /api/v1/caseload and GET/POST /api/v1/persons/{id}/case-notes."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from conftest import add_relationship
from resoc.audit.models import AuditAction, AuditEntry
from resoc.casework.models import CaseNote
from resoc.casework.tests.conftest import days, held, measure, plan_for, signed


@pytest.fixture
def persons(world):
    ozols = held("Pēteris", "Ozols", release_in=20)
    signed(world, ozols, "high")
    measure(plan_for(world, ozols), due_in=-1, description="Atkarību programma")
    held("Kārlis", "Čirulis", release_in=120)
    held("Oskars", "Svešais", prison="jekabpils-cietums")
    return ozols


def test_the_caseload_with_filters_and_columns(world, api_as, persons):
    api = api_as("prison_officer")
    body = api.get("/caseload").json()
    assert body["count"] == 3
    assert body["pages"] == 1
    assert body["page_size"] == 50
    assert body["columns"] == ["identity", "sentence", "assessment"]
    assert [r["family_name"] for r in body["results"]] == ["Bērziņš", "Čirulis", "Ozols"]
    ozols = body["results"][2]
    assert ozols["relations"] == ["custody"]
    assert ozols["expected_release_on"] == days(20).isoformat()
    assert ozols["days_to_release"] == 20
    assert (ozols["risk_level"], ozols["plan_status"]) == ("high", "active")
    assert ozols["next_action"]["text"] == "Programme: Atkarību programma"
    assert ozols["next_action"]["source"] == "plan_measure"
    assert ozols["overdue_actions"] == 1
    assert body["results"][0]["risk_level"] is None  # no current assessment
    overdue = api.get("/caseload", overdue="true", sort="release").json()
    assert [r["family_name"] for r in overdue["results"]] == ["Ozols"]
    assert (
        AuditEntry.objects.filter(action=AuditAction.LIST, channel="api", category="assessment").count() == 4
    )


def test_hidden_columns_are_left_out_not_null(world, api_as, persons):
    add_relationship(persons, "nva-jelgava", "client")
    body = api_as("career_consultant").get("/caseload", risk="low").json()
    assert body["columns"] == ["identity"]
    (item,) = body["results"]
    assert "risk_level" not in item
    assert "expected_release_on" not in item
    assert "plan_status" not in item


def test_bad_filters_answer_422(world, api_as):
    response = api_as("prison_officer").get("/caseload", release_within="7")
    assert response.status_code == 422
    assert response.json()["type"] == "urn:resoc:problem:validation-error"


@pytest.mark.parametrize("persona", ["analyst", "auditor", "system_admin"])
def test_roles_without_a_caseload_are_refused(world, api_as, persona):
    api = api_as(persona)
    assert api.get("/caseload").status_code == 403
    assert api.get(f"/persons/{world.person.public_id}/case-notes").status_code == 403


def note_body(**changes):
    return {
        "category": "case_notes",
        "kind": "conversation",
        "text": "Saruna par nākotnes plāniem",
        "occurred_at": timezone.now().isoformat(),
        **changes,
    }


def test_writing_and_reading_case_notes(world, api_as):
    api = api_as("prison_officer")
    path = f"/persons/{world.person.public_id}/case-notes"
    created = api.post(path, note_body())
    assert created.status_code == 201
    note = created.json()
    assert note["author"] == "prison_officer"
    assert note["organization"] == "jelgavas-cietums"
    assert note["editable_until"] is not None
    correction = api.post(path, note_body(text="Precizējums", corrects=note["public_id"])).json()
    assert correction["corrects"] == note["public_id"]
    listed = api.get(path).json()
    assert listed["count"] == 2
    assert next(n["text"] for n in listed["results"]) in {"Precizējums", "Saruna par nākotnes plāniem"}
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, channel="api", record_type="case_note").exists()


def test_bad_notes_answer_422_and_store_nothing(world, api_as):
    api = api_as("prison_officer")
    path = f"/persons/{world.person.public_id}/case-notes"
    for body in (
        note_body(category="secret"),
        note_body(text=""),
        note_body(kind="gossip"),
        {**note_body(), "x": 1},
    ):
        response = api.post(path, body)
        assert response.status_code == 422, body
    assert not CaseNote.objects.exists()


def test_notes_of_unreadable_persons_answer_404(world, api_as):
    api = api_as("other_prison_officer")
    assert api.get(f"/persons/{world.person.public_id}/case-notes").status_code == 404
    assert api.post(f"/persons/{world.person.public_id}/case-notes", note_body()).status_code == 404
    assert api.get(f"/persons/{uuid.uuid4()}/case-notes").status_code == 404
    assert not CaseNote.objects.exists()


def test_a_career_consultant_reads_only_notes_of_his_categories(world, api_as):
    add_relationship(world.person, "nva-jelgava", "client")
    officer = api_as("prison_officer")
    path = f"/persons/{world.person.public_id}/case-notes"
    officer.post(path, note_body(category="health", text="Veselība"))
    officer.post(path, note_body(category="education_employment", text="Darbs"))
    body = api_as("career_consultant").get(path).json()
    assert [n["text"] for n in body["results"]] == ["Darbs"]
