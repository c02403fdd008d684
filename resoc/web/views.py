from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from resoc.access import policy
from resoc.access.http import ResocRequest
from resoc.casework.rules import has_caseload


@login_required
def home(request: ResocRequest) -> HttpResponse:
    acting = request.acting
    return render(
        request,
        "web/home.html",
        {
            "can_register": acting is not None and policy.can_register_persons(acting),
            # Case workers start from their caseload ("My people").
            "has_caseload": acting is not None and has_caseload(acting),
        },
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 page that needs nothing from the database, and says so when the database is the cause."""
    _type, error, _tb = sys.exc_info()
    database_down = isinstance(error, DatabaseError)
    html = render_to_string("web/error.html", {"database_down": database_down})
    return HttpResponse(html, status=503 if database_down else 500)


def health(request: HttpRequest) -> HttpResponse:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
