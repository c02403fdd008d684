"""Thin views of the register import: upload, job page with live progress, report downloads.

Only members who may import (``services.may_import``) see any of it (403 for others, and the refusal
is audited); a job of another organization answers 404, like an unknown one.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from resoc.access.context import Acting
from resoc.access.http import ResocRequest, acting_or_403
from resoc.audit.models import AuditAction
from resoc.audit.services import audit_record
from resoc.imports import progress, report, selectors, services
from resoc.imports.columns import COLUMNS
from resoc.imports.forms import RowFilterForm, UploadForm
from resoc.imports.models import ImportJob, RowStatus
from resoc.imports.reader import FileRefused, max_bytes
from resoc.imports.tasks import enqueue_import

PAGE_SIZE = 50
LIST_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _importer(request: ResocRequest) -> Acting:
    acting = acting_or_403(request)
    if not services.may_import(acting):
        audit_record(actor=acting.actor, action=AuditAction.DENIED, record_type=services.RECORD_TYPE)
        raise PermissionDenied
    return acting


def _job_or_404(acting: Acting, public_id: uuid.UUID) -> ImportJob:
    job = selectors.import_job(acting=acting, public_id=public_id)
    if job is None:
        audit_record(
            actor=acting.actor,
            action=AuditAction.DENIED,
            record_type=services.RECORD_TYPE,
            record_id=str(public_id),
        )
        raise Http404
    return job


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def job_list(request: ResocRequest) -> HttpResponse:
    acting = _importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                acting=acting, upload=upload, file_name=upload.name or "", mode=form.cleaned_data["mode"]
            )
        except FileRefused as refused:
            form.add_error("file", refused.message)
        else:
            enqueue_import(job)
            messages.success(request, _("The file has been uploaded; the import runs in the background."))
            return redirect("imports:detail", public_id=job.public_id)
    context = {
        "form": form,
        "jobs": list(selectors.import_jobs(acting=acting)[:LIST_SIZE]),
        "columns": COLUMNS,
        "max_megabytes": max_bytes() // (1024 * 1024),
    }
    return render(request, "imports/list.html", context, status=422 if form.errors else 200)


def _progress_context(job: ImportJob) -> dict[str, object]:
    done = progress.rows_done(job)
    total = max(job.rows_total, done)
    return {
        "job": job,
        "rows_done": done,
        "rows_total": total,
        "percent": (100 * done // total) if total else 0,
    }


@login_required
@never_cache
@require_GET
def detail(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    acting = _importer(request)
    job = services.import_job_check_interrupted(_job_or_404(acting, public_id))
    filter_form = RowFilterForm(request.GET)
    status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
    page = Paginator(selectors.import_rows(job=job, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        **_progress_context(job),
        "page": page,
        "filter_form": filter_form,
        "status": status,
        "previous": services.previous_import_of_same_file(job) if job.is_finished else None,
        "row_statuses": RowStatus,
    }
    return render(request, "imports/detail.html", context)


@login_required
@never_cache
@require_GET
def job_progress(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    """The progress fragment htmx polls; once the job ends, the whole page reloads with the report."""
    acting = _importer(request)
    job = services.import_job_check_interrupted(_job_or_404(acting, public_id))
    response = render(request, "imports/_progress.html", _progress_context(job))
    if job.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def rerun(request: ResocRequest, public_id: uuid.UUID) -> HttpResponse:
    """Run an interrupted import again (safe: imports are idempotent)."""
    acting = _importer(request)
    job = services.import_job_check_interrupted(_job_or_404(acting, public_id))
    try:
        job = services.import_job_rerun(acting=acting, job=job)
    except FileRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        enqueue_import(job)
        messages.success(request, _("The import runs again in the background."))
    return redirect("imports:detail", public_id=job.public_id)


@login_required
@never_cache
@require_GET
def export(request: ResocRequest, public_id: uuid.UUID, file_format: str) -> HttpResponseBase:
    """The report (all rows or one status) as CSV or XLSX; logged before a row is written."""
    acting = _importer(request)
    job = _job_or_404(acting, public_id)
    filter_form = RowFilterForm(request.GET)
    status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
    rows = selectors.import_rows(job=job, status=status)
    audit_record(
        actor=acting.actor,
        action=AuditAction.EXPORT,
        record_type="import_report",
        record_id=str(job.public_id),
        detail={"format": file_format, "status": status or "all"},
    )
    filename = f"import-report-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "xlsx":
        with translation.override(translation.get_language()):
            output = report.xlsx_file(rows)
        return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response = StreamingHttpResponse(
        report.csv_lines(rows, language=translation.get_language() or "lv"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def template(request: ResocRequest, file_format: str) -> HttpResponseBase:
    """An empty register file with the header row (no personal data: not audited)."""
    _importer(request)
    if file_format == "xlsx":
        return FileResponse(
            report.template_xlsx(),
            as_attachment=True,
            filename="register-template.xlsx",
            content_type=XLSX_TYPE,
        )
    response = HttpResponse(report.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="register-template.csv"'
    return response
