"""Logins, failed logins and logouts are logged; repeated failures lock the account (django-axes)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axes.utils import reset as axes_reset
from django.test import Client
from django.urls import reverse

from conftest import World
from resoc.audit.models import AuditAction, AuditEntry

LOGIN = reverse("access:login")
PASSWORD = "a-long-test-password-1"
ADDRESS = "203.0.113.9"


@pytest.fixture(autouse=True)
def _fresh_axes(db: None) -> Iterator[None]:
    axes_reset()
    yield
    axes_reset()


def login(client: Client, username: str, password: str, address: str = ADDRESS):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_successful_login_is_logged_with_user_and_address(world: World) -> None:
    client = Client()
    response = login(client, "prison_officer", PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert entry.actor_id == world.users["prison_officer"].pk
    assert entry.actor_username == "prison_officer"
    assert entry.ip_address == ADDRESS


def test_a_failed_login_is_logged_with_the_username_tried_and_address(world: World) -> None:
    client = Client(headers={"accept-language": "en"})
    response = login(client, "prison_officer", "wrong-password")

    assert response.status_code == 200
    assert not logged_in(client)
    assert "The username or password is not correct" in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert entry.actor_id is None
    assert entry.actor_username == "prison_officer"
    assert entry.ip_address == ADDRESS
    assert not AuditEntry.objects.filter(action=AuditAction.LOGIN).exists()


def test_a_failed_login_for_an_unknown_username_is_logged_too(world: World) -> None:
    login(Client(), "nobody-here", "whatever-password")
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (entry.actor_username, entry.ip_address) == ("nobody-here", ADDRESS)


def test_logout_is_logged(world: World) -> None:
    client = Client()
    login(client, "prison_officer", PASSWORD)

    response = client.post(reverse("access:logout"), REMOTE_ADDR=ADDRESS)

    assert response.status_code == 302
    assert not logged_in(client)
    entry = AuditEntry.objects.get(action=AuditAction.LOGOUT)
    assert (entry.actor_username, entry.ip_address) == ("prison_officer", ADDRESS)


def test_after_the_failure_limit_even_the_right_password_is_refused(world: World, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    client = Client(headers={"accept-language": "en"})
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "prison_officer", "wrong-password").status_code == 200

    locking = login(client, "prison_officer", "wrong-password")
    response = login(client, "prison_officer", PASSWORD)

    for refused in (locking, response):
        assert refused.status_code == settings.AXES_HTTP_RESPONSE_CODE
        assert refused.status_code in (403, 429)
        assert "access/locked_out.html" in [t.name for t in refused.templates]
        assert "too many failed login attempts" in refused.content.decode()
    assert not logged_in(client)
    assert not AuditEntry.objects.filter(action=AuditAction.LOGIN).exists()
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= settings.AXES_FAILURE_LIMIT


def test_the_lockout_is_per_username_and_address(world: World, settings) -> None:
    """One person guessing does not lock out colleagues behind the same office address."""
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        login(Client(), "prison_officer", "wrong-password")
    assert login(Client(), "prison_officer", PASSWORD).status_code == settings.AXES_HTTP_RESPONSE_CODE

    colleague = Client()
    assert login(colleague, "probation_officer", PASSWORD).status_code == 302
    assert logged_in(colleague)


def test_a_successful_login_resets_the_failure_count(world: World, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        login(client, "prison_officer", "wrong-password")
    assert login(client, "prison_officer", PASSWORD).status_code == 302
    client.post(reverse("access:logout"))
    for _ in range(2):
        login(client, "prison_officer", "wrong-password")
    assert login(client, "prison_officer", PASSWORD).status_code == 302
