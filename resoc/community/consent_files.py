"""Signed consent forms: checked by their content (not their name or declared type) and stored under a
random name. Images are re-encoded without metadata, as person photos are (``people.photos``), but
keep their size: a scanned form must stay legible."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_FORM_BYTES = 10 * 1024 * 1024
MAX_SIDE_PIXELS = 6000
PDF_MAGIC = b"%PDF-"
IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}


@dataclass(frozen=True)
class SignedForm:
    content: ContentFile[bytes]
    content_type: str


def checked_signed_form(upload: UploadedFile[bytes]) -> SignedForm:
    """The form to store, or a ValidationError a user understands (too large, not PDF/JPEG/PNG)."""
    if upload.size is not None and upload.size > MAX_FORM_BYTES:
        raise ValidationError(_("The signed form is larger than 10 MB."), code="too_large")
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        data = upload.read()
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("The PDF file is incomplete or damaged."), code="invalid")
        return SignedForm(ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"), "application/pdf")
    try:
        with Image.open(upload) as image:
            found = IMAGE_FORMATS.get(image.format or "")
            if found is None:
                raise _wrong_format()
            if max(image.size) > MAX_SIDE_PIXELS:
                raise ValidationError(_("The image of the form is too large."), code="too_large")
            image.load()
            picture = image.convert("RGB") if image.format == "JPEG" else image.copy()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise _wrong_format() from None
    content_type, extension = found
    buffer = io.BytesIO()
    # Saved afresh without the EXIF block: phones write where and when the picture was taken.
    picture.save(buffer, format=image.format, **({"quality": 90} if extension == "jpg" else {}))
    return SignedForm(ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}"), content_type)


def _wrong_format() -> ValidationError:
    return ValidationError(_("Upload the signed form as a PDF, JPEG or PNG file."), code="format")
