"""/waiting-list and /groups/{id}/allocate under the same rules as the pages."""

from __future__ import annotations

from resoc.programmes.models import Enrolment, WaitingEntry, WaitingStatus
from resoc.programmes.tests.test_allocation import candidates
from resoc.programmes.tests.test_groups import create
from resoc.programmes.tests.test_waiting import person

LIST = "/waiting-list?programme=metinatajs&organization=jelgavas-cietums"


def test_add_list_override_and_withdraw(world, directory, api_as) -> None:
    api = api_as("prison_officer")
    first = person(world, "040285-10011", given="Andris")
    second = person(world, "040285-10022", given="Biruta")
    for who in (first, second):
        response = api.post(
            "/waiting-list",
            {
                "programme": "metinatajs",
                "organization": "jelgavas-cietums",
                "person": str(who.public_id),
                "note": "Iesniegums",
            },
        )
        assert response.status_code == 201, response.content
        assert response.json()["source"] == "application"
    missing_note = api.post(
        "/waiting-list",
        {"programme": "latviesu-valoda", "organization": "jelgavas-cietums", "person": str(first.public_id)},
    )
    assert missing_note.status_code == 422
    assert "note" in missing_note.json()["errors"]

    listing = api.get(LIST).json()
    assert [row["rank"] for row in listing] == [1, 2]
    assert all(len(row["reasons"]) == 3 for row in listing)
    last = listing[1]["public_id"]
    moved = api.post(f"/waiting-list/{last}/override", {"override": "first", "reason": "Drīz atbrīvos"})
    assert moved.status_code == 200
    assert api.get(LIST).json()[0]["public_id"] == last
    assert api.post(f"/waiting-list/{last}/override", {"override": "first", "reason": ""}).status_code == 422
    assert api.post(f"/waiting-list/{last}/withdraw", {"reason": "Atteicās"}).json()["status"] == "withdrawn"
    assert len(api.get(LIST).json()) == 1


def test_others_are_refused(world, directory, api_as) -> None:
    (entry,) = candidates(world, directory, 1)
    assert api_as("other_prison_officer").get(LIST).status_code == 403
    other = api_as("mentor")
    assert other.post(f"/waiting-list/{entry.public_id}/withdraw", {"reason": "x"}).status_code == 404
    group = create(world, directory)
    assert other.post(f"/groups/{group.public_id}/allocate", {}).status_code == 403
    assert WaitingEntry.objects.get().status == WaitingStatus.WAITING


def test_allocate_dry_run_then_confirm(world, directory, api_as) -> None:
    candidates(world, directory, 3)
    group = create(world, directory, capacity=2)
    api = api_as("prison_officer")
    dry = api.post(f"/groups/{group.public_id}/allocate", {}).json()
    assert (dry["dry_run"], dry["free_places"], dry["allocated"], dry["skipped"]) == (True, 2, 2, 1)
    assert next(row["reasons"] for row in dry["rows"] if not row["allocated"])
    assert not Enrolment.objects.exists()
    expected = [row["entry"] for row in dry["rows"] if row["allocated"]]
    wrong = api.post(
        f"/groups/{group.public_id}/allocate",
        {"dry_run": False, "expected": [row["entry"] for row in dry["rows"]]},
    )
    assert wrong.status_code == 422
    assert not Enrolment.objects.exists()
    done = api.post(f"/groups/{group.public_id}/allocate", {"dry_run": False, "expected": expected})
    assert done.status_code == 200, done.content
    assert done.json()["allocated"] == 2
    assert Enrolment.objects.filter(group=group).count() == 2
