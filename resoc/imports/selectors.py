"""Reads of imports: jobs belong to the organization that uploaded them."""

from __future__ import annotations

import uuid

from django.db.models import F, QuerySet

from resoc.access.context import Acting
from resoc.imports.models import ImportJob, ImportRow, RowStatus


def import_jobs(*, acting: Acting) -> QuerySet[ImportJob]:
    """The acting organization's imports, newest first."""
    if acting.membership is None:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(organization_id=acting.membership.organization_id).select_related(
        "created_by"
    )


def import_job(*, acting: Acting, public_id: uuid.UUID) -> ImportJob | None:
    return import_jobs(acting=acting).filter(public_id=public_id).first()


def import_rows(*, job: ImportJob, status: str = "") -> QuerySet[ImportRow]:
    """The job's row results in file order; the person by public id only (the report shows no names)."""
    rows = job.rows.annotate(person_public_id=F("person__public_id")).order_by("number")
    if status in RowStatus.values:
        rows = rows.filter(status=status)
    return rows
