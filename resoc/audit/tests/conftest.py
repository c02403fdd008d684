"""Clients of personas who have passed the second factor, so that a test sees the role's own answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import World


@pytest.fixture
def verified_client(world: World) -> Callable[[str], Client]:
    def make(persona: str) -> Client:
        user = world.users[persona]
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return make
