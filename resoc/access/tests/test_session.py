"""Sessions end after SESSION_IDLE_MINUTES without activity; every request restarts the clock."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import resoc.settings
from conftest import World
from resoc.env import envint


def load_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> ModuleType:
    """A fresh copy of resoc/settings.py read under the given environment."""
    monkeypatch.setenv("RESOC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "s" * 10 + "-test-only-" + "k" * 40)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("resoc_settings_probe", resoc.settings.__file__)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cookie_age_follows_idle_minutes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    probe = load_settings(monkeypatch, tmp_path, SESSION_IDLE_MINUTES="7")
    assert probe.SESSION_COOKIE_AGE == 7 * 60
    assert probe.SESSION_SAVE_EVERY_REQUEST is True
    assert probe.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_the_running_settings_use_idle_minutes() -> None:
    assert envint("SESSION_IDLE_MINUTES", 30) * 60 == django_settings.SESSION_COOKIE_AGE
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert django_settings.SESSION_COOKIE_HTTPONLY is True


def _expiry(client: Client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_every_request_pushes_the_expiry_forward(world: World) -> None:
    client = world.client("prison_officer")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=1)
    )

    response = client.get("/")

    assert response.status_code == 200
    assert django_settings.SESSION_COOKIE_NAME in response.cookies
    remaining = _expiry(client) - timezone.now()
    assert abs(remaining.total_seconds() - django_settings.SESSION_COOKIE_AGE) < 60


def test_an_idle_session_has_ended(world: World) -> None:
    client = world.client("prison_officer")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:login"))
