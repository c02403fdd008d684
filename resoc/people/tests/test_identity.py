import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from resoc.people.identity import birth_date_from_code, make_personal_code, normalize_personal_code


def test_it_accepts_a_valid_old_code_with_or_without_hyphen():
    assert normalize_personal_code("010180-10018") == "010180-10018"
    assert normalize_personal_code(" 01018010018 ") == "010180-10018"


def test_it_accepts_new_codes_starting_with_32():
    assert normalize_personal_code("32123456789") == "321234-56789"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("010180-10019", "checksum"),
        ("310280-10015", "date"),  # 31 February
        ("010180-30010", "format"),  # century digit 3 does not exist
        ("0101801001", "format"),
        ("abcdef-ghijk", "format"),
        ("", "format"),
    ],
)
def test_it_rejects_invalid_codes_with_a_reason(code, error):
    with pytest.raises(ValidationError) as caught:
        normalize_personal_code(code)
    assert caught.value.code == error


def test_birth_date_comes_from_old_codes_only():
    assert birth_date_from_code("010180-10018") == dt.date(1980, 1, 1)
    assert birth_date_from_code(make_personal_code(dt.date(2005, 1, 1), 3)) == dt.date(2005, 1, 1)
    assert birth_date_from_code("321234-56789") is None


def test_generated_codes_are_valid_for_many_dates():
    start = dt.date(1950, 1, 1)
    for offset in range(0, 20000, 97):
        day = start + dt.timedelta(days=offset)
        code = make_personal_code(day, offset)
        assert normalize_personal_code(code) == code
        assert birth_date_from_code(code) == day
