"""A worker that dies leaves its job "running": without progress for a while it is interrupted and may run again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from resoc.imports import importer, progress, services
from resoc.imports.models import ImportJob, ImportMode, JobStatus
from resoc.imports.tests.conftest import person_code, register_row, stored_counts, write_csv
from resoc.imports.tests.test_bulk_intake import _snapshot
from resoc.people.models import Person


class WorkerKilled(BaseException):
    """What a killed worker leaves: no handler runs, nothing is cleaned up."""


def _rows() -> list[dict[str, Any]]:
    rows = [
        register_row(
            personal_code=person_code(1960 + n, 300 + n), birth_date=f"{1960 + n}-03-15", first_name=name
        )
        for n, name in enumerate(["Ansis", "Baiba", "Cēsis", "Dace", "Edgars", "Frīda", "Gatis"])
    ]
    rows.insert(3, register_row(personal_code="150385-11012"))  # 5: rejected, wrong check digit
    rows.append(dict(rows[0]))  # 10: the same as row 2, which an interrupted run stored
    return rows


def _upload(acting, tmp_path, mode) -> ImportJob:
    path = write_csv(tmp_path / "register.csv", _rows())
    return services.import_job_create(
        acting=acting, upload=ContentFile(path.read_bytes(), name=path.name), file_name=path.name, mode=mode
    )


def _without_job_audit(snapshot: dict[str, Any]) -> dict[str, Any]:
    # Running again is itself audited (a change of the job); the persons' entries must be the same.
    return {**snapshot, "audit": [entry for entry in snapshot["audit"] if entry[0] is not None]}


def _uninterrupted(acting, tmp_path, mode) -> dict[str, Any]:
    with transaction.atomic():
        job = services.import_job_run(job=_upload(acting, tmp_path, mode))
        snapshot = _without_job_audit(_snapshot(job))
        transaction.set_rollback(True)
    return snapshot


def _kill_at_batch(monkeypatch, batch: int) -> None:
    original = progress.Progress.report
    calls = []

    def report_then_die(self, rows_done):
        calls.append(rows_done)
        if len(calls) == batch:
            raise WorkerKilled
        original(self, rows_done)

    monkeypatch.setattr(progress.Progress, "report", report_then_die)


def _age(job: ImportJob, seconds: int) -> None:
    """Time passes: the job's last heartbeat (and its side file's, if any) is ``seconds`` old."""
    then = timezone.now() - dt.timedelta(seconds=seconds)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=then)
    side_file = progress._progress_file(job)
    if side_file.exists():
        side_file.write_text(f'{{"rows_done": 4, "heartbeat": "{then.isoformat()}"}}', encoding="utf-8")


@pytest.mark.parametrize("mode", [ImportMode.ACCEPT_VALID, ImportMode.ALL_OR_NOTHING])
def test_an_interrupted_import_run_again_ends_as_one_uninterrupted_run(
    tmp_path, officer, monkeypatch, settings, mode
):
    settings.IMPORT_STALE_AFTER = 60
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    expected = _uninterrupted(officer, tmp_path, mode)
    before = stored_counts()

    job = _upload(officer, tmp_path, mode)
    with monkeypatch.context() as patched:
        _kill_at_batch(patched, 3)
        with pytest.raises(WorkerKilled):
            services.import_job_run(job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # what a dead worker leaves behind
    assert default_storage.exists(job.stored_file)  # kept, to run it again
    if mode == ImportMode.ACCEPT_VALID:
        assert job.rows_done == 4  # two batches stored, the third died with the worker
        assert Person.objects.count() == before["Person"] + 3
    else:
        assert stored_counts() == before  # its one transaction died with it

    assert services.import_jobs_mark_interrupted() == 0  # it made progress a moment ago
    _age(job, 61)
    assert services.import_jobs_mark_interrupted() == 1
    job.refresh_from_db()
    assert (job.status, job.error_code) == (JobStatus.INTERRUPTED, "interrupted")
    if mode == ImportMode.ACCEPT_VALID:
        assert job.error.startswith("The import was interrupted after 4 rows")
    else:
        assert "nothing was stored" in job.error

    job = services.import_job_rerun(acting=officer, job=job)
    assert job.status == JobStatus.QUEUED
    job = services.import_job_run(job=job)
    assert job.status == JobStatus.DONE
    assert not job.stored_file
    again = _without_job_audit(_snapshot(job))
    for part in expected:
        assert again[part] == expected[part], part
    # accepted, rejected, unchanged, valid but not stored: nothing doubled, nothing lost
    if mode == ImportMode.ACCEPT_VALID:
        assert again["job"][3:] == (7, 1, 1, 0)
    else:
        assert again["job"][3:] == (0, 1, 1, 7)


def test_a_job_that_reports_progress_is_not_interrupted(tmp_path, officer, settings):
    settings.IMPORT_STALE_AFTER = 60
    job = _upload(officer, tmp_path, ImportMode.ALL_OR_NOTHING)
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now() - dt.timedelta(hours=1)
    )
    _age(job, 3600)
    job.refresh_from_db()
    # An all-or-nothing import on SQLite reports in its side file (its transaction hides the job row).
    path = progress._progress_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{{"rows_done": 500, "heartbeat": "{timezone.now().isoformat()}"}}', encoding="utf-8")
    assert services.import_jobs_mark_interrupted() == 0
    path.unlink()
    call_command("mark_interrupted_imports", stdout=open("/dev/null", "w"))  # noqa: SIM115
    job.refresh_from_db()
    assert job.status == JobStatus.INTERRUPTED


def test_only_an_interrupted_job_runs_again(tmp_path, officer):
    job = services.import_job_run(job=_upload(officer, tmp_path, ImportMode.ACCEPT_VALID))
    with pytest.raises(ValidationError):
        services.import_job_rerun(acting=officer, job=job)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_a_worker_whose_job_was_taken_over_stops_writing(tmp_path, officer, monkeypatch):
    """Marked interrupted too early and run again: the first worker's late batch is not stored."""
    job = _upload(officer, tmp_path, ImportMode.ACCEPT_VALID)
    original = progress.Progress.report

    def taken_over(self, rows_done):
        ImportJob.objects.filter(pk=self.job.pk).update(attempt=F("attempt") + 1)
        original(self, rows_done)

    monkeypatch.setattr(progress.Progress, "report", taken_over)
    before = stored_counts()
    services.import_job_run(job=job)
    assert stored_counts() == before
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # the other run's to finish
    assert job.rows_done == 0


def _stale_job(officer, tmp_path, settings) -> ImportJob:
    settings.IMPORT_STALE_AFTER = 60
    job = _upload(officer, tmp_path, ImportMode.ACCEPT_VALID)
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now() - dt.timedelta(hours=1), attempt=1
    )
    _age(job, 3600)
    return job


def test_the_job_page_shows_an_interrupted_import_and_runs_it_again(world, tmp_path, officer, settings):
    from django_tasks_db.models import DBTaskResult

    job = _stale_job(officer, tmp_path, settings)
    client = world.client("prison_officer")
    page = client.get(f"/imports/{job.public_id}/").content.decode()
    assert "Interrupted" in page
    assert "The import was interrupted after 0 rows" in page
    assert f'action="/imports/{job.public_id}/rerun/"' in page
    progress_fragment = client.get(f"/imports/{job.public_id}/progress/").content.decode()
    assert "hx-trigger" not in progress_fragment  # no more polling

    response = client.post(f"/imports/{job.public_id}/rerun/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert DBTaskResult.objects.count() == 1


def test_the_job_page_in_latvian(world, tmp_path, officer, settings):
    job = _stale_job(officer, tmp_path, settings)
    ImportJob.objects.filter(pk=job.pk).update(language="lv")
    client = world.client("prison_officer")
    client.cookies["resoc_language"] = "lv"
    page = client.get(f"/imports/{job.public_id}/").content.decode()
    assert "Pārtraukts" in page
    assert "Importēšana tika pārtraukta pēc 0 rindām" in page
    assert "Palaist importēšanu vēlreiz" in page


def test_others_cannot_run_an_import_again(world, tmp_path, officer, settings):
    job = _stale_job(officer, tmp_path, settings)
    assert world.client("probation_officer").post(f"/imports/{job.public_id}/rerun/").status_code == 403
    assert world.client("prison_officer").get(f"/imports/{job.public_id}/rerun/").status_code == 405
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_the_api_shows_and_reruns_an_interrupted_import(world, tmp_path, officer, settings):
    from django.test import Client

    from resoc.api.tests.conftest import token_for

    job = _stale_job(officer, tmp_path, settings)
    client = Client(headers={"Authorization": f"Bearer {token_for(world.users['prison_officer'])}"})
    read = client.get(f"/api/v1/imports/{job.public_id}").json()
    assert read["status"] == "interrupted"
    assert read["error_code"] == "interrupted"
    assert client.post(f"/api/v1/imports/{job.public_id}/rerun").status_code == 202
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert client.post(f"/api/v1/imports/{job.public_id}/rerun").status_code == 422
