"""Pages: upload, job list, job page with progress and report, downloads; who is refused."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook  # type: ignore[import-untyped]

from resoc.audit.models import AuditEntry
from resoc.imports.models import ImportJob, ImportMode, JobStatus
from resoc.imports.tests.conftest import import_file, person_code, register_row, write_csv

REFUSED = [
    "facilitator",
    "probation_officer",
    "career_consultant",
    "ngo_coordinator",
    "mentor",
    "analyst",
    "auditor",
    "system_admin",
    "org_admin",
]


def _upload(client, path, mode=ImportMode.ACCEPT_VALID):
    with path.open("rb") as stream:
        return client.post("/imports/", {"file": SimpleUploadedFile(path.name, stream.read()), "mode": mode})


def test_an_officer_uploads_a_file_and_is_taken_to_the_queued_job(world, tmp_path):
    client = world.client("prison_officer")
    response = _upload(client, write_csv(tmp_path / "register.csv", [register_row()]))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.public_id}/"
    assert job.status == JobStatus.QUEUED
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"job_id": str(job.public_id)}
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert "<progress" in body


@pytest.mark.parametrize("persona", REFUSED)
def test_other_roles_are_refused_everything(world, tmp_path, persona, officer):
    job = import_file(officer, write_csv(tmp_path / "a.csv", [register_row()]))
    client = world.client(persona)
    assert client.get("/imports/").status_code == 403
    assert _upload(client, write_csv(tmp_path / "b.csv", [register_row()])).status_code == 403
    for url in (
        f"/imports/{job.public_id}/",
        f"/imports/{job.public_id}/report.csv",
        "/imports/template.csv",
    ):
        assert client.get(url).status_code == 403
    assert ImportJob.objects.count() == 1
    assert AuditEntry.objects.filter(action="denied", record_type="import_job").exists()


def test_another_prisons_job_is_not_found(world, tmp_path, officer):
    job = import_file(officer, write_csv(tmp_path / "a.csv", [register_row()]))
    client = world.client("other_prison_officer")
    assert client.get(f"/imports/{job.public_id}/").status_code == 404
    assert client.get(f"/imports/{job.public_id}/report.xlsx").status_code == 404
    assert client.get(f"/imports/{job.public_id}/progress/").status_code == 404
    assert job.file_name not in client.get("/imports/").content.decode()


def test_a_file_over_the_limit_is_refused_with_the_form_and_nothing_is_stored(world, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 50
    response = _upload(world.client("prison_officer"), write_csv(tmp_path / "a.csv", [register_row()]))
    assert response.status_code == 422
    assert "MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_job_page_shows_the_report_filtered_by_status(
    world, tmp_path, officer, django_assert_max_num_queries
):
    rows = [
        register_row(personal_code=person_code(1960 + n, n), birth_date=f"{1960 + n}-03-15")
        for n in range(30)
    ]
    rows += [register_row(personal_code="bad", last_name=f"Liepa{'a' * n}") for n in range(30)]
    job = import_file(officer, write_csv(tmp_path / "a.csv", rows))
    client = world.client("prison_officer")
    client.get(f"/imports/{job.public_id}/")  # warm caches (session, membership)
    with django_assert_max_num_queries(14):
        response = client.get(f"/imports/{job.public_id}/")
    body = response.content.decode()
    assert "Liepa" in body  # rejected rows show the file's values
    with django_assert_max_num_queries(14):
        rejected = client.get(f"/imports/{job.public_id}/?status=rejected")
    assert "Kalniņš" not in rejected.content.decode()
    rejected_body = rejected.content.decode()
    assert '<th scope="row">2</th>' not in rejected_body
    assert all(f'<th scope="row">{number}</th>' in rejected_body for number in range(32, 62))


def test_the_progress_fragment_reloads_the_page_when_the_job_ends(world, tmp_path, officer):
    job = import_file(officer, write_csv(tmp_path / "a.csv", [register_row()]))
    response = world.client("prison_officer").get(
        f"/imports/{job.public_id}/progress/", HTTP_HX_REQUEST="true"
    )
    assert response["HX-Refresh"] == "true"
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, rows_done=1, rows_total=4)
    running = world.client("prison_officer").get(
        f"/imports/{job.public_id}/progress/", HTTP_HX_REQUEST="true"
    )
    assert "HX-Refresh" not in running
    body = running.content.decode()
    assert 'max="4" value="1"' in body
    assert 'aria-valuetext="1 of 4 rows"' in body or "aria-valuetext=" in body


def test_the_report_downloads_neutralise_formulas_and_are_audited(world, tmp_path, officer):
    rows = [
        register_row(last_name="=cmd|' /C calc'!A0"),
        register_row(personal_code=person_code(1970, 3), birth_date="1970-03-15", first_name="@SUM(1+1)"),
    ]
    job = import_file(officer, write_csv(tmp_path / "a.csv", rows))
    client = world.client("prison_officer")
    response = client.get(f"/imports/{job.public_id}/report.csv?status=rejected")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert len(lines) == 3
    cells = [cell for line in lines[1:] for cell in line]
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'@SUM(1+1)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)

    workbook = load_workbook(
        io.BytesIO(b"".join(client.get(f"/imports/{job.public_id}/report.xlsx").streaming_content))
    )
    values = [
        cell for row in workbook.active.iter_rows(values_only=True) for cell in row if isinstance(cell, str)
    ]
    assert "'=cmd|' /C calc'!A0" in values
    assert not any(value.startswith(("=", "+", "-", "@")) for value in values)
    exports = AuditEntry.objects.filter(
        action="export", record_type="import_report", record_id=str(job.public_id)
    )
    assert sorted(e.detail["format"] for e in exports) == ["csv", "xlsx"]


def test_the_templates_hold_the_header_row(world):
    client = world.client("prison_officer")
    text = client.get("/imports/template.csv").content.decode("utf-8-sig")
    assert text.startswith("personal_code;last_name;first_name;birth_date;sex")
    workbook = load_workbook(io.BytesIO(b"".join(client.get("/imports/template.xlsx").streaming_content)))
    assert next(workbook.active.iter_rows(values_only=True))[0] == "personal_code"


def test_the_list_shows_the_organizations_jobs_and_the_format(
    world, tmp_path, officer, django_assert_max_num_queries
):
    for n in range(3):
        import_file(officer, write_csv(tmp_path / f"file{n}.csv", [register_row()]))
    client = world.client("prison_officer")
    client.get("/imports/")
    with django_assert_max_num_queries(10):
        body = client.get("/imports/").content.decode()
    for n in range(3):
        assert f"file{n}.csv" in body
    assert "personas_kods" in body
