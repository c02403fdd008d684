"""Checks of one row before the domain sees it: every rejection reason, and what is accepted."""

import datetime as dt

import pytest

from resoc.imports.rows import References, parse_row
from resoc.imports.tests.conftest import person_code, register_row


@pytest.fixture
def references(officer):
    return References(officer)


def _reasons(references, **overrides):
    row, reasons = parse_row(2, register_row(**overrides), references)
    return row, {(reason.field, reason.code) for reason in reasons}


def test_a_valid_row_becomes_the_values_of_the_domain_services(references):
    row, reasons = parse_row(2, register_row(), references)
    assert reasons == []
    assert row is not None
    assert row.regime_level is not None
    assert row.personal_code == person_code(1985, 101)
    assert row.prison.code == "jelgavas-cietums"
    assert row.regime_level.code == "closed-lowest"
    assert row.sex == "male"
    assert len(row.fingerprint) == 64


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("vīrietis", "male"),
        ("M", "male"),
        ("V", "male"),
        ("sieviete", "female"),
        ("S", "female"),
        ("F", "female"),
    ],
)
def test_sex_is_read_in_english_and_latvian(references, value, expected):
    row, _ = _reasons(references, sex=value)
    assert row.sex == expected


def test_latvian_values_dates_and_the_prison_name_are_understood(references):
    row, reasons = _reasons(
        references,
        prison="Jelgavas cietums",
        admitted_on="01.02.2024",
        citizenship="nepilsonis",
        released_on="03.02.2024",
        release_reason="Soda beigas",
    )
    assert reasons == set()
    assert row.admitted_on == dt.date(2024, 2, 1)
    assert row.citizenship_status == "non_citizen"
    assert row.release_reason == "end_of_sentence"


def test_the_fingerprint_ignores_the_way_a_date_is_written(references):
    iso, _ = _reasons(references, admitted_on="2024-02-01")
    latvian, _ = _reasons(references, admitted_on="01.02.2024")
    as_date, _ = _reasons(references, admitted_on=dt.date(2024, 2, 1))
    assert iso.fingerprint == latvian.fingerprint == as_date.fingerprint
    other, _ = _reasons(references, admitted_on="2024-02-02")
    assert other.fingerprint != iso.fingerprint


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_cell_starting_like_a_formula_is_rejected(references, start):
    row, reasons = _reasons(references, last_name=f"{start}cmd|' /C calc'!A0")
    assert row is None
    assert ("last_name", "formula") in reasons


@pytest.mark.parametrize("start", ["\t", "\r"])
def test_a_cell_starting_with_a_tab_or_line_break_is_rejected(references, start):
    _, reasons = _reasons(references, court=f'{start}=HYPERLINK("http://x")', sentence_end_on="2030-01-01")
    assert ("court", "formula") in reasons


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"last_name": ""}, ("last_name", "required")),
        ({"first_name": "  "}, ("first_name", "required")),
        ({"sex": ""}, ("sex", "required")),
        ({"prison": ""}, ("prison", "required")),
        ({"admitted_on": ""}, ("admitted_on", "required")),
        ({"sex": "x"}, ("sex", "invalid_choice")),
        ({"citizenship": "martian"}, ("citizenship", "invalid_choice")),
        ({"admitted_on": "31.02.2024"}, ("admitted_on", "invalid_date")),
        ({"birth_date": "yesterday"}, ("birth_date", "invalid_date")),
        ({"personal_code": "150385-11012"}, ("personal_code", "checksum")),
        ({"personal_code": "12345"}, ("personal_code", "format")),
        ({"personal_code": "310285-10000"}, ("personal_code", "date")),
        ({"personal_code": "", "birth_date": ""}, ("birth_date", "identity_missing")),
        ({"prison": "Nav tāda cietuma"}, ("prison", "unknown_prison")),
        ({"prison": "jekabpils-cietums"}, ("prison", "other_prison")),
        ({"regime_level": "gold"}, ("regime_level", "unknown_regime_level")),
        (
            {"probation_unit": "vpd-mars", "sentence_end_on": "2030-01-01", "court": "X"},
            ("probation_unit", "unknown_probation_unit"),
        ),
        ({"court": "Rīgas tiesa"}, ("sentence_end_on", "required")),
        ({"released_on": "2024-05-01"}, ("release_reason", "required")),
        ({"release_reason": "pardon"}, ("released_on", "required")),
        ({"release_reason": "escape"}, ("release_reason", "invalid_choice")),
        ({"court": "x" * 1001, "sentence_end_on": "2030-01-01"}, ("court", "too_long")),
    ],
)
def test_every_rejection_reason(references, overrides, expected):
    row, reasons = _reasons(references, **overrides)
    assert row is None
    assert expected in reasons


def test_all_problems_of_a_row_are_reported_at_once(references):
    _, reasons = _reasons(references, last_name="", sex="?", prison="jekabpils-cietums")
    assert {("last_name", "required"), ("sex", "invalid_choice"), ("prison", "other_prison")} <= reasons


def test_reasons_are_in_the_active_language(references):
    from django.utils import translation

    wrong = register_row(personal_code="150385-11012")
    with translation.override("lv"):
        _, latvian = parse_row(2, wrong, references)
    with translation.override("en"):
        _, english = parse_row(2, wrong, references)
    assert english[0].message.startswith("The personal code's check digit does not match")
    assert latvian[0].message != english[0].message
