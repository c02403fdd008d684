"""/imports: upload a prison register extract, follow the job, read its row report.

Same rules as the web: only members who may import (resocialization officers of a prison) may use
these endpoints (403 otherwise); a job of another organization answers 404 like an unknown one.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from resoc.access.context import Acting
from resoc.api.auth import acting_of
from resoc.api.problems import ApiProblem, ProblemType, not_found_detail
from resoc.api.schemas import Problem
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.imports import progress, selectors, services
from resoc.imports.models import ImportJob, ImportMode, JobStatus, RowStatus
from resoc.imports.reader import FileRefused
from resoc.imports.tasks import enqueue_import

router = Router(tags=["imports"])

_ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
PAGE_SIZE = 100


class ImportJobOut(Schema):
    public_id: uuid.UUID
    file_name: str
    size_bytes: int
    sha256: str
    format: str = Field(description='"csv" or "xlsx".')
    encoding: str = Field(description='"utf-8" or "windows-1257" for CSV; "" for XLSX or before the start.')
    mode: str = Field(description='"all_or_nothing" or "accept_valid".')
    status: str = Field(
        description='"queued", "running", "done", "failed" or "interrupted" (the worker stopped without '
        "progress for IMPORT_STALE_AFTER seconds: `POST …/rerun` runs it again, safely)."
    )
    rows_total: int
    rows_done: int
    accepted: int
    rejected: int
    unchanged: int
    not_stored: int = Field(description="All-or-nothing: valid rows not stored because others were rejected.")
    stored_nothing: bool
    error: str = Field(description="Why the whole file was refused, in the uploader's language.")
    error_code: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    heartbeat_at: dt.datetime | None = Field(description="When the worker last made progress.")


class ReasonOut(Schema):
    field: str = Field(description="The column the reason is about; empty for the row as a whole.")
    code: str = Field(description="A stable code, e.g. `checksum`, `overlap`, `formula`, `other_prison`.")
    message: str = Field(description="The reason in the uploader's language.")


class ImportRowOut(Schema):
    number: int = Field(description="Row number as a spreadsheet shows it (the header is row 1).")
    status: str = Field(description='"accepted", "rejected", "unchanged" or "not_stored".')
    reasons: list[ReasonOut]
    changes: list[str] = Field(description="What an accepted row changed, e.g. `person_registered`.")
    values: dict[str, str | None] = Field(description="The file's cells, for rejected rows only.")
    person: uuid.UUID | None


class ImportRowPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[ImportRowOut]


class RowFilter(Schema):
    status: RowStatus | None = None
    page: int = Field(default=1, ge=1, le=100_000)


def _importer(request: HttpRequest) -> Acting:
    acting = acting_of(request)
    if not services.may_import(acting):
        audit_record(actor=acting.actor, action=AuditAction.DENIED, record_type=services.RECORD_TYPE)
        raise PermissionDenied
    return acting


def _job(acting: Acting, public_id: uuid.UUID) -> ImportJob:
    job = selectors.import_job(acting=acting, public_id=public_id)
    if job is None:
        audit_record(
            actor=acting.actor,
            action=AuditAction.DENIED,
            record_type=services.RECORD_TYPE,
            record_id=str(public_id),
        )
        raise ApiProblem(404, ProblemType.NOT_FOUND, not_found_detail())
    return job


def _job_out(job: ImportJob) -> ImportJobOut:
    return ImportJobOut(
        public_id=job.public_id,
        file_name=job.file_name,
        size_bytes=job.size_bytes,
        sha256=job.sha256,
        format=job.format,
        encoding=job.encoding,
        mode=job.mode,
        status=job.status,
        rows_total=max(job.rows_total, progress.rows_done(job)),
        rows_done=progress.rows_done(job),
        accepted=job.accepted,
        rejected=job.rejected,
        unchanged=job.unchanged,
        not_stored=job.not_stored,
        stored_nothing=job.stored_nothing,
        error=job.error,
        error_code=job.error_code,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        heartbeat_at=progress.last_heartbeat(job) if job.status == JobStatus.RUNNING else job.heartbeat_at,
    )


@router.post(
    "/imports",
    response={202: ImportJobOut, **_ERRORS},
    summary="Upload a register file for import",
    operation_id="create_import",
)
def create_import(
    request: HttpRequest,
    response: HttpResponse,
    file: File[UploadedFile],
    mode: Form[ImportMode] = ImportMode.ALL_OR_NOTHING,
) -> Status[ImportJobOut]:
    """`multipart/form-data` with `file` (CSV or XLSX) and `mode`. The import runs in the background:
    follow the `Location` until `status` is `done` or `failed`. A file refused before queueing (too
    large, not CSV or XLSX) answers 422."""
    acting = _importer(request)
    try:
        job = services.import_job_create(acting=acting, upload=file, file_name=file.name or "", mode=mode)
    except FileRefused as refused:
        raise ApiProblem(
            422, ProblemType.VALIDATION, _("The file cannot be imported."), errors={"file": [refused.message]}
        ) from None
    enqueue_import(job)
    response["Location"] = reverse("api:get_import", kwargs={"public_id": job.public_id})
    return Status(202, _job_out(job))


@router.get(
    "/imports",
    response={200: list[ImportJobOut], **_ERRORS},
    summary="List the organization's imports",
    operation_id="list_imports",
)
def list_imports(request: HttpRequest) -> list[ImportJobOut]:
    """The 50 newest imports of the token's organization."""
    acting = _importer(request)
    return [_job_out(job) for job in selectors.import_jobs(acting=acting)[:50]]


@router.get(
    "/imports/{public_id}",
    response={200: ImportJobOut, **_ERRORS},
    summary="Read an import's status, progress and counts",
    operation_id="get_import",
    url_name="get_import",
)
def get_import(request: HttpRequest, public_id: uuid.UUID) -> ImportJobOut:
    return _job_out(services.import_job_check_interrupted(_job(_importer(request), public_id)))


@router.post(
    "/imports/{public_id}/rerun",
    response={202: ImportJobOut, **_ERRORS},
    summary="Run an interrupted import again",
    operation_id="rerun_import",
)
def rerun_import(request: HttpRequest, response: HttpResponse, public_id: uuid.UUID) -> Status[ImportJobOut]:
    """Only an `interrupted` job (422 otherwise). Imports are idempotent: in accept-valid mode the run
    goes on after the rows stored before the interruption; all-or-nothing had stored nothing."""
    acting = _importer(request)
    job = services.import_job_check_interrupted(_job(acting, public_id))
    try:
        job = services.import_job_rerun(acting=acting, job=job)
    except FileRefused as refused:
        raise ApiProblem(
            422, ProblemType.VALIDATION, _("The file cannot be imported."), errors={"file": [refused.message]}
        ) from None
    except ValidationError as error:
        raise ApiProblem(422, ProblemType.VALIDATION, error.messages[0]) from None
    enqueue_import(job)
    response["Location"] = reverse("api:get_import", kwargs={"public_id": job.public_id})
    return Status(202, _job_out(job))


@router.get(
    "/imports/{public_id}/rows",
    response={200: ImportRowPage, **_ERRORS},
    summary="Read an import's row report",
    operation_id="list_import_rows",
)
def list_import_rows(request: HttpRequest, public_id: uuid.UUID, filters: Query[RowFilter]) -> ImportRowPage:
    """In file order, 100 a page; `status=rejected` lists what to correct."""
    job = _job(_importer(request), public_id)
    rows = selectors.import_rows(job=job, status=filters.status or "")
    count = rows.count()
    offset = (filters.page - 1) * PAGE_SIZE
    shown = list(rows[offset : offset + PAGE_SIZE]) if offset < count else []
    return ImportRowPage(
        count=count,
        page=filters.page,
        page_size=PAGE_SIZE,
        pages=max(1, math.ceil(count / PAGE_SIZE)),
        results=[
            ImportRowOut(
                number=row.number,
                status=row.status,
                reasons=[ReasonOut(**reason) for reason in row.reasons],
                changes=row.changes,
                values={key: None if value is None else str(value) for key, value in row.values.items()},
                person=getattr(row, "person_public_id", None),
            )
            for row in shown
        ],
    )
