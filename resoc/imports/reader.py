"""Reading an uploaded register file as a stream of rows, refusing whole files that cannot be read.

CSV is read as UTF-8 (with or without the byte-order mark) or, failing that, as Windows-1257
(Baltic), which Latvian government systems often export; the encoding used is reported. XLSX is
read with openpyxl in read-only mode (streamed; defusedxml, installed, guards the XML parser) and
formulas are never evaluated: a formula cell reaches the row checks as its ``=…`` text.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from resoc.imports.columns import COLUMN_BY_KEY, REQUIRED_KEYS, column_for_header
from resoc.imports.models import ImportFormat

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
# An XLSX file is a zip archive: what it unpacks to is limited too (a small "zip bomb" can unpack
# to gigabytes of XML).
UNPACKED_RATIO_LIMIT = 20
_CHUNK = 1024 * 1024
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the binary .xls format of Excel 97–2003
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MAX_CELL_CHARS = 1000

Cell = str | dt.date | None


class FileRefused(Exception):
    """The whole file is refused before any row is stored; ``message`` says why, in the user's language."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def check_size(size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise FileRefused(
            "too_large",
            _(
                "The file is %(size)s MB; files of up to %(limit)s MB can be imported. Split it into smaller files."
            )
            % {"size": _megabytes(size), "limit": _megabytes(limit)},
        )
    if size == 0:
        raise FileRefused("empty", _("The file is empty."))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


@dataclass
class RegisterFile:
    """An opened register file: its format, encoding, the column each header maps to, and its rows."""

    format: str
    encoding: str
    columns: dict[int, str]  # position → column key
    ignored_headers: list[str]
    rows_total: int  # data rows (0 when the file does not say and counting would cost a second read)
    _rows: Iterator[tuple[int, list[Any]]] = field(repr=False)

    def rows(self) -> Iterator[tuple[int, dict[str, Cell]]]:
        """(row number as a spreadsheet shows it, {column key: raw cell}) for each non-blank data row."""
        for number, cells in self._rows:
            values: dict[str, Cell] = {}
            for position, key in self.columns.items():
                values[key] = _cell(cells[position]) if position < len(cells) else None
            if any(value not in (None, "") for value in values.values()):
                yield number, values


def _cell(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def detect_format(head: bytes, file_name: str) -> str:
    if head.startswith(_XLSX_MAGIC):
        return ImportFormat.XLSX
    if head.startswith(_OLE_MAGIC):
        raise FileRefused(
            "old_excel",
            _("This is an old Excel (.xls) file: save it as Excel workbook (.xlsx) or as CSV UTF-8."),
        )
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise FileRefused("not_xlsx", _("The file is named .xlsx but is not an Excel workbook."))
    return ImportFormat.CSV


def open_register(path: Path, file_name: str) -> RegisterFile:
    """Open ``path`` (the upload or the command's file) and check its header row."""
    check_size(path.stat().st_size)
    with path.open("rb") as probe:
        head = probe.read(8)
    if detect_format(head, file_name) == ImportFormat.XLSX:
        return _open_xlsx(path)
    return _open_csv(path)


# --- CSV -------------------------------------------------------------------------------------------


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), else Windows-1257; anything else is refused with the reason."""
    with path.open("rb") as stream:
        head = stream.read(4)
        if head.startswith(_UTF16_BOMS):
            raise FileRefused(
                "encoding",
                _(
                    "The file is saved as UTF-16 (“Unicode text”). Save it as “CSV UTF-8” and upload it again."
                ),
            )
        for encoding in ("utf-8-sig", "cp1257"):
            stream.seek(0)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while chunk := stream.read(_CHUNK):
                    text = decoder.decode(chunk)
                    if "\x00" in text:
                        raise FileRefused(
                            "binary", _("The file contains binary data, not text: upload a CSV or XLSX file.")
                        )
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    raise FileRefused(
        "encoding",
        _(
            "The file is neither UTF-8 nor Windows-1257 (Baltic) text. Save it as “CSV UTF-8” and upload it again."
        ),
    )


def _delimiter(header_line: str) -> str:
    # Spreadsheets in a Latvian locale separate CSV fields with ";" (the comma is the decimal mark).
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d])


def _csv_records(path: Path, encoding: str, delimiter: str) -> Iterator[list[str]]:
    with path.open(encoding=encoding, newline="") as text:
        reader = csv.reader(text, delimiter=delimiter)
        try:
            yield from reader
        except csv.Error as error:
            raise FileRefused(
                "malformed",
                _("The CSV file cannot be read after row %(row)s: %(problem)s")
                % {"row": reader.line_num, "problem": error},
            ) from None


def _open_csv(path: Path) -> RegisterFile:
    encoding = _csv_encoding(path)
    with path.open(encoding=encoding, newline="") as text:
        first_line = text.readline()
    delimiter = _delimiter(first_line)
    records = _csv_records(path, encoding, delimiter)
    header = next(records, None)
    if not header or not any(cell.strip() for cell in header):
        raise FileRefused("empty", _("The file has no header row."))
    columns, ignored = _map_header(header)
    # A first pass counts the rows so that progress can be shown as a share (about a second per 100 MB).
    total = sum(
        1 for record in _csv_records(path, encoding, delimiter) if any(cell.strip() for cell in record)
    )
    numbered = ((number, record) for number, record in enumerate(records, start=2))
    return RegisterFile(
        format=ImportFormat.CSV,
        encoding="utf-8" if encoding == "utf-8-sig" else "windows-1257",
        columns=columns,
        ignored_headers=ignored,
        rows_total=max(total - 1, 0),
        _rows=numbered,
    )


# --- XLSX ------------------------------------------------------------------------------------------


def _check_unpacked_size(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused(
            "not_xlsx", _("The file is damaged: it is not a readable Excel workbook.")
        ) from None
    if unpacked > max(path.stat().st_size, _CHUNK) * UNPACKED_RATIO_LIMIT or unpacked > 20 * max_bytes():
        raise FileRefused(
            "too_large",
            _("The workbook unpacks to far more data than a register extract holds; it is refused."),
        )


def _open_xlsx(path: Path) -> RegisterFile:
    import openpyxl  # type: ignore[import-untyped]  # only when needed: a large import

    _check_unpacked_size(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for damaged workbooks
        raise FileRefused(
            "not_xlsx", _("The file is damaged: it is not a readable Excel workbook.")
        ) from None
    sheet = workbook.worksheets[0]
    records: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
    header = next(records, None)
    if not header or not any(cell not in (None, "") for cell in header):
        workbook.close()
        raise FileRefused("empty", _("The first sheet has no header row."))
    columns, ignored = _map_header(["" if cell is None else str(cell) for cell in header])
    # The sheet's recorded dimension (blank rows included); corrected when the job ends.
    total = (sheet.max_row or 1) - 1

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, record in enumerate(records, start=2):
                yield number, list(record)
        finally:
            workbook.close()

    return RegisterFile(
        format=ImportFormat.XLSX,
        encoding="",
        columns=columns,
        ignored_headers=ignored,
        rows_total=max(total, 0),
        _rows=numbered(),
    )


# --- header ----------------------------------------------------------------------------------------


def _map_header(header: list[str]) -> tuple[dict[int, str], list[str]]:
    columns: dict[int, str] = {}
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for position, raw in enumerate(header):
        name = raw.strip()
        if not name:
            continue
        key = column_for_header(name)
        if key is None:
            ignored.append(name[:60])
            continue
        if key in seen:
            raise FileRefused(
                "duplicate_column",
                _("The columns “%(first)s” and “%(second)s” are the same column (%(key)s).")
                % {"first": seen[key], "second": name, "key": key},
            )
        seen[key] = name
        columns[position] = key
    missing = [key for key in REQUIRED_KEYS if key not in seen]
    if missing:
        names = ", ".join(f"{key} ({COLUMN_BY_KEY[key].latvian})" for key in missing)
        raise FileRefused(
            "missing_columns",
            ngettext(
                "A required column is missing: %(columns)s. Nothing was imported.",
                "Required columns are missing: %(columns)s. Nothing was imported.",
                len(missing),
            )
            % {"columns": names},
        )
    return columns, ignored
