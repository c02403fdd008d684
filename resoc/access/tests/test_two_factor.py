"""Roles in TWO_FACTOR_REQUIRED_ROLES confirm a TOTP code (RFC 6238) before they can do anything."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import World

TWO_FACTOR = reverse("access:two_factor")


@pytest.fixture(autouse=True)
def _only_auditors_need_a_second_factor(settings) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLES = ["auditor"]


def english_client(world: World, persona: str) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(world.users[persona])
    return client


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + steps_ahead,
    )
    return f"{value:0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A code that is not valid now, nor in the neighbouring steps the device tolerates."""
    valid = {code_for(device, steps_ahead=n) for n in range(-device.tolerance - 1, device.tolerance + 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


@pytest.mark.parametrize("path", ["/", "/audit/", "/people/"])
def test_an_unverified_auditor_is_sent_to_the_code_page(world: World, path: str) -> None:
    response = english_client(world, "auditor").get(path)
    assert response.status_code == 302
    assert response["Location"] == TWO_FACTOR


def test_roles_not_in_the_list_are_not_asked(world: World) -> None:
    for persona in ("system_admin", "prison_officer", "org_admin"):
        response = english_client(world, persona).get("/")
        assert response.status_code == 200, persona


def test_health_and_logout_stay_reachable(world: World) -> None:
    client = english_client(world, "auditor")
    assert client.get("/health/").status_code == 200
    assert client.post(reverse("access:logout")).status_code == 302


def test_first_time_setup_shows_a_qr_code(world: World) -> None:
    response = english_client(world, "auditor").get(TWO_FACTOR)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert 'role="img"' in html
    device = TOTPDevice.objects.get(user=world.users["auditor"])
    assert not device.confirmed
    assert device.bin_key.hex() in html


def test_a_wrong_code_is_refused_with_a_message(world: World) -> None:
    client = english_client(world, "auditor")
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=world.users["auditor"])

    response = client.post(TWO_FACTOR, {"token": wrong_code_for(device)})

    assert response.status_code == 200
    assert "The code is not correct or has expired" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/audit/")["Location"] == TWO_FACTOR


def test_the_correct_code_lets_the_auditor_in(world: World) -> None:
    client = english_client(world, "auditor")
    client.get(TWO_FACTOR)
    device = TOTPDevice.objects.get(user=world.users["auditor"])

    response = client.post(TWO_FACTOR, {"token": code_for(device)}, follow=True)

    assert response.redirect_chain == [(reverse("web:home"), 302)]
    assert "Two-factor authentication confirmed." in [str(m) for m in response.context["messages"]]
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/audit/").status_code == 200


def test_a_confirmed_device_asks_for_the_code_without_showing_the_secret_again(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.users["auditor"], name="Resoc", confirmed=True)
    client = english_client(world, "auditor")

    response = client.get(TWO_FACTOR)

    html = response.content.decode()
    assert "<svg" not in html
    assert device.bin_key.hex() not in html
    assert client.post(TWO_FACTOR, {"token": code_for(device)}).status_code == 302
    assert client.get("/audit/").status_code == 200


def test_guessing_is_throttled(world: World, settings) -> None:
    """Right after a wrong code even the right one is refused for a while (django-otp throttling)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # a wide window, so that a slow test run cannot outlast it
    device = TOTPDevice.objects.create(user=world.users["auditor"], name="Resoc", confirmed=True)
    client = english_client(world, "auditor")

    client.post(TWO_FACTOR, {"token": wrong_code_for(device)})
    response = client.post(TWO_FACTOR, {"token": code_for(device)})

    assert response.status_code == 200
    assert client.get("/audit/")["Location"] == TWO_FACTOR


def test_a_user_who_chose_a_second_factor_is_asked_for_it_too(world: World) -> None:
    # prison_officer's role does not require it, but they set up a device of their own accord.
    TOTPDevice.objects.create(user=world.users["prison_officer"], name="Resoc", confirmed=True)
    response = english_client(world, "prison_officer").get("/people/")
    assert response.status_code == 302
    assert response["Location"] == TWO_FACTOR


def test_an_unconfirmed_device_does_not_lock_anyone_out(world: World) -> None:
    TOTPDevice.objects.create(user=world.users["prison_officer"], name="Resoc", confirmed=False)
    assert english_client(world, "prison_officer").get("/people/").status_code == 200
