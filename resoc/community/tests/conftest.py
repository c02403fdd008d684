"""Community fixtures: an NGO coordinator's person (referred, consented), agreements, upload files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from resoc.api.tests.conftest import api_as  # noqa: F401  # fixture
from resoc.community.consents import ConsentSpec
from resoc.organizations.models import Organization


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def today() -> dt.date:
    return timezone.localdate()


def pdf(name: str = "forma.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def png(name: str = "forma.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (250, 250, 250)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def spec(world, **overrides) -> ConsentSpec:
    values = {
        "organization": world.ngo,
        "categories": ["identity", "family"],
        "purpose": "Atbalsts pēc atbrīvošanas",
        "given_on": today(),
    }
    values.update(overrides)
    return ConsentSpec(**values)


def lv(message: str) -> str:
    """``message`` as the pages show it: Latvian is the default language."""
    from django.utils import translation

    with translation.override("lv"):
        return translation.gettext(message)
