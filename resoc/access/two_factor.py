"""TOTP second factor (RFC 6238) on top of django-otp."""

from __future__ import annotations

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice

from resoc.access.models import User


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()


def totp_device_for_setup(user: User) -> TOTPDevice:
    """The unconfirmed device being set up, created on first use (a confirmed one is returned as is)."""
    device = totp_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Resoc", confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111", light="#fff"))
