"""The background task that runs an import (database queue by default; RQ at scale; see settings)."""

from __future__ import annotations

from django_tasks import task

from resoc.imports.models import ImportJob
from resoc.imports.services import import_job_run


@task()
def run_import(job_id: str) -> dict[str, int | str]:
    """Process the queued import ``job_id`` (a public id); returns the job's counts for the task log."""
    job = import_job_run(
        job=ImportJob.objects.select_related("membership", "created_by").get(public_id=job_id)
    )
    return {
        "status": job.status,
        "rows": job.rows_done,
        "accepted": job.accepted,
        "rejected": job.rejected,
        "unchanged": job.unchanged,
    }


def enqueue_import(job: ImportJob) -> None:
    run_import.enqueue(job_id=str(job.public_id))
