"""Latvian personal codes (personas kods).

Old codes are ``DDMMYY-CNNNN``: a birth date, a century digit (0 = 1800s, 1 = 1900s, 2 = 2000s),
three serial digits and a check digit. Codes issued since 1 July 2017 start with ``32`` and carry no
birth date. Both are stored in the hyphenated form.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_OLD = re.compile(r"^(\d{2})(\d{2})(\d{2})-?([012])(\d{3})(\d)$")
_NEW = re.compile(r"^(32\d{4})-?(\d{5})$")
_WEIGHTS = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CENTURY = {"0": 1800, "1": 1900, "2": 2000}


def _check_digit(first_ten: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_ten, _WEIGHTS, strict=True))
    return (1101 - total) % 11


def normalize_personal_code(raw: str) -> str:
    """Return the code as ``XXXXXX-XXXXX`` or raise a ValidationError that says what is wrong."""
    code = re.sub(r"\s", "", raw)
    if match := _NEW.match(code):
        return f"{match.group(1)}-{match.group(2)}"
    match = _OLD.match(code)
    if not match:
        raise ValidationError(
            _("A personal code has 11 digits, written as DDMMYY-CNNNN or 32XXXX-XXXXX."),
            code="format",
        )
    day, month, year, century, serial, check = match.groups()
    try:
        dt.date(_CENTURY[century] + int(year), int(month), int(day))
    except ValueError:
        raise ValidationError(
            _("The personal code starts with a date that does not exist."), code="date"
        ) from None
    digits = f"{day}{month}{year}{century}{serial}"
    if _check_digit(digits) != int(check):
        raise ValidationError(
            _("The personal code's check digit does not match: please check for a typing error."),
            code="checksum",
        )
    return f"{day}{month}{year}-{century}{serial}{check}"


def birth_date_from_code(code: str) -> dt.date | None:
    """The birth date an old-format code carries; None for new codes."""
    match = _OLD.match(code)
    if not match:
        return None
    day, month, year, century, _serial, _check = match.groups()
    return dt.date(_CENTURY[century] + int(year), int(month), int(day))


def make_personal_code(birth_date: dt.date, serial: int) -> str:
    """A valid old-format code for ``birth_date`` (used by the synthetic demo data and tests).

    Serials whose check digit would be 10 have no valid code; the next serial is used instead.
    """
    century = {1800: "0", 1900: "1", 2000: "2"}[birth_date.year // 100 * 100]
    while True:
        first_ten = f"{birth_date:%d%m}{birth_date.year % 100:02d}{century}{serial % 1000:03d}"
        check = _check_digit(first_ten)
        if check < 10:
            return f"{first_ten[:6]}-{first_ten[6:]}{check}"
        serial += 1
