"""/api/v1/groups: any token reads, planners of the delivering organization write, dry runs list conflicts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resoc.programmes.models import Group, Room, SessionStatus
from resoc.programmes.tests.test_groups import create

pytestmark = pytest.mark.django_db


def body(directory: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "offer": str(directory["offers"][0].public_id),
        "room": str(Room.objects.get(name="Klase 1").public_id),
        "facilitator": "facilitator",
        "name": "Metinātāji, pavasaris",
        "starts_on": "2027-03-22",
        "ends_on": "2027-04-30",
        "capacity": 10,
        "recurrence": "FREQ=WEEKLY;BYDAY=MO;COUNT=3",
        "session_start": "10:00",
        "session_minutes": 90,
    }
    values.update(overrides)
    return values


def test_a_dry_run_lists_sessions_in_riga_time_and_saves_nothing(world, directory, api_as) -> None:
    response = api_as("prison_officer").post("/groups", {**body(directory), "dry_run": True})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["group"] is None
    # The clocks change on 28 March 2027: 10:00 in Riga is 08:00 UTC before and 07:00 UTC after.
    assert [s["starts_at"] for s in data["sessions"]] == [
        "2027-03-22T10:00:00+02:00",
        "2027-03-29T10:00:00+03:00",
        "2027-04-05T10:00:00+03:00",
    ]
    assert data["conflicts"] == []
    assert not Group.objects.exists()


def test_conflicts_are_listed_in_a_dry_run_and_refuse_saving(world, directory, api_as) -> None:
    existing = create(world, directory)
    api = api_as("prison_officer")
    clash = body(
        directory, starts_on="2027-01-04", ends_on="2027-01-31", recurrence="FREQ=WEEKLY;BYDAY=WE;COUNT=2"
    )
    data = api.post("/groups", {**clash, "dry_run": True}).json()
    assert [c["kind"] for c in data["conflicts"]] == ["room", "room"]
    assert data["conflicts"][0]["other_group"] == str(existing.public_id)
    response = api.post("/groups", clash)
    assert response.status_code == 422
    assert "telpu Klase 1 aizņem grupa" in response.content.decode()  # Latvian unless asked otherwise
    assert Group.objects.count() == 1
    response = api.post("/groups", {**clash, "accept_conflicts": True})
    assert response.status_code == 201, response.content
    assert len(response.json()["conflicts"]) == 2
    assert response["Location"].endswith(f"/api/v1/groups/{response.json()['group']['public_id']}")


def test_other_organizations_are_refused_and_bad_input_explained(world, directory, api_as) -> None:
    assert api_as("other_prison_officer").post("/groups", body(directory)).status_code == 403
    assert api_as("facilitator").post("/groups", body(directory)).status_code == 403
    api = api_as("prison_officer")
    response = api.post("/groups", body(directory, capacity=13))
    assert response.status_code == 422
    assert "Telpā ir tikai 12 vietas." in response.content.decode()
    response = api.post("/groups", body(directory, recurrence="FREQ=DAILY;COUNT=500", ends_on="2028-12-31"))
    assert "vairāk nekā 400 nodarbības" in response.content.decode()
    response = api.post("/groups", body(directory, facilitator="nobody"))
    assert response.status_code == 422
    assert not Group.objects.exists()


def test_any_token_reads_groups_and_sessions(world, directory, api_as) -> None:
    group = create(world, directory)
    api = api_as("ngo_coordinator")
    listing = api.get("/groups?organization=jelgavas-cietums").json()
    assert [g["public_id"] for g in listing["results"]] == [str(group.public_id)]
    assert api.get("/groups?status=cancelled").json()["count"] == 0
    assert api.get(f"/groups/{group.public_id}").json()["facilitator"] == "facilitator"
    sessions = api.get(f"/groups/{group.public_id}/sessions").json()
    assert len(sessions) == 8
    assert api.get("/groups/00000000-0000-0000-0000-000000000000").status_code == 404


def test_the_list_takes_the_same_queries_for_few_and_many(world, directory, api_as) -> None:
    api = api_as("ngo_coordinator")
    create(world, directory)
    api.get("/groups")
    with CaptureQueriesContext(connection) as few:
        api.get("/groups")
    for number in range(5):
        create(
            world,
            directory,
            name=f"Grupa {number}",
            recurrence="FREQ=WEEKLY;BYDAY=FR;COUNT=2",
            session_start=dt.time(8 + 2 * number, 0),
        )
    with CaptureQueriesContext(connection) as many:
        assert api.get("/groups").json()["count"] == 6
    assert len(many) == len(few)


def test_sessions_are_cancelled_and_moved_by_planners_only(world, directory, api_as) -> None:
    group = create(world, directory)
    first = group.sessions.earliest("starts_at")
    other = api_as("other_prison_officer")
    assert other.post(f"/sessions/{first.public_id}/cancel", {"reason": "x"}).status_code == 403
    api = api_as("prison_officer")
    response = api.post(f"/sessions/{first.public_id}/cancel", {"reason": "Karantīna"})
    assert response.json()["status"] == SessionStatus.CANCELLED
    second = group.sessions.order_by("starts_at")[1]
    response = api.post(f"/sessions/{second.public_id}/move", {"starts_at": "2027-01-07T14:00:00"})
    assert response.status_code == 200, response.content
    assert response.json()["starts_at"] == "2027-01-07T14:00:00+02:00"
    assert response.json()["moved"] is True


def test_updating_and_cancelling_a_group(world, directory, api_as) -> None:
    group = create(world, directory)
    api = api_as("prison_officer")
    change = body(
        directory,
        starts_on="2027-01-04",
        ends_on="2027-01-31",
        recurrence="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270131",
        status="running",
    )
    response = api.client.put(
        f"/api/v1/groups/{group.public_id}",
        json.dumps(change),
        content_type="application/json",
        headers=api.headers,
    )
    assert response.status_code == 200, response.content
    assert response.json()["group"]["status"] == "running"
    assert len(response.json()["sessions"]) == 4
    response = api.post(f"/groups/{group.public_id}/cancel", {"reason": ""})
    assert response.status_code == 422
    response = api.post(f"/groups/{group.public_id}/cancel", {"reason": "Pasniedzējs slims"})
    assert response.json()["status"] == "cancelled"


def test_the_group_list_counts_all_and_returns_one_page(world, directory, api_as, monkeypatch) -> None:
    from resoc.programmes import group_api

    monkeypatch.setattr(group_api, "PAGE_SIZE", 2)
    for number in range(3):
        create(
            world,
            directory,
            name=f"Grupa {number}",
            starts_on=dt.date(2027, 2 + number, 1),
            ends_on=dt.date(2027, 2 + number, 28),
            recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=3",
        )
    response = api_as("prison_officer").get("/groups?page=2")
    found = response.json()
    assert (found["count"], found["pages"], found["page"]) == (3, 2, 2)
    assert [group["name"] for group in found["results"]] == ["Grupa 0"]
