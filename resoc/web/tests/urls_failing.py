"""URLs for the error-page tests: the real ones plus views that fail the way production can."""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from resoc.urls import urlpatterns as resoc_urlpatterns

handler500 = "resoc.web.views.server_error"
SECRET_DETAIL = 'could not connect to server "db-internal.resoc.lan" (10.9.8.7), port 5432'


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError(SECRET_DETAIL)


def bug(request: HttpRequest) -> HttpResponse:
    raise ValueError(SECRET_DETAIL)


urlpatterns = [
    path("test-database-down/", database_down),
    path("test-bug/", bug),
    *resoc_urlpatterns,
]
