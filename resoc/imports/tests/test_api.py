"""/api/v1/imports: upload (202 + Location), status, row report; the same access rules as the web."""

import pytest
from django.test import Client

from resoc.api.tests.conftest import token_for
from resoc.imports.models import ImportJob, JobStatus
from resoc.imports.services import import_job_run
from resoc.imports.tests.conftest import register_row, write_csv


def _client(world, persona):
    return Client(headers={"Authorization": f"Bearer {token_for(world.users[persona])}"})


def _post(client, path, mode="accept_valid"):
    with path.open("rb") as stream:
        return client.post("/api/v1/imports", {"file": stream, "mode": mode})


def test_an_upload_is_accepted_for_background_processing(world, tmp_path):
    client = _client(world, "prison_officer")
    response = _post(client, write_csv(tmp_path / "a.csv", [register_row(), register_row(sex="?")]))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert response["Location"] == f"/api/v1/imports/{body['public_id']}"

    import_job_run(job=ImportJob.objects.get(public_id=body["public_id"]))
    job = client.get(response["Location"]).json()
    assert (job["status"], job["rows_done"], job["accepted"], job["rejected"]) == ("done", 2, 1, 1)
    assert job["encoding"] == "utf-8"

    rows = client.get(f"{response['Location']}/rows", {"status": "rejected"}).json()
    assert rows["count"] == 1
    [row] = rows["results"]
    assert row["number"] == 3
    assert row["reasons"][0]["code"] == "invalid_choice"
    assert row["values"]["sex"] == "?"
    accepted = client.get(f"{response['Location']}/rows", {"status": "accepted"}).json()["results"][0]
    assert accepted["person"] is not None
    assert accepted["changes"] == ["person_registered", "custody_admitted"]


def test_a_file_over_the_limit_answers_422_and_nothing_is_queued(world, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 20
    response = _post(_client(world, "prison_officer"), write_csv(tmp_path / "a.csv", [register_row()]))
    assert response.status_code == 422
    assert "file" in response.json()["errors"]
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "persona", ["probation_officer", "facilitator", "ngo_coordinator", "analyst", "auditor"]
)
def test_other_roles_are_refused(world, tmp_path, persona):
    client = _client(world, persona)
    assert _post(client, write_csv(tmp_path / "a.csv", [register_row()])).status_code == 403
    assert client.get("/api/v1/imports").status_code == 403
    assert not ImportJob.objects.exists()


def test_another_organizations_job_is_not_found(world, tmp_path):
    response = _post(_client(world, "prison_officer"), write_csv(tmp_path / "a.csv", [register_row()]))
    location = response["Location"]
    other = _client(world, "other_prison_officer")
    assert other.get(location).status_code == 404
    assert other.get(f"{location}/rows").status_code == 404
    assert other.get("/api/v1/imports").json() == []


def test_without_a_token_the_answer_is_401(tmp_path, world):
    assert Client().get("/api/v1/imports").status_code == 401


def test_a_refused_file_is_reported_in_the_job(world, tmp_path):
    client = _client(world, "prison_officer")
    path = write_csv(tmp_path / "a.csv", [register_row()], header=["personal_code", "last_name"])
    response = _post(client, path)
    import_job_run(job=ImportJob.objects.get())
    job = client.get(response["Location"]).json()
    assert job["status"] == JobStatus.FAILED
    assert job["error_code"] == "missing_columns"
