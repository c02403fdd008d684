from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from resoc.access.http import ResocRequest
from resoc.access.roles import Role
from resoc.audit.models import AuditEntry


@login_required
def search(request: ResocRequest) -> HttpResponse:
    acting = request.acting
    if acting is None or acting.role != Role.AUDITOR:
        raise PermissionDenied
    entries = AuditEntry.objects.all()
    person = request.GET.get("person", "").strip()
    if person:
        entries = entries.filter(person_public_id=person)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/search.html", {"page": page, "person": person})
