import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from resoc.audit.models import AuditAction, AuditEntry


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _jpeg(width=1600, height=1200, camera="Spiegkamera 3000"):
    exif = Image.Exif()
    exif[0x010F] = camera  # Make
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 80, 40)).save(buffer, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")


def _upload(client, person, upload):
    return client.post(reverse("people:photo", args=[person.public_id]), {"photo": upload})


def test_uploaded_photo_is_shrunk_and_loses_its_metadata(world):
    client = world.client("prison_officer")
    assert _upload(client, world.person, _jpeg()).status_code == 302
    world.person.refresh_from_db()
    with Image.open(world.person.photo.path) as stored:
        assert max(stored.size) == 800
        assert not stored.getexif()
    assert b"Spiegkamera" not in world.person.photo.read()


def test_viewing_the_photo_is_a_read_in_the_audit_log(world, participant):
    _upload(world.client("prison_officer"), world.person, _jpeg())
    response = world.client("facilitator").get(reverse("people:photo", args=[world.person.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, record_type="photo", actor_username="facilitator"
    ).exists()


def test_the_photo_is_not_found_for_another_prison(world):
    _upload(world.client("prison_officer"), world.person, _jpeg())
    response = world.client("other_prison_officer").get(
        reverse("people:photo", args=[world.person.public_id])
    )
    assert response.status_code == 404


def test_reading_roles_cannot_replace_the_photo(world, participant):
    assert _upload(world.client("facilitator"), world.person, _jpeg()).status_code == 403
    world.person.refresh_from_db()
    assert not world.person.photo


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(world, tmp_path):
    fake = SimpleUploadedFile("foto.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    response = _upload(world.client("prison_officer"), world.person, fake)
    assert response.status_code == 422
    assert (
        "not a readable image" in response.content.decode()
        or "nav nolasāms attēls" in response.content.decode()
    )
    world.person.refresh_from_db()
    assert not world.person.photo
    assert not list(tmp_path.rglob("*.jpg"))
    assert not AuditEntry.objects.filter(record_type="photo").exists()


def test_removing_the_photo_deletes_the_file(world):
    client = world.client("prison_officer")
    _upload(client, world.person, _jpeg())
    world.person.refresh_from_db()
    path = world.person.photo.path
    client.post(reverse("people:photo", args=[world.person.public_id]), {"remove": "1"})
    world.person.refresh_from_db()
    assert not world.person.photo
    import os

    assert not os.path.exists(path)
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, record_type="photo").exists()
