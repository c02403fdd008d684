"""Imports of the prison register extract: one job per uploaded file, one result per data row.

Reasons of rejected rows are stored as message codes with the text in the uploader's language
(``ImportJob.language``): most texts come from the domain services, which format values into their
messages, so they cannot be re-translated later; the report is written for the uploader, and the
codes keep the API and the filters independent of the language.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: store the file only if every row is valid")
    ACCEPT_VALID = "accept_valid", _("Store the valid rows, report the others")


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")
    # The worker stopped without finishing (it died or was stopped); the job may be run again.
    INTERRUPTED = "interrupted", _("Interrupted")


class RowStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    UNCHANGED = "unchanged", _("Unchanged")
    # All-or-nothing mode: the row was valid, but another row was rejected, so nothing was stored.
    NOT_STORED = "not_stored", _("Valid, not stored")


# What an accepted row changed, as stored in ``ImportRow.changes``.
CHANGE_LABELS = {
    "person_registered": _("person registered"),
    "person_updated": _("identity data changed"),
    "custody_admitted": _("admitted to prison"),
    "custody_transferred": _("transferred from another prison"),
    "sentence_recorded": _("sentence recorded"),
    "person_released": _("released"),
}


class ImportJob(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    # The membership the user acted through: the worker acts through it again.
    membership = models.ForeignKey("access.Membership", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    channel = models.CharField(max_length=10, default="web")  # web, api, command
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    language = models.CharField(max_length=10, default="lv")

    file_name = models.CharField(_("file"), max_length=255)
    # Where the upload waits for the worker; emptied when the job ends (the file is then deleted).
    stored_file = models.CharField(max_length=300, blank=True)
    size_bytes = models.BigIntegerField(_("size"), default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=ImportMode.choices)

    status = models.CharField(_("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    not_stored = models.PositiveIntegerField(_("valid, not stored"), default=0)
    # A refusal of the whole file (too large, wrong encoding, missing columns) or a crash.
    error = models.TextField(_("error"), blank=True)
    error_code = models.CharField(max_length=40, blank=True)

    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # When the worker last made progress (see ``services.import_jobs_mark_interrupted``).
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    # Counts the runs of the job: a worker writes only while the job is still its run.
    attempt = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["organization", "created_at"], name="importjob_org_time")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED, JobStatus.INTERRUPTED}

    @property
    def stored_nothing(self) -> bool:
        """All-or-nothing refused the file: no row was stored."""
        return self.mode == ImportMode.ALL_OR_NOTHING and self.status == JobStatus.DONE and self.rejected > 0


class ImportRow(models.Model):
    """The outcome of one data row (row numbers as a spreadsheet shows them: the header is row 1)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row"))
    status = models.CharField(_("status"), max_length=12, choices=RowStatus.choices)
    # [{"field": "admitted_on", "code": "overlap", "message": "…"}] in the job's language.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    # What the row changed, as codes: ["person_registered", "custody_admitted", …].
    changes = models.JSONField(default=list, blank=True)
    # The file's own values, kept for rejected rows only (to fix and upload again); see the retention rule.
    values = models.JSONField(default=dict, blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="importrow_unique_number")]
        indexes = [models.Index(fields=["job", "status", "number"], name="importrow_job_status")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.number} {self.status}"

    @property
    def changes_text(self) -> str:
        return ", ".join(str(CHANGE_LABELS.get(change, change)) for change in self.changes)

    @property
    def reasons_text(self) -> str:
        return "; ".join(
            f"{reason['field']}: {reason['message']}" if reason.get("field") else str(reason["message"])
            for reason in self.reasons
        )


class ImportedRecord(models.Model):
    """A row an organization has imported, by its fingerprint: importing it again changes nothing.

    Kept apart from the job's report so that idempotency survives the deletion of old reports.
    """

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(max_length=64)
    person = models.ForeignKey("people.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    job = models.ForeignKey(ImportJob, null=True, on_delete=models.SET_NULL, related_name="+")
    row_number = models.PositiveIntegerField()
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "fingerprint"], name="importedrecord_unique")
        ]

    def __str__(self) -> str:
        return self.fingerprint
