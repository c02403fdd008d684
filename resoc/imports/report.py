"""The row report as CSV or XLSX, and the empty template, safe to open in a spreadsheet.

Every cell goes through ``safe_cell``: text starting like a formula (= + - @ tab CR) gets a leading
apostrophe, so that a spreadsheet shows it and never evaluates it. Data columns keep the template's
headers, so a corrected report of rejected rows can be uploaded again (the report's own columns are
ignored on upload).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from resoc.audit.export import BOM, safe_cell
from resoc.imports.columns import COLUMNS, template_header
from resoc.imports.models import ImportRow, RowStatus

CHUNK_SIZE = 2000


def header() -> list[str]:
    return [_("Row"), _("Status"), _("Reasons or changes"), *template_header()]


def line(row: ImportRow) -> list[str]:
    status = RowStatus(row.status).label
    note = row.reasons_text if row.reasons else row.changes_text
    values: list[Any] = [row.number, status, note, *(row.values.get(column.key) for column in COLUMNS)]
    return [safe_cell(value) for value in values]


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: QuerySet[ImportRow], *, language: str) -> Iterator[str]:
    """BOM, header and rows, fetched in chunks; the language is set here (the response streams later)."""
    writer = csv.writer(_Line(), delimiter=";")
    with translation.override(language):
        yield BOM + writer.writerow(header())
        for row in rows.iterator(chunk_size=CHUNK_SIZE):
            yield writer.writerow(line(row))


def xlsx_file(rows: QuerySet[ImportRow]) -> IO[bytes]:
    """The report as a workbook in a temporary file (write-only mode: rows are not kept in memory)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Report"))
    sheet.append(header())
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        sheet.append(line(row))
    output = tempfile.TemporaryFile()  # noqa: SIM115  # returned open: the response streams and closes it
    workbook.save(output)
    output.seek(0)
    return output


def template_csv() -> str:
    return BOM + ";".join(template_header()) + "\r\n"


def template_xlsx() -> IO[bytes]:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("register")
    sheet.append(template_header())
    output = tempfile.TemporaryFile()  # noqa: SIM115  # returned open: the response streams and closes it
    workbook.save(output)
    output.seek(0)
    return output
