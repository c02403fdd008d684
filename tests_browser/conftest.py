"""Browser tests: a live Django server driven by Debian's Chromium through Playwright's sync API."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from conftest import World
from resoc.people.events import person_registered_event

PASSWORD = "a-long-test-password-1"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# The live server speaks plain HTTP and has no collected static files. These settings are read on
# every request, so each browser test sets them through pytest-django's ``settings`` fixture.
PLAIN_HTTP_SETTINGS: dict[str, Any] = {
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
    "LANGUAGE_COOKIE_SECURE": False,
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    "TWO_FACTOR_REQUIRED_ROLES": [],
}


@pytest.fixture(scope="package", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in this thread, which trips Django's async-unsafe
    guard on every ORM call the tests make. Allowed only while the browser tests run: a process
    started with the variable set fails ``check --deploy``, which another test runs."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def _no_ssl_redirect() -> Callable[[], None]:
    previous = django_settings.SECURE_SSL_REDIRECT
    django_settings.SECURE_SSL_REDIRECT = False

    def restore() -> None:
        django_settings.SECURE_SSL_REDIRECT = previous

    return restore


@pytest.fixture(scope="session")
def live_server(_no_ssl_redirect: Callable[[], None], live_server: Any) -> Any:
    """pytest-django's live server, without the redirect to HTTPS.

    SecurityMiddleware reads SECURE_SSL_REDIRECT once, when the server thread builds its
    middleware; the setting is put back as soon as the server has started, so no other test sees it.
    """
    _no_ssl_redirect()
    return live_server


@pytest.fixture
def _plain_http(settings: Any) -> None:
    for name, value in PLAIN_HTTP_SETTINGS.items():
        setattr(settings, name, value)


@pytest.fixture
def browser_world(transactional_db: None, _reference_organizations: None, world: World) -> World:
    """The root ``world`` (personas, Jānis Bērziņš) committed, so the live server thread sees it."""
    # Something on the person's timeline, as a registration through the form would leave.
    person_registered_event(person=world.person, acting=world.acting("prison_officer"))
    return world


@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any, _plain_http: None, browser_world: World) -> Iterator[Page]:
    """A fresh browser profile of a user in Latvia (the browser asks for Latvian first)."""
    context = browser.new_context(base_url=live_server.url, locale="lv-LV")
    context.set_default_timeout(5_000)
    page = context.new_page()
    yield page
    context.close()


def translated(language: str, message: str) -> str:
    """``message`` as the server will show it in ``language`` (the English text while untranslated)."""
    with translation.override(language):
        return translation.gettext(message)


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real form, as a person would."""
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def log_out(page: Page) -> None:
    page.locator(".site-header form[action$='/logout/'] button").click()
    expect(page).to_have_url(re.compile(r"/login/"))
