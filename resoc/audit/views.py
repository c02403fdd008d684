"""The audit log, for the data protection officer / auditor role only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from resoc.access.context import Acting
from resoc.access.http import ResocRequest
from resoc.access.roles import Role
from resoc.audit import export, selectors
from resoc.audit.forms import AuditSearchForm
from resoc.audit.models import AuditAction, AuditEntry
from resoc.audit.services import audit_record

PAGE_SIZE = 50


def _auditor(request: ResocRequest) -> Acting:
    """The acting auditor; anyone else is refused, and the refusal is logged."""
    acting = request.acting
    if acting is None or acting.role != Role.AUDITOR:
        if acting is not None:
            audit_record(actor=acting.actor, action=AuditAction.DENIED, record_type="audit_log")
        raise PermissionDenied
    return acting


@login_required
@never_cache
@require_GET
def search(request: ResocRequest) -> HttpResponse:
    acting = _auditor(request)
    form = AuditSearchForm(request.GET)
    page = None
    if form.is_valid():
        filters = form.filters()
        if filters["person"] is not None:
            # Looking up one person's trail is itself a use of their data.
            audit_record(
                actor=acting.actor,
                action=AuditAction.SEARCH,
                record_type="audit_log",
                detail={"filters": form.filters_for_log()},
            )
        page = Paginator(selectors.audit_entry_search(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filtered": form.is_valid() and form.is_filtered(),
        "query": query.urlencode(),
    }
    return render(request, "audit/search.html", context)


@login_required
@never_cache
@require_GET
def export_csv(request: ResocRequest) -> HttpResponseBase:
    """The filtered entries as CSV. The export is logged with its filters before a row is written."""
    acting = _auditor(request)
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        query = request.GET.copy()
        return render(
            request,
            "audit/search.html",
            {"form": form, "page": None, "filtered": True, "query": query.urlencode()},
            status=400,
        )
    # Everything up to now, so that the export neither includes its own entry nor races new ones.
    last_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    entries = selectors.audit_entry_search(**form.filters()).filter(id__lte=last_id)
    audit_record(
        actor=acting.actor,
        action=AuditAction.EXPORT,
        record_type="audit_log",
        detail={"filters": form.filters_for_log(), "rows": entries.count(), "format": "csv"},
    )
    filename = f"resoc-audit-{timezone.localtime():%Y%m%d-%H%M}.csv"
    response = StreamingHttpResponse(
        export.csv_lines(entries, language=translation.get_language() or "lv"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
