"""Importing a prison register extract through the domain's own services.

Every row goes through ``people.services`` (register, update) and ``sentences.services`` (admit,
transfer, sentence, release), so the import validates, audits and derives relationships exactly as
the web forms do; this module adds matching, idempotency, the modes and the report.

Retention: the uploaded file is deleted when its job ends (done or failed). The report (with the
file's values of rejected rows only) is kept for ``IMPORT_RETENTION_DAYS`` (default 90) and deleted
when a later import starts; the fingerprints of imported rows are kept, so that an old extract
imported again still changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from resoc.access import policy
from resoc.access.context import Acting
from resoc.access.models import Membership
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.imports.models import ImportedRecord, ImportJob, ImportMode, ImportRow, JobStatus, RowStatus
from resoc.imports.progress import Progress
from resoc.imports.reader import Cell, FileRefused, RegisterFile, check_size, detect_format, open_register
from resoc.imports.rows import Reason, References, RegisterRow, parse_row
from resoc.people import services as people_services
from resoc.people.identity import birth_date_from_code
from resoc.people.models import CitizenshipStatus, Person
from resoc.sentences import services as sentence_services
from resoc.sentences.models import CustodyEnd, CustodyPeriod, Sentence
from resoc.text import fold

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# All-or-nothing refuses the file at the first rejected row; checking goes on to report more
# problems at once, but stops here so that a wholly wrong file does not fill memory with reasons.
MAX_REPORTED_REJECTIONS = 1000
DEFAULT_RETENTION_DAYS = 90
RECORD_TYPE = "import_job"

# Domain field names → the file's columns, so that a reason points at the cell to fix.
_FIELD_COLUMNS = {
    "given_names": "first_name",
    "family_name": "last_name",
    "date_of_birth": "birth_date",
    "citizenship_status": "citizenship",
    "to_prison": "prison",
    "transferred_on": "admitted_on",
    "starts_on": "sentence_start_on",
    "ends_on": "sentence_end_on",
    "release_probation_unit": "probation_unit",
    "reason": "release_reason",
    "__all__": "",
}


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


def import_job_run(*, job: ImportJob, path: Path | None = None) -> ImportJob:
    """Process a queued job: the stored upload, or ``path`` for the command. Runs in the worker.

    Never raises for a bad file or row: the job records what happened.
    """
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job.refresh_from_db()
    if not claimed:
        return job  # another worker runs it, or it has run
    import_jobs_prune()
    try:
        with translation.override(job.language), _local_file(job, path) as local:
            acting = acting_of_job(job)
            if not job.membership.is_active or not may_import(acting):
                raise FileRefused("not_allowed", _("Your membership no longer allows imports."))
            register = open_register(local, job.file_name)
            job.encoding = register.encoding
            job.rows_total = register.rows_total
            job.save(update_fields=["encoding", "rows_total"])
            importer = _Importer(job, acting, register)
            if job.mode == ImportMode.ALL_OR_NOTHING:
                importer.run_all_or_nothing()
            else:
                importer.run_accept_valid()
            job.status = JobStatus.DONE
    except FileRefused as refused:
        job.status = JobStatus.FAILED
        job.error, job.error_code = refused.message, refused.code
    except Exception:
        logger.exception("Import job %s failed", job.public_id)
        job.status = JobStatus.FAILED
        with translation.override(job.language):
            job.error = _("The import stopped because of an unexpected error; nothing more was stored.")
        job.error_code = "crash"
    finally:
        _delete_upload(job)
    job.finished_at = timezone.now()
    job.save()
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
    old = ImportJob.objects.filter(created_at__lt=cutoff, status__in=[JobStatus.DONE, JobStatus.FAILED])
    deleted, _counts = old.delete()
    return deleted


# --- rows ------------------------------------------------------------------------------------------


class _Rejected(Exception):
    def __init__(self, reasons: list[Reason]) -> None:
        super().__init__(reasons)
        self.reasons = reasons


@dataclass
class _Outcome:
    number: int
    status: str
    reasons: list[Reason] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    values: dict[str, Cell] = field(default_factory=dict)
    person_id: int | None = None
    fingerprint: str = ""  # set when the row is to be remembered as imported

    def as_row(self, job: ImportJob) -> ImportRow:
        values = {}
        if self.status == RowStatus.REJECTED:
            values = {
                key: value.isoformat() if isinstance(value, dt.date) else value
                for key, value in self.values.items()
            }
        return ImportRow(
            job=job,
            number=self.number,
            status=self.status,
            reasons=[reason.as_dict() for reason in self.reasons],
            changes=self.changes,
            values=values,
            person_id=self.person_id,
        )


def _batches(rows: Iterable[tuple[int, dict[str, Cell]]]) -> Iterator[list[tuple[int, dict[str, Cell]]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def _birth_date(row: RegisterRow) -> dt.date | None:
    return row.birth_date or (birth_date_from_code(row.personal_code) if row.personal_code else None)


def _names_key(family_name: str, given_names: str) -> str:
    return f" {fold(family_name)} {fold(given_names)} "


class _Importer:
    def __init__(self, job: ImportJob, acting: Acting, register: RegisterFile) -> None:
        self.job = job
        self.acting = acting
        self.register = register
        self.references = References(acting)
        self.first_seen: dict[str, int] = {}  # fingerprint → row number, for duplicates within the file
        self.by_code: dict[str, Person] = {}
        self.by_birth: dict[dt.date, list[Person]] = {}

    # modes

    def run_accept_valid(self) -> None:
        progress = Progress(self.job, isolated=False)
        try:
            for batch in _batches(self.register.rows()):
                with transaction.atomic():
                    outcomes = self._process(batch)
                    self._store(outcomes, remember=True)
                    self._count(outcomes)
                    self.job.save(update_fields=["accepted", "rejected", "unchanged"])
                    progress.report(self.job.rows_done)
        finally:
            progress.close()
        self.job.rows_total = self.job.rows_done

    def run_all_or_nothing(self) -> None:
        progress = Progress(self.job, isolated=True)
        rejected: list[_Outcome] = []
        processed = 0
        try:
            with transaction.atomic():
                for batch in _batches(self.register.rows()):
                    outcomes = self._process(batch)
                    processed += len(batch)
                    rejected.extend(o for o in outcomes if o.status == RowStatus.REJECTED)
                    if not rejected:
                        self._store(outcomes, remember=True)
                    self._count(outcomes)
                    progress.report(processed)
                    if len(rejected) >= MAX_REPORTED_REJECTIONS:
                        self.job.error_code = "stopped_checking"
                        self.job.error = _(
                            "Checking stopped after %(count)s rejected rows; correct these and upload the file again."
                        ) % {"count": MAX_REPORTED_REJECTIONS}
                        break
                if rejected:
                    transaction.set_rollback(True)
        finally:
            progress.close()
        self.job.rows_done = self.job.rows_total = processed
        if rejected:
            # Everything was rolled back, the report too: it keeps the rejected rows and the counts.
            self.job.not_stored = self.job.accepted
            self.job.accepted = 0
            with transaction.atomic():
                self._store(rejected, remember=False)

    def _count(self, outcomes: list[_Outcome]) -> None:
        for outcome in outcomes:
            if outcome.status == RowStatus.ACCEPTED:
                self.job.accepted += 1
            elif outcome.status == RowStatus.REJECTED:
                self.job.rejected += 1
            else:
                self.job.unchanged += 1
        self.job.rows_done += len(outcomes)

    def _store(self, outcomes: list[_Outcome], *, remember: bool) -> None:
        ImportRow.objects.bulk_create([outcome.as_row(self.job) for outcome in outcomes])
        if remember:
            ImportedRecord.objects.bulk_create(
                [
                    ImportedRecord(
                        organization_id=self.job.organization_id,
                        fingerprint=outcome.fingerprint,
                        person_id=outcome.person_id,
                        job=self.job,
                        row_number=outcome.number,
                    )
                    for outcome in outcomes
                    if outcome.fingerprint
                ]
            )

    # one batch

    def _process(self, batch: list[tuple[int, dict[str, Cell]]]) -> list[_Outcome]:
        parsed: list[tuple[int, dict[str, Cell], RegisterRow | None, list[Reason]]] = [
            (number, raw, *parse_row(number, raw, self.references)) for number, raw in batch
        ]
        fingerprints = [row.fingerprint for _n, _raw, row, _r in parsed if row is not None]
        imported = {
            record.fingerprint: record
            for record in ImportedRecord.objects.filter(
                organization_id=self.job.organization_id, fingerprint__in=fingerprints
            ).select_related("job")
        }
        self._load_persons(
            [row for _n, _raw, row, _r in parsed if row is not None and row.fingerprint not in imported]
        )
        outcomes: list[_Outcome] = []
        for number, raw, row, reasons in parsed:
            if row is None:
                outcomes.append(_Outcome(number, RowStatus.REJECTED, reasons, values=raw))
                continue
            first = self.first_seen.get(row.fingerprint)
            if first is not None:
                reason = Reason(
                    "", "duplicate_row", _("The same as row %(row)s of this file.") % {"row": first}
                )
                outcomes.append(_Outcome(number, RowStatus.UNCHANGED, [reason]))
                continue
            self.first_seen[row.fingerprint] = number
            record = imported.get(row.fingerprint)
            if record is not None:
                outcomes.append(self._already_imported(number, record))
                continue
            outcomes.append(self._apply_in_savepoint(row, raw))
        return outcomes

    def _already_imported(self, number: int, record: ImportedRecord) -> _Outcome:
        if record.job is not None:
            message = _("Already imported from “%(file)s”, row %(row)s.") % {
                "file": record.job.file_name,
                "row": record.row_number,
            }
        else:
            message = _("Already imported earlier.")
        return _Outcome(
            number, RowStatus.UNCHANGED, [Reason("", "already_imported", message)], person_id=record.person_id
        )

    def _load_persons(self, rows: list[RegisterRow]) -> None:
        """Two queries per batch for the persons its rows name: by code, and by date of birth.

        The look-alikes by date of birth serve both matching rows without a code and the duplicate
        check of a new registration, which would otherwise cost a query (a scan: birth dates have no
        index) for every row.
        """
        codes = {row.personal_code for row in rows if row.personal_code}
        births = {birth for row in rows if (birth := _birth_date(row))}
        self.by_code = {}
        self.by_birth = {}
        if codes:
            for person in Person.objects.current().filter(personal_code__in=codes):
                self.by_code[person.personal_code or ""] = person
        if births:
            for person in Person.objects.current().filter(date_of_birth__in=births):
                assert person.date_of_birth is not None
                self.by_birth.setdefault(person.date_of_birth, []).append(person)

    def _lookalikes(self, row: RegisterRow) -> list[Person]:
        """Records with the row's names and date of birth (as ``person_possible_duplicates`` finds them)."""
        birth = _birth_date(row)
        if birth is None:
            return []
        names = _names_key(row.family_name, row.given_names)
        return [p for p in self.by_birth.get(birth, []) if p.search_text.startswith(names)]

    def _apply_in_savepoint(self, row: RegisterRow, raw: dict[str, Cell]) -> _Outcome:
        try:
            with transaction.atomic():
                person, changes = self._apply(row)
        except _Rejected as rejected:
            return _Outcome(row.number, RowStatus.REJECTED, rejected.reasons, values=raw)
        except ValidationError as error:
            return _Outcome(row.number, RowStatus.REJECTED, _reasons(error), values=raw)
        if person.personal_code:
            self.by_code[person.personal_code] = person
        if person.date_of_birth and person not in self.by_birth.get(person.date_of_birth, []):
            self.by_birth.setdefault(person.date_of_birth, []).append(person)
        if not changes:
            reason = Reason("", "no_changes", _("Resoc already holds everything this row says."))
            return _Outcome(
                row.number, RowStatus.UNCHANGED, [reason], person_id=person.pk, fingerprint=row.fingerprint
            )
        return _Outcome(
            row.number, RowStatus.ACCEPTED, changes=changes, person_id=person.pk, fingerprint=row.fingerprint
        )

    # one row, through the domain services

    def _match(self, row: RegisterRow) -> Person | None:
        if row.personal_code:
            return self.by_code.get(row.personal_code)
        found = self._lookalikes(row)
        if len(found) > 1:
            raise _Rejected(
                [
                    Reason(
                        "personal_code",
                        "ambiguous",
                        _(
                            "Several persons have this name and date of birth: add the personal code to the row."
                        ),
                    )
                ]
            )
        return found[0] if found else None

    def _apply(self, row: RegisterRow) -> tuple[Person, list[str]]:
        acting = self.acting
        changes: list[str] = []
        person = self._match(row)
        if person is None:
            person = self._register(row)
            changes.append("person_registered")
            periods: list[CustodyPeriod] = []
        else:
            if self._update_identity(person, row):
                changes.append("person_updated")
            periods = list(CustodyPeriod.objects.filter(person=person))

        period = next(
            (p for p in periods if p.prison_id == row.prison.pk and p.admitted_on == row.admitted_on), None
        )
        if period is None:
            holding = next((p for p in periods if p.left_on is None), None)
            if (
                holding is not None
                and holding.prison_id != row.prison.pk
                and row.admitted_on >= holding.admitted_on
            ):
                with _denied_as(_("The person is held by another prison: that prison records the transfer.")):
                    period = sentence_services.custody_transfer(
                        acting=acting,
                        person=person,
                        to_prison=row.prison,
                        transferred_on=row.admitted_on,
                        regime_level=row.regime_level,
                    )
                changes.append("custody_transferred")
            else:
                with _denied_as(_("Your organization has no access to this person's record.")):
                    period = sentence_services.custody_admit(
                        acting=acting,
                        person=person,
                        prison=row.prison,
                        admitted_on=row.admitted_on,
                        regime_level=row.regime_level,
                    )
                changes.append("custody_admitted")

        if row.sentence_end_on is not None:
            starts_on = row.sentence_start_on or row.admitted_on
            known = "person_registered" not in changes and (
                Sentence.objects.filter(
                    person=person, starts_on=starts_on, ends_on=row.sentence_end_on
                ).exists()
            )
            if not known:
                with _denied_as(_("Your organization has no access to this person's sentence.")):
                    sentence_services.sentence_record(
                        acting=acting,
                        person=person,
                        court=row.court,
                        starts_on=starts_on,
                        ends_on=row.sentence_end_on,
                        release_probation_unit=row.probation_unit,
                    )
                changes.append("sentence_recorded")

        if row.released_on is not None:
            if period.left_on is None:
                with _denied_as(_("Your organization has no access to this person's record.")):
                    sentence_services.person_release(
                        acting=acting, person=person, released_on=row.released_on, reason=row.release_reason
                    )
                changes.append("person_released")
            elif period.left_on != row.released_on or period.ended_by != CustodyEnd.RELEASE:
                raise _Rejected(
                    [
                        Reason(
                            "released_on",
                            "release_conflict",
                            _("This stay already ended on %(date)s (%(how)s).")
                            % {
                                "date": period.left_on.strftime("%d.%m.%Y"),
                                "how": period.get_ended_by_display(),
                            },
                        )
                    ]
                )
        return person, changes

    def _register(self, row: RegisterRow) -> Person:
        data = {
            "given_names": row.given_names,
            "family_name": row.family_name,
            "personal_code": row.personal_code,
            "date_of_birth": row.birth_date,
            "sex": row.sex,
            "citizenship_status": row.citizenship_status,
            "citizenship_country": row.citizenship_country,
        }
        # Matching found no record with this code; a look-alike with a different code is another
        # person. A look-alike without a code may be this one: a person decides (merge, or add the code).
        lookalikes = self._lookalikes(row)
        if lookalikes and not (row.personal_code and all(p.personal_code for p in lookalikes)):
            raise _Rejected(
                [
                    Reason(
                        "personal_code",
                        "possible_duplicate",
                        _(
                            "A person with the same name and date of birth is registered without this code: "
                            "check whether it is the same person and merge or complete the record."
                        ),
                    )
                ]
            )
        # The look-alikes were checked above, from the batch's one query.
        return people_services.person_register(acting=self.acting, data=data, confirm_possible_duplicate=True)

    def _update_identity(self, person: Person, row: RegisterRow) -> bool:
        wanted: dict[str, Any] = {"sex": row.sex}
        # Registers often write names in capitals or without diacritics: only a different spelling
        # is a correction, not "BĒRZIŅŠ" or "Berzins" for "Bērziņš".
        for name in ("given_names", "family_name"):
            if fold(getattr(row, name)) != fold(getattr(person, name)):
                wanted[name] = getattr(row, name)
        if row.birth_date is not None:
            wanted["date_of_birth"] = row.birth_date
        # An empty or "unknown" cell does not erase what Resoc knows.
        if row.citizenship_status != CitizenshipStatus.UNKNOWN:
            wanted["citizenship_status"] = row.citizenship_status
        if row.citizenship_country:
            wanted["citizenship_country"] = row.citizenship_country
        if all(getattr(person, name) == value for name, value in wanted.items()):
            return False
        with _denied_as(_("Your organization has no access to this person's record.")):
            people_services.person_update(acting=self.acting, person=person, data=wanted)
        return True


@contextmanager
def _denied_as(message: str) -> Iterator[None]:
    try:
        yield
    except PermissionDenied:
        raise _Rejected([Reason("", "no_access", message)]) from None


def _reasons(error: ValidationError) -> list[Reason]:
    reasons: list[Reason] = []
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for item in errors:
                reasons.append(
                    Reason(_FIELD_COLUMNS.get(name, name), item.code or "invalid", item.messages[0])
                )
    else:
        for item in error.error_list:
            reasons.append(Reason("", item.code or "invalid", item.messages[0]))
    return reasons


def merge_import_links(source: Person, target: Person) -> dict[str, int]:
    """Merge handler: the report rows and imported-row fingerprints of a duplicate follow the survivor."""
    return {
        "import_rows": ImportRow.objects.filter(person=source).update(person=target),
        "imported_records": ImportedRecord.objects.filter(person=source).update(person=target),
    }
