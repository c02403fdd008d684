"""When the database is down the user gets a plain 503 page, never a stack trace; /health/ says so."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import Client, RequestFactory
from django.utils import translation

from resoc.web import views
from resoc.web.tests.urls_failing import SECRET_DETAIL

LEAKS = ("Traceback", "OperationalError", "ValueError", "db-internal", "10.9.8.7", SECRET_DETAIL)


@pytest.fixture
def failing_urls(settings) -> None:
    settings.ROOT_URLCONF = "resoc.web.tests.urls_failing"
    settings.DEBUG = False


def assert_no_leak(html: str) -> None:
    for leak in LEAKS:
        assert leak not in html


def test_a_database_error_in_a_view_gives_the_database_page(db: None, failing_urls: None) -> None:
    client = Client(raise_request_exception=False, headers={"accept-language": "en"})

    response = client.get("/test-database-down/")

    assert response.status_code == 503
    html = response.content.decode()
    assert "The database is not available" in html
    assert_no_leak(html)


def test_another_error_gives_the_general_page(db: None, failing_urls: None) -> None:
    client = Client(raise_request_exception=False, headers={"accept-language": "en"})

    response = client.get("/test-bug/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "The database is not available" not in html
    assert_no_leak(html)


def test_the_error_page_itself_needs_no_database() -> None:
    # No ``db`` fixture: pytest-django makes any query in here fail the test.
    request = RequestFactory().get("/people/")
    with translation.override("en"):
        try:
            raise OperationalError(SECRET_DETAIL)
        except OperationalError:
            response = views.server_error(request)

    assert response.status_code == 503
    html = response.content.decode()
    assert "The database is not available" in html
    assert_no_leak(html)


def test_health_is_ok_when_the_database_answers(db: None) -> None:
    response = Client().get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_health_is_503_when_the_database_does_not_answer(db: None) -> None:
    with mock.patch.object(connections["default"], "cursor", side_effect=OperationalError("down")):
        response = Client().get("/health/")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert b"down" not in response.content
