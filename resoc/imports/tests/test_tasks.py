"""The import runs as a background task: through the real database queue, and on Redis with RQ."""

import os
import signal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, Storage
from django.core.management import call_command
from django.db import connection

from resoc.imports import importer, progress, services
from resoc.imports.models import ImportJob, ImportMode, JobStatus
from resoc.imports.tasks import enqueue_import
from resoc.imports.tests.conftest import person_code, register_row, write_csv
from resoc.people.models import Person


@pytest.fixture
def _restore_signals():
    # db_worker installs its own SIGINT/SIGTERM handlers; the test run keeps pytest's.
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def _upload(acting, tmp_path, rows, mode=ImportMode.ACCEPT_VALID):
    path = write_csv(tmp_path / "register.csv", rows)
    return services.import_job_create(
        acting=acting, upload=ContentFile(path.read_bytes(), name=path.name), file_name=path.name, mode=mode
    )


@pytest.mark.usefixtures("_restore_signals")
def test_an_enqueued_import_is_run_by_the_database_worker(tmp_path, officer, settings, monkeypatch):
    # The worker recycles its connection between tasks, which would close this test's transaction;
    # everything else (queue table, claiming, running, recording the result) is the real worker.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = _upload(officer, tmp_path, [register_row(), register_row(personal_code="bad")])
    enqueue_import(job)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.accepted, job.rejected) == (JobStatus.DONE, 1, 1)
    assert Person.objects.filter(personal_code=register_row()["personal_code"]).exists()

    from django_tasks_db.models import DBTaskResult

    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == {"status": "done", "rows": 2, "accepted": 1, "rejected": 1, "unchanged": 0}


def test_the_immediate_backend_runs_the_import_inline(tmp_path, officer, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    job = _upload(officer, tmp_path, [register_row()])
    enqueue_import(job)
    job.refresh_from_db()
    assert (job.status, job.accepted) == (JobStatus.DONE, 1)


@pytest.mark.redis
def test_an_import_runs_on_rq_with_redis(tmp_path, officer, settings):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    # Database 15 of the local Redis, emptied before and after: the test leaves nothing behind.
    settings.RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default", job_class=Job)
    queue.connection.flushdb()
    try:
        job = _upload(officer, tmp_path, [register_row()])
        enqueue_import(job)
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED
        # A worker in this process (SimpleWorker does not fork), so it sees this test's transaction.
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
        job.refresh_from_db()
        assert (job.status, job.accepted) == (JobStatus.DONE, 1)
    finally:
        queue.connection.flushdb()


# On PostgreSQL the side connection must see the job row, so the test commits (and the migrations'
# reference data is restored after it); on SQLite the side file needs no commit.
ON_POSTGRES = connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=ON_POSTGRES)
def test_progress_is_published_while_an_all_or_nothing_import_holds_its_transaction(
    tmp_path, officer, monkeypatch
):
    seen: list[int] = []
    original = progress.Progress.report

    def report_and_look(self, rows_done):
        original(self, rows_done)
        if self.isolated:
            # What the web's progress view reads at this moment, while the import's transaction is open.
            seen.append(progress.rows_done(ImportJob.objects.get(pk=self.job.pk)))

    monkeypatch.setattr(progress.Progress, "report", report_and_look)
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    rows = [
        register_row(personal_code=person_code(1980 + n, n), birth_date=f"{1980 + n}-03-15") for n in range(5)
    ]
    job = _upload(officer, tmp_path, rows, ImportMode.ALL_OR_NOTHING)
    services.import_job_run(job=job)
    # SQLite: read from the side file; PostgreSQL: committed by the side connection, seen by others.
    assert seen == [2, 4, 5]
    assert job.accepted == 5
    assert not list((tmp_path / "media" / "imports" / "progress").glob("*.json"))


class ObjectStorage(Storage):
    """Like S3 and other object storages: files have no local path (Storage.path is not implemented)."""

    def __init__(self):
        self._files = InMemoryStorage()

    def _open(self, name, mode="rb"):
        return self._files.open(name, mode)

    def _save(self, name, content):
        return self._files.save(name, content)

    def exists(self, name):
        return self._files.exists(name)

    def delete(self, name):
        self._files.delete(name)

    def size(self, name):
        return self._files.size(name)


def test_an_upload_kept_in_a_storage_without_local_files_is_copied_out_and_imported(
    tmp_path, officer, settings
):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.ObjectStorage"}}
    job = _upload(officer, tmp_path, [register_row(), register_row(personal_code="bad")])
    assert not (tmp_path / "media").exists()  # nothing on the local disk
    services.import_job_run(job=job)
    job.refresh_from_db()
    assert (job.status, job.accepted, job.rejected) == (JobStatus.DONE, 1, 1)
    assert Person.objects.filter(personal_code=register_row()["personal_code"]).exists()
