"""/api/v1/matches and /api/v1/mentees: the same rules as the pages, problem+json errors, OpenAPI."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from resoc.mentoring.models import Match, MatchStatus
from resoc.mentoring.tests.conftest import (
    candidate,
    consent_to_mentor,
    make_mentor,
    new_person,
    running_match,
)

pytestmark = pytest.mark.django_db


def test_propose_move_and_close_through_the_api(world, api_as) -> None:
    mentor = make_mentor(world)
    candidate(world)
    api = api_as("ngo_coordinator", "en")
    suggested = api.get(f"/mentees/{world.person.public_id}/suggestions")
    assert suggested.status_code == 200
    [best] = suggested.json()
    assert best["mentor"] == str(mentor.public_id)
    assert "The region of return is not known." in [r["text"] for r in best["reasons"]]
    assert sum(r["points"] for r in best["reasons"]) == best["points"]
    created = api.post("/matches", {"person": str(world.person.public_id), "mentor": str(mentor.public_id)})
    assert created.status_code == 201, created.content
    match_id = created.json()["public_id"]

    out_of_order = api.post(f"/matches/{match_id}/activate", {})
    assert out_of_order.status_code == 422
    assert out_of_order["Content-Type"] == "application/problem+json"
    assert "cannot become" in str(out_of_order.json()["errors"])

    assert Match.objects.get().status == MatchStatus.PROPOSED
    for action in ["initiate", "activate", "begin-closing"]:
        assert api.post(f"/matches/{match_id}/{action}", {}).status_code == 200
    closed = api.post(f"/matches/{match_id}/close", {"closure_reason": "goals_reached", "rematch": False})
    assert closed.json()["status"] == "closed"
    detail = api.get(f"/matches/{match_id}").json()
    assert [h["to_status"] for h in detail["history"]] == [
        "proposed",
        "initiated",
        "active",
        "closing",
        "closed",
    ]


def test_the_last_place_and_a_full_mentor(world, api_as) -> None:
    mentor = make_mentor(world, capacity=1)
    candidate(world)
    other = candidate(world, new_person("Pēteris"))
    api = api_as("ngo_coordinator", "en")
    assert (
        api.post(
            "/matches", {"person": str(world.person.public_id), "mentor": str(mentor.public_id)}
        ).status_code
        == 201
    )
    full = api.post("/matches", {"person": str(other.public_id), "mentor": str(mentor.public_id)})
    assert full.status_code == 422
    assert "no free place" in str(full.json()["errors"])
    assert Match.objects.count() == 1


def test_the_mentor_reads_only_his_consented_running_matches(world, api_as) -> None:
    match = running_match(world, make_mentor(world))
    make_mentor(world, "other_mentor")
    mine = api_as("mentor")
    assert mine.get("/matches").json() == []  # no consent yet
    assert mine.get(f"/matches/{match.public_id}").status_code == 404
    consent_to_mentor(world, match.person)
    assert [m["public_id"] for m in mine.get("/matches").json()] == [str(match.public_id)]
    logged = mine.post(
        f"/matches/{match.public_id}/meetings",
        {"held_on": timezone.localdate().isoformat(), "place": "Parks", "minutes": 45, "topics": "Darbs"},
    )
    assert logged.status_code == 201
    other = api_as("other_mentor")
    assert other.get(f"/matches/{match.public_id}").status_code == 404
    assert other.get(f"/matches/{match.public_id}/meetings").status_code == 404
    assert other.post(f"/matches/{match.public_id}/begin-closing", {}).status_code == 404
    refused = mine.post(f"/matches/{match.public_id}/close", {"closure_reason": "other", "rematch": True})
    assert refused.status_code == 403
    assert api_as("analyst").get("/matches").status_code == 403


def test_a_bad_meeting_is_refused_with_field_errors(world, api_as) -> None:
    match = running_match(world, make_mentor(world), status=MatchStatus.INITIATED)
    consent_to_mentor(world, match.person)
    bad = api_as("mentor", "en").post(
        f"/matches/{match.public_id}/meetings",
        {"held_on": "2999-01-01", "place": "", "minutes": 0, "topics": "<b>x</b>"},
    )
    assert bad.status_code == 422
    assert {"held_on", "place", "minutes", "topics"} <= set(bad.json()["errors"])


def test_the_profile_puts_a_person_forward(world, api_as) -> None:
    from resoc.mentoring.tests.conftest import readable_by_ngo

    readable_by_ngo(world.person, world)
    api = api_as("ngo_coordinator")
    assert api.get(f"/mentees/{world.person.public_id}/suggestions").json() == []
    saved = api.client.put(
        f"/api/v1/mentees/{world.person.public_id}/profile",
        json.dumps({"interests": "Šahs, futbols", "refer": True, "mentor_sex": "male"}),
        content_type="application/json",
        headers=api.headers,
    )
    assert saved.status_code == 200
    assert saved.json()["interests"] == "futbols, šahs"
    make_mentor(world)
    assert len(api.get(f"/mentees/{world.person.public_id}/suggestions").json()) == 1


def test_openapi_describes_the_mentoring_endpoints(world, client) -> None:
    document = json.loads(client.get("/api/v1/openapi.json").content)
    paths = document["paths"]
    expected = {
        "/api/v1/matches": {"get", "post"},
        "/api/v1/matches/{public_id}": {"get"},
        "/api/v1/matches/{public_id}/initiate": {"post"},
        "/api/v1/matches/{public_id}/activate": {"post"},
        "/api/v1/matches/{public_id}/begin-closing": {"post"},
        "/api/v1/matches/{public_id}/close": {"post"},
        "/api/v1/matches/{public_id}/meetings": {"get", "post"},
        "/api/v1/mentees/{public_id}/suggestions": {"get"},
        "/api/v1/mentees/{public_id}/profile": {"put"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            assert {"401", "403", "404", "422"} <= set(paths[path][method]["responses"]), (path, method)
    operation_ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))
