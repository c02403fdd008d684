"""Whole files: encodings, separators, headers, size, XLSX; a refused file stores nothing."""

import datetime as dt
import zipfile

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from resoc.imports.models import ImportRow, JobStatus
from resoc.imports.reader import FileRefused, open_register
from resoc.imports.tests.conftest import (
    import_file,
    register_row,
    stored_counts,
    write_csv,
    write_xlsx,
)


def _rows(path):
    return list(open_register(path, path.name).rows())


def test_utf8_with_and_without_bom_is_read(tmp_path):
    plain = write_csv(tmp_path / "a.csv", [register_row()])
    bom = write_csv(tmp_path / "b.csv", [register_row()], encoding="utf-8-sig")
    for path in (plain, bom):
        register = open_register(path, path.name)
        assert register.encoding == "utf-8"
        [(number, values)] = list(register.rows())
        assert number == 2
        assert values["last_name"] == "Kalniņš"


def test_windows_1257_is_read_and_reported(tmp_path):
    path = write_csv(tmp_path / "a.csv", [register_row(last_name="Ščerbiņa")], encoding="cp1257")
    register = open_register(path, path.name)
    assert register.encoding == "windows-1257"
    assert next(register.rows())[1]["last_name"] == "Ščerbiņa"


def test_utf16_is_refused_with_the_way_to_fix_it(tmp_path):
    path = write_csv(tmp_path / "a.csv", [register_row()], encoding="utf-16")
    with pytest.raises(FileRefused) as refused:
        open_register(path, path.name)
    assert refused.value.code == "encoding"
    assert "UTF-16" in refused.value.message


def test_text_in_no_supported_encoding_is_refused(tmp_path):
    path = tmp_path / "a.csv"
    header = ";".join(register_row()).encode()
    path.write_bytes(header + b"\n\x81\x83\x88;x\n")  # bytes neither UTF-8 nor Windows-1257 define
    with pytest.raises(FileRefused) as refused:
        open_register(path, path.name)
    assert refused.value.code == "encoding"
    assert "Windows-1257" in refused.value.message


def test_comma_separated_files_and_latvian_headers_are_read(tmp_path):
    header = [
        "Personas kods",
        "Uzvārds",
        "Vārds",
        "Dzimšanas datums",
        "Dzimums",
        "Cietums",
        "Ievietošanas datums",
    ]
    values = register_row()
    row = dict(
        zip(
            header,
            [
                values[k]
                for k in (
                    "personal_code",
                    "last_name",
                    "first_name",
                    "birth_date",
                    "sex",
                    "prison",
                    "admitted_on",
                )
            ],
            strict=True,
        )
    )
    path = write_csv(tmp_path / "a.csv", [row], header=header, delimiter=",")
    [(_, cells)] = _rows(path)
    assert cells["personal_code"] == values["personal_code"]
    assert cells["admitted_on"] == values["admitted_on"]


def test_missing_columns_refuse_the_file_and_name_every_one(tmp_path, officer):
    header = ["personal_code", "last_name", "first_name", "sex"]
    path = write_csv(tmp_path / "a.csv", [register_row()], header=header)
    before = stored_counts()
    job = import_file(officer, path)
    assert job.status == JobStatus.FAILED
    assert job.error_code == "missing_columns"
    for name in ("birth_date", "prison", "admitted_on", "cietums"):
        assert name in job.error
    assert stored_counts() == before
    assert not ImportRow.objects.filter(job=job).exists()


def test_the_same_column_twice_is_refused(tmp_path):
    header = [
        "personal_code",
        "personas_kods",
        "last_name",
        "first_name",
        "birth_date",
        "sex",
        "prison",
        "admitted_on",
    ]
    path = write_csv(tmp_path / "a.csv", [], header=header)
    with pytest.raises(FileRefused) as refused:
        open_register(path, path.name)
    assert refused.value.code == "duplicate_column"


def test_unknown_columns_are_ignored_and_named(tmp_path):
    header = [*register_row().keys(), "notes"]
    path = write_csv(tmp_path / "a.csv", [register_row()], header=header)
    assert open_register(path, path.name).ignored_headers == ["notes"]


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_file(tmp_path):
    path = write_csv(tmp_path / "a.csv", [register_row(), {}, register_row(last_name="Liepa")])
    assert [number for number, _ in _rows(path)] == [2, 4]


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"")
    with pytest.raises(FileRefused) as refused:
        open_register(path, path.name)
    assert refused.value.code == "empty"


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path, settings, officer):
    settings.IMPORT_MAX_BYTES = 100 * 1024 * 1024
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:  # sparse: 100 MB + 1 byte without writing them
        stream.truncate(100 * 1024 * 1024 + 1)
    with pytest.raises(FileRefused) as refused:
        open_register(path, path.name)
    assert refused.value.code == "too_large"
    assert "100 MB" in refused.value.message


def test_a_file_of_exactly_the_limit_is_accepted(tmp_path, settings):
    path = write_csv(tmp_path / "a.csv", [register_row()])
    settings.IMPORT_MAX_BYTES = path.stat().st_size
    assert len(_rows(path)) == 1
    settings.IMPORT_MAX_BYTES = path.stat().st_size - 1
    with pytest.raises(FileRefused):
        open_register(path, path.name)


def test_old_excel_files_are_refused_with_the_way_to_fix_it(tmp_path):
    path = tmp_path / "a.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(FileRefused) as refused:
        open_register(path, path.name)
    assert refused.value.code == "old_excel"


def test_xlsx_is_read_with_dates_and_numbers_as_cells(tmp_path):
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            register_row(
                admitted_on=dt.datetime(2024, 2, 1), birth_date=dt.date(1985, 3, 15), personal_code=""
            )
        ],
    )
    register = open_register(path, path.name)
    assert register.format == "xlsx"
    [(number, cells)] = list(register.rows())
    assert number == 2
    assert cells["admitted_on"] == dt.date(2024, 2, 1)
    assert cells["personal_code"] is None


def test_xlsx_formulas_are_read_as_their_text_never_evaluated(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(register_row().keys()))
    sheet.append(
        [
            *list(register_row().values())[:1],
            '=HYPERLINK("http://evil","x")',
            *list(register_row().values())[2:],
        ]
    )
    workbook.save(tmp_path / "a.xlsx")
    [(_, cells)] = _rows(tmp_path / "a.xlsx")
    assert cells["last_name"] == '=HYPERLINK("http://evil","x")'


def test_a_damaged_workbook_is_refused(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileRefused) as refused:
        open_register(path, path.name)
    assert refused.value.code == "not_xlsx"


def test_a_workbook_unpacking_to_far_more_than_it_weighs_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (30 * 1024 * 1024) + b"</a>")
    with pytest.raises(FileRefused) as refused:
        open_register(path, path.name)
    assert refused.value.code == "too_large"
