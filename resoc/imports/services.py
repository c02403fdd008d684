"""Importing a prison register extract with the domain's own rules: the jobs.

Every row is checked as ``people.services`` (register, update) and ``sentences.services`` (admit,
transfer, sentence, release) check it, so the import validates, audits and derives relationships
exactly as the web forms do: rows about known persons go through those services, rows about new
persons through ``sentences.intake``, which shares their checks and writes a batch at once (see
``importer``). This module adds the jobs, the modes, interruption and retention.

Retention: the uploaded file is deleted when its job ends (done or failed; an interrupted job keeps
it to run again). The report (with the file's values of rejected rows only) is kept for
``IMPORT_RETENTION_DAYS`` (default 90) and deleted when a later import starts; the fingerprints of
imported rows are kept, so that an old extract imported again still changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.models import Membership
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.imports import progress
from resoc.imports.importer import Importer
from resoc.imports.models import ImportedRecord, ImportJob, ImportMode, ImportRow, JobStatus
from resoc.imports.progress import Superseded
from resoc.imports.reader import FileRefused, check_size, detect_format, open_register
from resoc.people.models import Person
from resoc.sentences import services as sentence_services

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 90
DEFAULT_STALE_AFTER = 300  # seconds
RECORD_TYPE = "import_job"


def may_import(acting: Acting) -> bool:
    """Registrars who may also change custody: the resocialization officers of a prison."""
    return policy.can_register_persons(acting) and acting.role in sentence_services.CUSTODY_ROLES


def _importing_membership(acting: Acting) -> Membership:
    if acting.membership is None or not may_import(acting):
        raise PermissionDenied
    return acting.membership


def retention_days() -> int:
    return int(getattr(settings, "IMPORT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


# --- creating a job --------------------------------------------------------------------------------


def import_job_create(*, acting: Acting, upload: File[bytes], file_name: str, mode: str) -> ImportJob:
    """Check and store an upload as a queued job (the caller enqueues it). Refusals raise FileRefused."""
    membership = _importing_membership(acting)
    if mode not in ImportMode.values:
        raise ValidationError({"mode": _("Choose how to import the file.")}, code="mode")
    check_size(upload.size or 0)
    file_name = Path(file_name or "register").name[:255]
    chunks = upload.chunks()
    first = next(chunks, b"")
    file_format = detect_format(first[:8], file_name)
    digest = hashlib.sha256(first)
    job = ImportJob(
        created_by=acting.user,
        membership=membership,
        organization_id=membership.organization_id,
        channel=acting.channel,
        ip_address=acting.ip_address,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        file_name=file_name,
        size_bytes=upload.size or 0,
        format=file_format,
        mode=mode,
    )
    with tempfile.TemporaryFile() as spool:
        spool.write(first)
        for chunk in chunks:
            digest.update(chunk)
            spool.write(chunk)
        spool.seek(0)
        job.sha256 = digest.hexdigest()
        job.stored_file = default_storage.save(f"imports/{job.public_id}.{file_format}", File(spool))
    job.save()
    _audit_job(acting, job, AuditAction.CREATE)
    return job


def import_job_create_from_path(*, acting: Acting, path: Path, mode: str) -> ImportJob:
    """A job for a file on this machine (the command): nothing is copied, the file is read in place."""
    membership = _importing_membership(acting)
    check_size(path.stat().st_size)
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        head = stream.read(8)
        stream.seek(0)
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    job = ImportJob.objects.create(
        created_by=acting.user,
        membership=membership,
        organization_id=membership.organization_id,
        channel=acting.channel,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        file_name=path.name[:255],
        size_bytes=path.stat().st_size,
        sha256=digest.hexdigest(),
        format=detect_format(head, path.name),
        mode=mode,
    )
    _audit_job(acting, job, AuditAction.CREATE)
    return job


def _audit_job(acting: Acting, job: ImportJob, action: AuditAction, **detail: Any) -> None:
    audit_record(
        actor=acting.actor,
        action=action,
        record_type=RECORD_TYPE,
        record_id=str(job.public_id),
        detail={"file": job.file_name, "sha256": job.sha256, "mode": job.mode, **detail},
    )


def previous_import_of_same_file(job: ImportJob) -> ImportJob | None:
    """An earlier finished import of the same bytes by the same organization, if any."""
    return (
        ImportJob.objects.filter(
            organization_id=job.organization_id, sha256=job.sha256, status=JobStatus.DONE
        )
        .exclude(pk=job.pk)
        .filter(created_at__lt=job.created_at)
        .order_by("-created_at")
        .first()
    )


# --- running a job ---------------------------------------------------------------------------------


def acting_of_job(job: ImportJob) -> Acting:
    return Acting(
        user=job.created_by, membership=job.membership, ip_address=job.ip_address, channel=job.channel
    )


# What a run writes to its job at the end (only while the job is still that run's: ``attempt``).
_RUN_FIELDS = (
    "status",
    "encoding",
    "rows_total",
    "rows_done",
    "accepted",
    "rejected",
    "unchanged",
    "not_stored",
    "error",
    "error_code",
    "stored_file",
    "finished_at",
    "heartbeat_at",
)


def import_job_run(*, job: ImportJob, path: Path | None = None) -> ImportJob:
    """Process a queued job: the stored upload, or ``path`` for the command. Runs in the worker.

    Never raises for a bad file or row: the job records what happened. A job run again after an
    interruption goes on after the rows its earlier run stored (accept-valid mode; all-or-nothing
    stored nothing and starts again). A worker stopped by a signal keeps the upload for that.
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempt=F("attempt") + 1
    )
    job.refresh_from_db()
    if not claimed:
        return job  # another worker runs it, or it has run
    import_jobs_prune()
    import_jobs_mark_interrupted()  # a worker that starts shows the jobs of dead ones as interrupted
    try:
        with translation.override(job.language), _local_file(job, path) as local:
            acting = acting_of_job(job)
            if not job.membership.is_active or not may_import(acting):
                raise FileRefused("not_allowed", _("Your membership no longer allows imports."))
            register = open_register(local, job.file_name)
            job.encoding = register.encoding
            job.rows_total = register.rows_total
            job.heartbeat_at = timezone.now()  # counting an XLSX's rows may take a while
            job.save(update_fields=["encoding", "rows_total", "heartbeat_at"])
            if job.mode == ImportMode.ALL_OR_NOTHING:
                Importer(job, acting, register).run_all_or_nothing()
            else:
                Importer(job, acting, register, resume_after=job.rows_done).run_accept_valid()
            job.status = JobStatus.DONE
    except Superseded:
        logger.warning(
            "Import job %s was run again while this worker still ran it; it stopped.", job.public_id
        )
        job.refresh_from_db()
        return job
    except FileRefused as refused:
        job.status = JobStatus.FAILED
        job.error, job.error_code = refused.message, refused.code
    except Exception:
        logger.exception("Import job %s failed", job.public_id)
        job.status = JobStatus.FAILED
        with translation.override(job.language):
            job.error = _("The import stopped because of an unexpected error; nothing more was stored.")
        job.error_code = "crash"
    _delete_upload(job)
    job.finished_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk, attempt=job.attempt).update(
        **{name: getattr(job, name) for name in _RUN_FIELDS}
    )
    return job


def stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "IMPORT_STALE_AFTER", DEFAULT_STALE_AFTER)))


def _interruption_message(job: ImportJob) -> str:
    with translation.override(job.language):
        if job.mode == ImportMode.ALL_OR_NOTHING:
            return _(
                "The import was interrupted before it ended (its background worker stopped), so nothing "
                "was stored. Run it again."
            )
        return _(
            "The import was interrupted after %(rows)s rows (its background worker stopped). The rows "
            "stored so far are kept; run it again to import the rest: no row is imported twice."
        ) % {"rows": job.rows_done}


def import_jobs_mark_interrupted(*, jobs: QuerySet[ImportJob] | None = None) -> int:
    """Mark running jobs without progress for ``IMPORT_STALE_AFTER`` seconds as interrupted.

    Run when a worker starts, when a job is read, and by ``manage.py mark_interrupted_imports``.
    Returns how many were marked.
    """
    now = timezone.now()
    cutoff = now - stale_after()
    candidates = (ImportJob.objects.all() if jobs is None else jobs).filter(status=JobStatus.RUNNING)
    candidates = candidates.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    marked = 0
    for job in candidates:
        beat = progress.last_heartbeat(job)
        if beat is not None and beat >= cutoff:
            continue  # an all-or-nothing import on SQLite reports in its side file
        # Only if nothing changed since it was read: a worker's late heartbeat wins.
        changed = ImportJob.objects.filter(
            pk=job.pk, status=JobStatus.RUNNING, attempt=job.attempt, heartbeat_at=job.heartbeat_at
        ).update(
            status=JobStatus.INTERRUPTED,
            error=_interruption_message(job),
            error_code="interrupted",
            finished_at=now,
        )
        if changed:
            logger.warning("Import job %s was interrupted: no progress since %s", job.public_id, beat)
            progress.forget(job)
            marked += changed
    return marked


def import_job_check_interrupted(job: ImportJob) -> ImportJob:
    """The job as it stands, marked interrupted first if its worker has died (for pages and the API)."""
    if job.status == JobStatus.RUNNING and import_jobs_mark_interrupted(
        jobs=ImportJob.objects.filter(pk=job.pk)
    ):
        job.refresh_from_db()
    return job


def import_job_rerun(*, acting: Acting, job: ImportJob) -> ImportJob:
    """Queue an interrupted job again (the caller enqueues it). Safe: imports are idempotent, and
    accept-valid goes on after the rows stored before the interruption."""
    membership = _importing_membership(acting)
    if job.organization_id != membership.organization_id:
        raise PermissionDenied
    if job.status != JobStatus.INTERRUPTED:
        raise ValidationError(_("Only an interrupted import can be run again."), code="not_interrupted")
    if not job.stored_file:
        raise FileRefused("gone", _("The uploaded file is no longer available: upload it again."))
    changes: dict[str, Any] = {
        "status": JobStatus.QUEUED,
        "error": "",
        "error_code": "",
        "finished_at": None,
        "heartbeat_at": None,
    }
    if job.mode == ImportMode.ALL_OR_NOTHING:
        # Its one transaction ended with the worker: nothing was stored, so the count starts again.
        changes |= {"rows_done": 0, "accepted": 0, "rejected": 0, "unchanged": 0, "not_stored": 0}
    if not ImportJob.objects.filter(pk=job.pk, status=JobStatus.INTERRUPTED).update(**changes):
        raise ValidationError(_("Only an interrupted import can be run again."), code="not_interrupted")
    job.refresh_from_db()
    _audit_job(acting, job, AuditAction.UPDATE, rerun=job.attempt + 1, rows_kept=job.rows_done)
    return job


@contextmanager
def _local_file(job: ImportJob, path: Path | None) -> Iterator[Path]:
    """The job's file as a local path (copied out of a storage that has no local files)."""
    if path is not None:
        yield path
        return
    if not job.stored_file:
        raise FileRefused("gone", _("The uploaded file is no longer available: upload it again."))
    try:
        local_path = Path(default_storage.path(job.stored_file))
    except NotImplementedError:  # Django's answer for storages without local files (e.g. S3)
        local_path = None
    if local_path is not None:
        yield local_path
        return
    with default_storage.open(job.stored_file) as remote, tempfile.NamedTemporaryFile() as local:
        shutil.copyfileobj(remote, local)
        local.flush()
        yield Path(local.name)


def _delete_upload(job: ImportJob) -> None:
    if job.stored_file:
        default_storage.delete(job.stored_file)
        job.stored_file = ""


def import_jobs_prune() -> int:
    """Delete reports older than the retention period (their rows go with them)."""
    cutoff = timezone.now() - dt.timedelta(days=retention_days())
    old = ImportJob.objects.filter(
        created_at__lt=cutoff, status__in=[JobStatus.DONE, JobStatus.FAILED, JobStatus.INTERRUPTED]
    )
    for job in old.exclude(stored_file=""):
        _delete_upload(job)  # an interrupted job's upload waited to be run again
    deleted, _counts = old.delete()
    return deleted


def merge_import_links(source: Person, target: Person) -> dict[str, int]:
    """Merge handler: the report rows and imported-row fingerprints of a duplicate follow the survivor."""
    return {
        "import_rows": ImportRow.objects.filter(person=source).update(person=target),
        "imported_records": ImportedRecord.objects.filter(person=source).update(person=target),
    }
